using ItInventory.Functions.Assets;
using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Reports;

/// <summary>One audit record of an asset: when, what, and the fields it changed (before/after).</summary>
public sealed record AssetAuditChange(DateTimeOffset At, string Action, IReadOnlyList<FieldChange> Changes);

/// <summary>
/// Rewinds an asset's current state to the end of a period through its audit records (pure). Every change of the
/// fields a finance report reads — state, department, category, name, tag, financial record — goes through an audited
/// path (create, enroll, PATCH, import, lifecycle, decommissioning, tags), each record holding the fields' values
/// before and after; undoing the records after the period end, newest first, gives the state at the end. An asset
/// created (or enrolled) after the period end did not exist then.
/// </summary>
public static class AssetRewind
{
    private static readonly HashSet<string> Creations = ["create", "enroll"];

    /// <returns>The asset as it stood at <paramref name="periodEndExclusive"/>, or null when it did not
    /// exist.</returns>
    public static AssetAsOf? AsOf(
        AssetAsOf current,
        IEnumerable<AssetAuditChange> changes,
        DateTimeOffset periodEndExclusive
    )
    {
        var asset = current;
        foreach (var change in changes.Where(c => c.At >= periodEndExclusive).OrderByDescending(c => c.At))
        {
            if (Creations.Contains(change.Action))
                return null;
            foreach (var field in change.Changes)
                asset = Undo(asset, field);
        }
        return asset;
    }

    /// <summary>The state changes within [start, end) (from the records' <c>State</c> fields), oldest first.</summary>
    public static IReadOnlyList<StateEvent> StateEvents(
        IEnumerable<AssetAuditChange> changes,
        DateTimeOffset start,
        DateTimeOffset endExclusive
    ) =>
        [
            .. changes
                .Where(c => c.At >= start && c.At < endExclusive)
                .OrderBy(c => c.At)
                .SelectMany(c =>
                    c.Changes.Where(f => f.Field == nameof(AssetDetailEntity.State) && f.To is not null)
                        .Select(f => new StateEvent(DateOnly.FromDateTime(c.At.UtcDateTime), f.To!))
                ),
        ];

    private static AssetAsOf Undo(AssetAsOf a, FieldChange f) =>
        f.Field switch
        {
            nameof(AssetDetailEntity.State) => a with { State = f.From ?? a.State },
            nameof(AssetDetailEntity.Department) => a with { Department = f.From },
            nameof(AssetDetailEntity.Category) => a with { Category = f.From },
            nameof(AssetDetailEntity.Name) => a with { Name = f.From },
            nameof(AssetDetailEntity.Tag) => a with { Tag = f.From },
            nameof(AssetDetailEntity.Financials) => a with { Financials = AssetFinancials.Parse(f.From) },
            _ => a,
        };
}
