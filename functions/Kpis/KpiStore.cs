using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Kpis;

/// <summary>
/// The KPI snapshots (table <see cref="InventoryStorageOptions.KpiSnapshotsTable"/>, keys <see cref="KpiKeys"/>):
/// the read API the KPI endpoints and the reports use, and the idempotent upsert the snapshot run and the backfill
/// write through. A department of <c>null</c> is the whole inventory. No authorisation here: callers decide who may
/// read which scope (<see cref="Management.Security.AccessPolicy.ReadKpis"/>).
/// </summary>
public sealed class KpiStore(TableServiceClient tables, IOptions<InventoryStorageOptions> options)
{
    /// <summary>How far back "latest" looks first (one short range query); older data is found by reading the whole
    /// partition.</summary>
    private const int RecentDays = 45;

    public TableClient Table { get; } = tables.GetTableClient(options.Value.KpiSnapshotsTable);

    /// <summary>The snapshots of a scope from <paramref name="from"/> to <paramref name="to"/> (inclusive), in day
    /// order; days without a snapshot are absent. One range query of one partition.</summary>
    public async Task<IReadOnlyList<KpiSnapshot>> RangeAsync(
        string? department,
        DateOnly from,
        DateOnly to,
        CancellationToken cancellationToken
    )
    {
        var list = new List<KpiSnapshot>();
        var (partition, first, last) = (KpiKeys.Partition(department), KpiKeys.Row(from), KpiKeys.Row(to));
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {partition} and RowKey ge {first} and RowKey le {last}"
        );
        await foreach (var row in Table.QueryAsync<KpiSnapshotEntity>(filter, cancellationToken: cancellationToken))
            list.Add(row.ToSnapshot());
        return list;
    }

    /// <summary>The snapshot of a scope on one day, or null.</summary>
    public async Task<KpiSnapshot?> DayAsync(string? department, DateOnly day, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<KpiSnapshotEntity>(
            KpiKeys.Partition(department),
            KpiKeys.Row(day),
            cancellationToken: cancellationToken
        );
        return row.HasValue && row.Value is { } found ? found.ToSnapshot() : null;
    }

    /// <summary>Every scope's snapshot of one day (the total first, then departments in key order).</summary>
    public async Task<IReadOnlyList<KpiSnapshot>> AllScopesAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var list = new List<KpiSnapshot>();
        var filter = TableClient.CreateQueryFilter($"RowKey eq {KpiKeys.Row(day)}");
        await foreach (var row in Table.QueryAsync<KpiSnapshotEntity>(filter, cancellationToken: cancellationToken))
            list.Add(row.ToSnapshot());
        return list.OrderBy(s => s.Department is null ? 0 : 1)
            .ThenBy(s => s.Department, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The latest snapshot of a scope on or before <paramref name="day"/> and at most
    /// <paramref name="lookBackDays"/> days before it, or null.</summary>
    public async Task<KpiSnapshot?> OnOrBeforeAsync(
        string? department,
        DateOnly day,
        int lookBackDays,
        CancellationToken cancellationToken
    ) => (await RangeAsync(department, day.AddDays(-lookBackDays), day, cancellationToken)).LastOrDefault();

    /// <summary>The latest snapshot of a scope (up to <paramref name="today"/>), or null when it has none.</summary>
    public async Task<KpiSnapshot?> LatestAsync(string? department, DateOnly today, CancellationToken cancellationToken)
    {
        if (await OnOrBeforeAsync(department, today, RecentDays, cancellationToken) is { } recent)
            return recent;
        KpiSnapshotEntity? latest = null;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {KpiKeys.Partition(department)} and RowKey le {KpiKeys.Row(today)}"
        );
        await foreach (
            var row in Table.QueryAsync<KpiSnapshotEntity>(
                filter,
                select: ["PartitionKey", "RowKey"],
                cancellationToken: cancellationToken
            )
        )
            latest = row;
        return latest is null
            ? null
            : await DayAsync(department, KpiKeys.TryParseDay(latest.RowKey, out var d) ? d : today, cancellationToken);
    }

    /// <summary>Writes a computed snapshot: a live one replaces the row; a historical one (backfill) replaces a
    /// row that is not live, and in a live row replaces only <see cref="KpiSnapshotEntity.HistoricalFields"/> (the
    /// rest stays as the timer saw the fleet). Either way, writing the same figures again changes nothing.</summary>
    public async Task UpsertAsync(KpiSnapshot snapshot, CancellationToken cancellationToken)
    {
        var entity = KpiSnapshotEntity.From(snapshot);
        if (snapshot.Live)
        {
            await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            return;
        }
        var existing = await Table.GetEntityIfExistsAsync<KpiSnapshotEntity>(
            entity.PartitionKey,
            entity.RowKey,
            cancellationToken: cancellationToken
        );
        if (!existing.HasValue || existing.Value is not { Live: true } live)
        {
            await Table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
            return;
        }
        live.CopyHistoricalFrom(entity);
        try
        {
            await Table.UpdateEntityAsync(live, live.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // The timer rewrote the row meanwhile: it computed the historical figures itself, with the same rules.
        }
    }
}
