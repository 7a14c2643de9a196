using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Monitoring;

/// <summary>
/// A row of the offline due index (table <c>offlinedue</c>): PartitionKey = the assets' shard
/// (<see cref="OfflineIndex.Shard"/>), RowKey = due ticks (19 digits) + <c>|</c> + the rest, so rows sort by due time
/// inside a shard and "what is due" is one range query per shard that returns only due rows. Two forms: a single
/// asset's row (RowKey rest = asset id; written by enrollment and by the heartbeat of an asset back from offline) and
/// a bucket (RowKey rest = <c>~</c> + the writing run + a number; <see cref="AssetIds"/> holds many assets due in the
/// same minute), written by the offline scan when it reschedules the assets it found alive.
/// </summary>
public sealed class OfflineDueEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The asset of a single row; empty on a bucket.</summary>
    public string AssetId { get; set; } = "";

    /// <summary>The assets of a bucket, space-separated; null on a single row.</summary>
    public string? AssetIds { get; set; }

    /// <summary>When the assets are due (a bucket: the end of their minute, never before any of them is due).
    /// </summary>
    public DateTimeOffset DueAt { get; set; }

    public IReadOnlyList<string> Assets() =>
        AssetIds is null ? [AssetId] : AssetIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// The due index of offline monitoring. Written by enrollment (first due time), by the heartbeat only when an offline
