using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Findings;

/// <summary>A scan run in progress: what <see cref="ScanRunStore.StartAsync"/> hands the scan.</summary>
/// <param name="Recovered">Runs of the same scan that never completed (crashed, timed out) and were marked
/// abandoned by this run's start: this run redoes their work (scans reconcile the whole current state).</param>
public sealed record ScanRun(
    string Scan,
    string RunId,
    string RowKey,
    DateTimeOffset StartedAt,
    IReadOnlyList<string> Recovered
);

/// <summary>How a run ended.</summary>
[System.Text.Json.Serialization.JsonConverter(
    typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ScanRunStatus>)
)]
public enum ScanRunStatus
{
    Running,
    Succeeded,
    Failed,

    /// <summary>Never completed (the process died or timed out); a later run of the same scan redid it.</summary>
    Abandoned,
}

/// <summary>
/// A scan run (table <c>scanruns</c>): PartitionKey <see cref="ScanRunStore.Partition"/>, RowKey = inverted start
/// ticks and the run id, so the recent runs of every scan are the first rows of one partition.
/// </summary>
public sealed class ScanRunEntity : ITableEntity
{
    public string PartitionKey { get; set; } = ScanRunStore.Partition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Scan { get; set; } = "";
    public string RunId { get; set; } = "";
    public string Status { get; set; } = nameof(ScanRunStatus.Running);
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public long? DurationMs { get; set; }
    public long RowsRead { get; set; }
    public int Opened { get; set; }
    public int Reopened { get; set; }
    public int Confirmed { get; set; }
    public int AutoResolved { get; set; }
    public string? Error { get; set; }
}

/// <summary>A scan run as <c>GET /api/scans/runs</c> shows it.</summary>
public sealed record ScanRunView(
    string Scan,
    string RunId,
    ScanRunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    long? DurationMs,
    long RowsRead,
    int Opened,
    int Reopened,
    int Confirmed,
    int AutoResolved,
    string? Error
)
{
    public static ScanRunView From(ScanRunEntity e) =>
        new(
            e.Scan,
            e.RunId,
            Enum.Parse<ScanRunStatus>(e.Status),
            e.StartedAt,
            e.FinishedAt,
            e.DurationMs,
            e.RowsRead,
            e.Opened,
            e.Reopened,
            e.Confirmed,
            e.AutoResolved,
            e.Error
        );
}

/// <summary>The answer of <c>GET /api/scans/runs</c>, newest first.</summary>
public sealed record ScanRunPage(IReadOnlyList<ScanRunView> Items, string? ContinuationToken);

/// <summary>
/// Scan-run history. A scan calls <see cref="StartAsync"/> first and <see cref="CompleteAsync"/> last (in a
/// <c>finally</c>, with the error if it failed). A run that dies half way stays <c>Running</c>; the next start of the
/// same scan marks it <c>Abandoned</c> (once it is older than <see cref="StaleAfter"/>, longer than any function may
/// run) and redoes its work: scans hand the whole current state to <see cref="FindingService.ReconcileAsync"/>, whose
/// transitions are idempotent and keyed by the condition, so the redo opens nothing twice.
/// </summary>
public sealed class ScanRunStore(FindingsTables tables, TimeProvider clock, ILogger<ScanRunStore> logger)
{
    public const string Partition = "run";
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    /// <summary>A run still <c>Running</c> after this long is dead (the Functions timeout is shorter).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(2);

    /// <summary>How far back a start looks for dead runs of its scan.</summary>
    private static readonly TimeSpan LookBack = TimeSpan.FromDays(7);

    private const int MaxErrorLength = 2000;

