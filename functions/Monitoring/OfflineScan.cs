using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Monitoring;

/// <summary>What one offline scan did (the run row in <c>scanruns</c> records the same).</summary>
public sealed record OfflineScanResult(
    string RunId,
    int Due,
    int Rescheduled,
    int WentOffline,
    int Dropped,
    long RowsRead,
    FindingReconciliation Findings
);

/// <summary>
/// The offline scan: reads only the due index rows whose due time has passed (one range query per shard), point-reads
/// each such asset's summary row and either moves its row to <c>LastSeenAt + interval × tolerance</c> (it checked in
/// meanwhile), marks it offline (raises the <c>offline</c> finding, sets <c>Offline</c> on the summary row and takes
/// it out of the index until its next heartbeat), or drops it (retired, disposed, rejected, revoked, gone). Its cost
/// is O(due assets), never O(assets): see docs/storage.md.
/// </summary>
public sealed class OfflineScan(
    InventoryStore store,
    DeviceStatusWriter status,
    OfflineIndex index,
    FindingService findings,
    ScanRunStore runs,
    IOptions<MonitoringOptions> options,
    TimeProvider clock,
    ILogger<OfflineScan> logger
)
{
    public const string ScanName = "offline";
    private const int Parallelism = 16;

    public async Task<OfflineScanResult> RunAsync(CancellationToken cancellationToken)
    {
        var run = await runs.StartAsync(ScanName, cancellationToken);
        var tally = new Tally();
        string? error = null;
        try
        {
            var now = clock.GetUtcNow();
            var rows = new List<OfflineDueEntity>();
            var assets = new HashSet<string>(StringComparer.Ordinal);
            foreach (var shard in OfflineIndex.AllShards)
            {
                var filter = TableClient.CreateQueryFilter(
                    $"PartitionKey eq {shard} and RowKey lt {OfflineIndex.DueBound(now)}"
                );
                await foreach (
                    var row in index.Table.QueryAsync<OfflineDueEntity>(filter, cancellationToken: cancellationToken)
                )
                {
                    rows.Add(row);
                    assets.UnionWith(row.Assets()); // an asset in two rows (a crash, a re-enrollment) is checked once
                    if (assets.Count >= options.Value.MaxDuePerScan)
                        break;
                }
                if (assets.Count >= options.Value.MaxDuePerScan)
                    break;
            }
            tally.Read(rows.Count);
            tally.CountDue(assets.Count);
            var reschedule = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(
                assets,
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (assetId, ct) => await CheckAsync(assetId, now, run.RunId, tally, reschedule, ct)
            );
            // A crash before this leaves every row read in place: the next run checks their assets again.
            await index.CommitAsync(rows, reschedule, run.RunId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.Message;
            throw;
        }
        finally
        {
            await runs.CompleteAsync(run, tally.RowsRead, tally.Findings, error, CancellationToken.None);
        }
        var result = new OfflineScanResult(
            run.RunId,
            tally.Due,
            tally.Rescheduled,
            tally.WentOffline,
            tally.Dropped,
            tally.RowsRead,
            tally.Findings
        );
        logger.LogInformation(
            "Offline scan {RunId}: {Due} due, {Rescheduled} rescheduled, {Offline} went offline, {Dropped} dropped",
            run.RunId,
            result.Due,
            result.Rescheduled,
            result.WentOffline,
            result.Dropped
        );
        return result;
    }

    /// <summary>Decides one due asset: rescheduled (into <paramref name="reschedule"/>), offline or dropped (left out
    /// of it: <see cref="OfflineIndex.CommitAsync"/> takes it out of the index).</summary>
    private async Task CheckAsync(
        string assetId,
        DateTimeOffset now,
        string runId,
        Tally tally,
        ConcurrentDictionary<string, DateTimeOffset> reschedule,
        CancellationToken cancellationToken
    )
    {
        var read = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(assetId),
            assetId,
            Columns,
            cancellationToken
        );
        tally.Read(1);
        var summary = read.HasValue ? read.Value : null;
        if (summary is null || !IsMonitored(summary))
        {
            // Out of monitoring for good: an open offline finding of it is moot.
            if (summary?.Offline == true)
                tally.Add(await ResolveAsync(assetId, runId, cancellationToken));
            tally.Drop();
            return;
        }
        if (summary.Offline)
        {
            // Marked offline by a run that stopped before taking it out of the index: finish its work (idempotent).
            tally.Add(await findings.RaiseAsync(Condition(summary, now), runId, cancellationToken));
            return;
        }
        var lastSeen = summary.LastSeenAt ?? summary.EnrolledAt ?? now;
        var nextDue = lastSeen + index.Window(summary);
        if (nextDue > now)
        {
            reschedule[assetId] = nextDue;
            tally.Reschedule();
            return;
        }

        // Overdue. The finding is raised before the summary row is marked, and the mark is conditional on the row as
        // read: a heartbeat that lands in between makes the mark fail (412) and the raise is undone here, while one
        // that lands after the mark sees Offline and resolves the finding itself.
        tally.Add(await findings.RaiseAsync(Condition(summary, now), runId, cancellationToken));
        try
        {
            await status.MergeAsync(
                new TableEntity(summary.PartitionKey, summary.RowKey)
                {
                    [nameof(AssetSummaryEntity.Offline)] = true,
                    [nameof(AssetSummaryEntity.OfflineSince)] = now,
                },
                summary,
                wentOffline: true,
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // The asset wrote meanwhile (likely a check-in): not offline after all; check it again in a minute.
            tally.Add(await ResolveAsync(assetId, runId, cancellationToken));
            reschedule[assetId] = now.AddMinutes(1);
            return;
        }
        tally.Offline();
        logger.LogInformation("Asset {AssetId} is offline: last seen {LastSeen}", assetId, lastSeen);
    }

    /// <summary>The summary columns the scan, its finding and the status writer read (a point read with
    /// <c>$select</c>: the summary row holds much more).</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        nameof(AssetSummaryEntity.PartitionKey),
        nameof(AssetSummaryEntity.RowKey),
        nameof(AssetSummaryEntity.CredentialHash),
        nameof(AssetSummaryEntity.CredentialRevoked),
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Offline),
        nameof(AssetSummaryEntity.OfflineSince),
        nameof(AssetSummaryEntity.LastSeenAt),
        nameof(AssetSummaryEntity.EnrolledAt),
        nameof(AssetSummaryEntity.ExpectedIntervalSeconds),
        nameof(AssetSummaryEntity.Department),
    ];

    /// <summary>Agent-managed (has a device credential, not revoked) and not retired, disposed or rejected.</summary>
    public static bool IsMonitored(AssetSummaryEntity summary) =>
        !string.IsNullOrEmpty(summary.CredentialHash)
        && !summary.CredentialRevoked
        && summary.State
            is not (
                nameof(LifecycleState.Retired)
                or nameof(LifecycleState.Disposed)
                or nameof(LifecycleState.Rejected)
            );

    private FindingCondition Condition(AssetSummaryEntity summary, DateTimeOffset now)
    {
        var lastSeen = summary.LastSeenAt ?? summary.EnrolledAt;
        var interval = index.Interval(summary);
        var text = lastSeen is { } seen
            ? $"No check-in since {seen.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)} "
                + $"(expected every {Describe(interval)}; offline after {index.Tolerance.ToString(CultureInfo
                    .InvariantCulture)} × that)"
            : "Never checked in since enrollment";
        return new FindingCondition(
            FindingKinds.Offline,
            FindingSubjects.Asset,
            summary.RowKey,
            FindingSeverity.Medium,
            HeartbeatAlerts.NullIfEmpty(summary.Department),
            text,
            HeartbeatAlerts.Facts(
                ("lastSeenAt", lastSeen?.ToString("O", CultureInfo.InvariantCulture)),
                ("expectedIntervalSeconds", (int)interval.TotalSeconds),
                ("tolerance", index.Tolerance),
                ("detectedAt", now.ToString("O", CultureInfo.InvariantCulture))
            )
        );
    }

    private Task<FindingReconciliation> ResolveAsync(string assetId, string runId, CancellationToken ct) =>
        findings.ReconcileAsync([FindingKinds.Offline], [], runId, ct, [assetId]);

    private static string Describe(TimeSpan interval) =>
        interval.TotalHours >= 1 && interval.TotalHours % 1 == 0
            ? $"{interval.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
            : $"{interval.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min";

    private sealed class Tally
    {
        private readonly Lock gate = new();
        private FindingReconciliation findings = FindingReconciliation.None;
        private long rowsRead;
        private int due,
            rescheduled,
            offline,
            dropped;

        public long RowsRead => Interlocked.Read(ref rowsRead);
        public int Due => due;
        public int Rescheduled => rescheduled;
        public int WentOffline => offline;
        public int Dropped => dropped;

        public FindingReconciliation Findings
        {
            get
            {
                lock (gate)
                    return findings;
            }
        }

        public void Read(long rows)
        {
            Interlocked.Add(ref rowsRead, rows);
        }

        public void Reschedule() => Interlocked.Increment(ref rescheduled);

        public void Offline() => Interlocked.Increment(ref offline);

        public void Drop() => Interlocked.Increment(ref dropped);

        public void Add(FindingReconciliation result)
        {
            lock (gate)
                findings = findings.Add(result);
        }

        public void CountDue(int rows) => due = rows;
    }
}