/// asset comes back, and otherwise maintained by the offline scan alone, so a normal heartbeat never touches it. The
/// scan keeps the assets it found alive in buckets (one row per shard and minute), so rescheduling thousands of
/// assets is a few writes, not two per asset.
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

    /// <summary>The minute an asset due at <paramref name="due"/> is bucketed in: the end of that minute, so a
    /// bucket never comes due before any asset in it (detection is at most a minute later than exact).</summary>
    public static DateTimeOffset Slot(DateTimeOffset due)
    {
        var ticks = due.UtcTicks;
        var rest = ticks % TimeSpan.TicksPerMinute;
        return new DateTimeOffset(rest == 0 ? ticks : ticks - rest + TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }

    /// <summary>
    /// Bucket rows for assets and their due times: one row per shard and minute (more when the ids exceed
    /// <see cref="MaxBucketChars"/>), keyed by <paramref name="writer"/> (a run id) and a number so two writers never
    /// collide. The offline scan writes these; the bench seeds the index in the same form.
    /// </summary>
    public static List<OfflineDueEntity> Buckets(
        IEnumerable<(string AssetId, DateTimeOffset Due)> entries,
        string writer
    )
    {
        var rows = new List<OfflineDueEntity>();
        foreach (
            var group in entries
                .GroupBy(e => (Shard: Shard(e.AssetId), Slot: Slot(e.Due)))
                .OrderBy(g => g.Key.Shard, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Slot)
        )
        {
            var ids = new System.Text.StringBuilder();
            foreach (var (assetId, _) in group)
            {
                if (ids.Length > 0 && ids.Length + 1 + assetId.Length > MaxBucketChars)
                {
                    rows.Add(Bucket(group.Key.Shard, group.Key.Slot, writer, rows.Count, ids.ToString()));
                    ids.Clear();
                }
                if (ids.Length > 0)
                    ids.Append(' ');
                ids.Append(assetId);
            }
            rows.Add(Bucket(group.Key.Shard, group.Key.Slot, writer, rows.Count, ids.ToString()));
        }
        return rows;
    }

    private static OfflineDueEntity Bucket(string shard, DateTimeOffset slot, string writer, int n, string ids) =>
        new()
        {
            PartitionKey = shard,
            RowKey = TicksPrefix(slot) + "~" + writer + "-" + n.ToString("D6", CultureInfo.InvariantCulture),
            AssetIds = ids,
            DueAt = slot,
        };

    /// <summary>
    /// Ends a scan's work on the due rows it read: deletes each consumed row (guarded by the ETag it was read with)
    /// and writes the assets to reschedule into buckets, in entity-group transactions per shard that each carry some
    /// consumed rows and exactly the buckets of their assets: an asset is never lost nor doubled by a crash between
    /// two requests. An asset not in <paramref name="reschedule"/> (offline, retired, gone) simply leaves the index.
    /// A transaction that meets a row another run consumed meanwhile is redone row by row, and that row's assets are
    /// left to the run that took it. Returns the number of requests sent.
    /// </summary>
    public async Task<int> CommitAsync(
        IReadOnlyList<OfflineDueEntity> consumed,
        IReadOnlyDictionary<string, DateTimeOffset> reschedule,
        string writer,
        CancellationToken cancellationToken
    )
    {
        var requests = 0;
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var sequence = 0;
        foreach (var shard in consumed.GroupBy(r => r.PartitionKey))
        {
            var chunk = new List<(OfflineDueEntity Row, List<(string, DateTimeOffset)> Assets)>();
            var chunkAssets = new List<(string AssetId, DateTimeOffset Due)>();
            foreach (var row in shard.OrderBy(r => r.RowKey, StringComparer.Ordinal))
            {
                var assets = new List<(string, DateTimeOffset)>();
                foreach (var assetId in row.Assets())
                {
                    if (reschedule.TryGetValue(assetId, out var due) && placed.Add(assetId))
                        assets.Add((assetId, due));
                }
                var slots = chunkAssets.Concat(assets).Select(a => Slot(a.Item2)).Distinct().Count();
                var chars = chunkAssets.Concat(assets).Sum(a => a.Item1.Length + 1);
                if (
                    chunk.Count > 0
                    && (chunk.Count + 1 + slots + chars / (MaxBucketChars / 2) >= MaxActions || chars > MaxChunkChars)
                )
                {
                    requests += await CommitChunkAsync(chunk, writer, sequence++, cancellationToken);
                    chunk.Clear();
                    chunkAssets.Clear();
                }
                chunk.Add((row, assets));
                chunkAssets.AddRange(assets);
            }
            if (chunk.Count > 0)
                requests += await CommitChunkAsync(chunk, writer, sequence++, cancellationToken);
        }
        return requests;
    }

    private async Task<int> CommitChunkAsync(
        List<(OfflineDueEntity Row, List<(string, DateTimeOffset)> Assets)> chunk,
        string writer,
        int sequence,
        CancellationToken cancellationToken
    )
    {
        var tag = writer + "-" + sequence.ToString(CultureInfo.InvariantCulture);
        var actions = Actions(chunk, tag).ToList();
        if (actions.Count > MaxActions)
            return await CommitLargeAsync(chunk[0].Row, actions, cancellationToken);
        try
        {
            await Table.SubmitTransactionAsync(actions, cancellationToken);
            return 1;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            var requests = 1;
            for (var i = 0; i < chunk.Count; i++)
            {
                try
                {
                    requests++;
                    var single = Actions([chunk[i]], tag + "r" + i).ToList();
                    if (single.Count > MaxActions)
                    {
                        requests += await CommitLargeAsync(chunk[i].Row, single, cancellationToken) - 1;
                        continue;
                    }
                    await Table.SubmitTransactionAsync(single, cancellationToken);
                }
                catch (TableTransactionFailedException single) when (single.Status is 404 or 412)
                {
                    // Another run consumed this row meanwhile: its assets are that run's to reschedule.
                }
            }
            return requests;
        }
    }

    /// <summary>
    /// One consumed row whose assets need more buckets than a transaction holds (a bucket of assets with very
    /// different intervals): the buckets first, then the row's delete. A crash in between leaves its assets in both
    /// places: the next scan reads the old row again, checks each asset once and converges.
    /// </summary>
    private async Task<int> CommitLargeAsync(
        OfflineDueEntity row,
        List<TableTransactionAction> actions,
        CancellationToken cancellationToken
    )
    {
        var requests = 0;
        foreach (var adds in actions.Skip(1).Chunk(MaxActions))
        {
            requests++;
            await Table.SubmitTransactionAsync(adds, cancellationToken);
        }
        try
        {
            requests++;
            await Table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Another run consumed it meanwhile and rescheduled its assets too: they are checked once per run.
        }
        return requests;
    }

    private static IEnumerable<TableTransactionAction> Actions(
        IReadOnlyList<(OfflineDueEntity Row, List<(string, DateTimeOffset)> Assets)> chunk,
        string writer
    ) =>
        chunk
            .Select(c => new TableTransactionAction(TableTransactionActionType.Delete, c.Row, c.Row.ETag))
            .Concat(
                Buckets(chunk.SelectMany(c => c.Assets), writer)
                    .Select(b => new TableTransactionAction(TableTransactionActionType.Add, b))
            );

    /// <summary>Actions per entity-group transaction (the service's limit).</summary>
    private const int MaxActions = 100;

    /// <summary>Ids per bucket row, in characters (a string property holds 32K; kept well below).</summary>
    public const int MaxBucketChars = 16_000;

    /// <summary>Ids per transaction, in characters (the service's payload limit is 4 MiB).</summary>
    private const int MaxChunkChars = 1_000_000;
}
