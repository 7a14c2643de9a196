using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Monitoring;

/// <summary>
/// One due row (table <c>offlinedue</c>): PartitionKey = the asset's shard (<see cref="OfflineIndex.Shard"/>), RowKey =
/// due ticks (19 digits) + <c>|</c> + asset id. Rows sort by due time inside a shard, so "what is due" is one range
/// query per shard that returns only due rows, and moving a row to a later due time is one batch (delete + upsert in
/// the same partition).
/// </summary>
public sealed class OfflineDueEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AssetId { get; set; } = "";
    public DateTimeOffset DueAt { get; set; }
}

/// <summary>
/// The due index of offline monitoring. Written by enrollment (first due time), by the heartbeat only when an offline
/// asset comes back, and otherwise maintained by the offline scan alone, so a normal heartbeat never touches it.
/// </summary>
public sealed class OfflineIndex(
    TableServiceClient tables,
    IOptions<InventoryStorageOptions> storage,
    IOptions<CheckinOptions> checkins,
    IOptions<MonitoringOptions> monitoring
)
{
    /// <summary>Shards of the index: a scan with nothing due costs this many (empty) range queries. One partition
    /// takes ~2,000 writes/s; four leave room far beyond 100k assets.</summary>
    public const int Shards = 4;

    public TableClient Table { get; } = tables.GetTableClient(storage.Value.OfflineDueTable);

    public static IEnumerable<string> AllShards =>
        Enumerable.Range(0, Shards).Select(i => i.ToString(CultureInfo.InvariantCulture));

    /// <summary>A stable shard of the asset id (ids are hex; any character works).</summary>
    public static string Shard(string assetId) =>
        (assetId.Length == 0 ? 0 : assetId[0] % Shards).ToString(CultureInfo.InvariantCulture);

    public static string RowKey(DateTimeOffset due, string assetId) => TicksPrefix(due) + assetId;

    /// <summary>The RowKey bound below which every row is due at <paramref name="now"/>.</summary>
    public static string DueBound(DateTimeOffset now) => TicksPrefix(now.AddTicks(1));

    private static string TicksPrefix(DateTimeOffset at) =>
        at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "|";

    /// <summary>The asset's expected heartbeat interval: its own, else the app's.</summary>
    public TimeSpan Interval(AssetSummaryEntity summary) =>
        TimeSpan.FromSeconds(summary.ExpectedIntervalSeconds ?? checkins.Value.HeartbeatIntervalSeconds);

    /// <summary>How long after its last sign of life an asset counts as offline.</summary>
    public TimeSpan Window(AssetSummaryEntity summary) => Interval(summary) * monitoring.Value.OfflineTolerance;

    public double Tolerance => monitoring.Value.OfflineTolerance;

    public static OfflineDueEntity Row(string assetId, DateTimeOffset due) =>
        new()
        {
            PartitionKey = Shard(assetId),
            RowKey = RowKey(due, assetId),
            AssetId = assetId,
            DueAt = due,
        };

    /// <summary>Puts the asset in the index at <paramref name="due"/> (one upsert).</summary>
    public async Task ScheduleAsync(string assetId, DateTimeOffset due, CancellationToken cancellationToken) =>
        await Table.UpsertEntityAsync(Row(assetId, due), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Moves a due row to a later due time: one batch in the row's partition.</summary>
    public async Task MoveAsync(OfflineDueEntity row, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var next = Row(row.AssetId, due);
        if (next.RowKey == row.RowKey)
            return;
        try
        {
            await Table.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All),
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, next),
                ],
                cancellationToken
            );
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 404)
        {
            // Another run moved or removed this row meanwhile: it owns the asset's schedule now.
        }
    }

    /// <summary>
    /// Moves many due rows at once: the moves of one shard go in batches of 50 (a delete and an upsert each, the
    /// service's 100 actions per batch), so rescheduling the assets a scan found alive costs one request per 50 of
    /// them. A batch that fails because a row was moved or removed meanwhile is redone move by move.
    /// </summary>
    public async Task MoveManyAsync(
        IEnumerable<(OfflineDueEntity Row, DateTimeOffset Due)> moves,
        CancellationToken cancellationToken
    )
    {
        var chunks = moves
            .Select(m => (m.Row, Next: Row(m.Row.AssetId, m.Due)))
            .Where(m => m.Next.RowKey != m.Row.RowKey)
            .GroupBy(m => m.Row.PartitionKey)
            .SelectMany(shard => shard.Chunk(MovesPerBatch));
        await Parallel.ForEachAsync(
            chunks,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (chunk, ct) =>
            {
                try
                {
                    await Table.SubmitTransactionAsync(
                        chunk.SelectMany(m =>
                            new[]
                            {
                                new TableTransactionAction(TableTransactionActionType.Delete, m.Row, ETag.All),
                                new TableTransactionAction(TableTransactionActionType.UpsertReplace, m.Next),
                            }
                        ),
                        ct
                    );
                }
                catch (TableTransactionFailedException ex) when (ex.Status == 404)
                {
                    foreach (var (row, next) in chunk)
                        await MoveAsync(row, next.DueAt, ct);
                }
            }
        );
    }

    private const int MovesPerBatch = 50;

    /// <summary>Takes a row out of the index (gone already is fine).</summary>
    public async Task RemoveAsync(OfflineDueEntity row, CancellationToken cancellationToken)
    {
        try
        {
            await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }
}