    public async Task<ScanRun> StartAsync(string scanName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(scanName);
        var now = clock.GetUtcNow();
        var runId = Guid.CreateVersion7(now).ToString("N");
        var recovered = new List<string>();
        var filter =
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {Partition} and RowKey lt {RowPrefix(now - LookBack)} and Scan eq {scanName}"
            )
            + " and "
            + TableClient.CreateQueryFilter($"Status eq {nameof(ScanRunStatus.Running)}");
        await foreach (
            var stale in tables.ScanRuns.QueryAsync<ScanRunEntity>(filter, cancellationToken: cancellationToken)
        )
        {
            if (now - stale.StartedAt < StaleAfter)
                continue; // still running (e.g. the timer while a POST starts)
            stale.Status = nameof(ScanRunStatus.Abandoned);
            stale.Error = $"The run did not complete (crashed or timed out); run {runId} redid its work.";
            try
            {
                await tables.ScanRuns.UpdateEntityAsync(stale, stale.ETag, TableUpdateMode.Replace, cancellationToken);
                recovered.Add(stale.RunId);
                logger.LogWarning(
                    "Scan {Scan} run {StaleRunId} never completed; run {RunId} redoes it",
                    scanName,
                    stale.RunId,
                    runId
                );
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // It completed after all, or another start marked it: nothing to do.
            }
        }
        var row = new ScanRunEntity
        {
            RowKey = RowPrefix(now) + runId,
            Scan = scanName,
            RunId = runId,
            StartedAt = now,
        };
        await tables.ScanRuns.AddEntityAsync(row, cancellationToken);
        return new ScanRun(scanName, runId, row.RowKey, now, recovered);
    }

    /// <summary>Records the end of a run: its duration, rows read, what it did to findings, and its error if any.
    /// </summary>
    public async Task CompleteAsync(
        ScanRun run,
        long rowsRead,
        FindingReconciliation? result,
        string? error,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        var done = result ?? FindingReconciliation.None;
        var row = new ScanRunEntity
        {
            RowKey = run.RowKey,
            Scan = run.Scan,
            RunId = run.RunId,
            Status = error is null ? nameof(ScanRunStatus.Succeeded) : nameof(ScanRunStatus.Failed),
            StartedAt = run.StartedAt,
            FinishedAt = now,
            DurationMs = (long)(now - run.StartedAt).TotalMilliseconds,
            RowsRead = rowsRead,
            Opened = done.Opened,
            Reopened = done.Reopened,
            Confirmed = done.Confirmed,
            AutoResolved = done.AutoResolved,
            Error = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error,
        };
        // Unconditional: a run that was marked abandoned but did finish after all reports how it finished.
        await tables.ScanRuns.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary><c>GET /api/scans/runs</c>: a page of recent runs, newest first (400 on a bad filter or token).
    /// </summary>
    public async Task<Outcome<ScanRunPage>> ListPageAsync(
        string? scan,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        if (scan is { Length: 0 or > 100 })
            return Problem.BadRequest("scan must be 1 to 100 characters.");
        var scope = "scanruns|" + scan;
        string? position = null;
        if (
            !string.IsNullOrEmpty(continuationToken)
            && (position = ContinuationTokens.Decode(continuationToken, scope)) is null
        )
        {
            return Problem.BadRequest(
                "The continuation token is not valid for this listing (altered, or from other filters)."
            );
        }
        try
        {
            var (items, next) = await ListAsync(scan, position, pageSize, cancellationToken);
            return new ScanRunPage(
                items.Select(ScanRunView.From).ToList(),
                next is null ? null : ContinuationTokens.Encode(next, scope)
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return Problem.BadRequest("The continuation token is not valid.");
        }
    }

    /// <summary>Recent runs, newest first, optionally of one scan.</summary>
    public async Task<(IReadOnlyList<ScanRunEntity> Items, string? Next)> ListAsync(
        string? scan,
        string? position,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        if (scan is not null)
            filter += " and " + TableClient.CreateQueryFilter($"Scan eq {scan}");
        await foreach (
            var page in tables
                .ScanRuns.QueryAsync<ScanRunEntity>(filter, pageSize, cancellationToken: cancellationToken)
                .AsPages(position, pageSize)
        )
        {
            return (page.Values, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }
        return ([], null);
    }

    /// <summary>Inverted start ticks: newer runs sort first.</summary>
    private static string RowPrefix(DateTimeOffset at) =>
        (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|";
}
