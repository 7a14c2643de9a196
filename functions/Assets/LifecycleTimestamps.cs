using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>
/// When an asset reached the lifecycle moments the KPIs measure (docs/kpis.md): approved after discovery, retired,
/// disposed. Stamped on the summary row by the change that moves the state (<see cref="AssetWriter"/>), in the same
/// merge as the mirrored state; rows older than the stamps are filled from each asset's change history by the KPI
/// backfill. Pure: no I/O.
/// </summary>
public static class LifecycleTimestamps
{
    /// <summary>The stamps a move from <paramref name="from"/> to <paramref name="to"/> sets (field names of
    /// <see cref="AssetSummaryEntity"/>): leaving Discovered for anything but Rejected is the approval; entering
    /// Retired or Disposed stamps that state (a later retirement overwrites an earlier one).</summary>
    public static IReadOnlyList<string> For(string? from, string? to)
    {
        if (to is null || from == to)
            return [];
        var stamps = new List<string>(2);
        if (from == nameof(LifecycleState.Discovered) && to != nameof(LifecycleState.Rejected))
            stamps.Add(nameof(AssetSummaryEntity.ApprovedAt));
        if (to == nameof(LifecycleState.Retired))
            stamps.Add(nameof(AssetSummaryEntity.RetiredAt));
        if (to == nameof(LifecycleState.Disposed))
            stamps.Add(nameof(AssetSummaryEntity.DisposedAt));
        return stamps;
    }

    /// <summary>The summary merge (or none) plus the stamps the change's state move sets, at
    /// <paramref name="at"/>.</summary>
    public static TableEntity? With(
        TableEntity? mirror,
        string assetId,
        string fromState,
        IReadOnlyDictionary<string, object?> changed,
        DateTimeOffset at
    )
    {
        if (!changed.TryGetValue(nameof(AssetDetailEntity.State), out var to))
            return mirror;
        foreach (var field in For(fromState, to as string))
        {
            mirror ??= new TableEntity(TableKeys.SummaryPartition(assetId), assetId);
            mirror[field] = at;
        }
        return mirror;
    }
}
