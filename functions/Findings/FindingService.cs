using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Findings;

/// <summary>
/// The one store of findings. Scans hand over what they found (<see cref="ReconcileAsync"/>); the API's people act on
/// findings (<see cref="FindingActions"/>). Every transition is decided by <see cref="FindingTransitions"/> from the
/// finding as read and the condition, and written with the row's ETag (a finding that moved meanwhile is read again
/// and decided again), so a rerun or a concurrent run converges on the same state and never duplicates a finding.
/// </summary>
public sealed class FindingService(
    FindingsTables tables,
    Outbox outbox,
    TimeProvider clock,
    ILogger<FindingService> logger
)
{
    /// <summary>History entries kept in a finding's row (older ones are dropped and counted).</summary>
    public const int MaxHistory = 50;

    private const int MaxAttempts = 8;
    private const int Parallelism = 16;

    /// <summary>Above this many scoped subjects, a kind's whole partition is read instead of one range per subject.
    /// </summary>
    private const int ScopeRangeLimit = 32;

    /// <summary>
    /// Reconciles the current set of conditions of the given kinds: a new condition opens a finding (or reopens a
    /// closed one, with history), a present one is confirmed (LastConfirmedAt, and its text, facts, severity and
    /// department follow the scan), an open, acknowledged or snoozed finding of these kinds whose condition is absent
    /// becomes AutoResolved. Acknowledged and snoozed findings stay as they are while their condition holds; a snooze
    /// that has ended while the condition holds opens the finding again (counted as reopened). Idempotent: rerunning
    /// with the same input writes nothing to the findings: a full reconciliation (no scope) ends by recording, per
    /// kind, when it confirmed every finding of the kind it left open (<see cref="WithConfirmationsAsync"/> shows
    /// that time as LastConfirmedAt). <paramref name="subjectScope"/> limits the reconciliation to findings of those
    /// subject ids (any subject type); null means all subjects of the kinds.
    /// Malformed conditions (unknown kind or subject type, a subject id that is not key-safe, a condition of a kind
    /// not listed or outside the scope) are a programming error of the scan: <see cref="ArgumentException"/>.
    /// </summary>
    public async Task<FindingReconciliation> ReconcileAsync(
        IReadOnlyCollection<string> kinds,
        IReadOnlyCollection<FindingCondition> current,
        string runId,
        CancellationToken cancellationToken,
        IReadOnlyCollection<string>? subjectScope = null
    )
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var kindSet = new HashSet<string>(kinds, StringComparer.Ordinal);
        foreach (var kind in kindSet)
        {
            if (!FindingKinds.IsKnown(kind))
                throw new ArgumentException($"Unknown finding kind '{kind}'.", nameof(kinds));
        }
        var scope = subjectScope is null ? null : new HashSet<string>(subjectScope, StringComparer.Ordinal);
        var wanted = new Dictionary<string, FindingCondition>(StringComparer.Ordinal);
        foreach (var condition in current)
        {
            FindingKeys.Validate(condition);
            if (!kindSet.Contains(condition.Kind))
                throw new ArgumentException(
                    $"Condition of kind '{condition.Kind}' is not among the reconciled kinds.",
                    nameof(current)
                );
            if (scope is not null && !scope.Contains(condition.SubjectId))
                throw new ArgumentException(
                    $"Condition on '{condition.SubjectId}' is outside the subject scope.",
                    nameof(current)
                );
            wanted[FindingKeys.Id(condition)] = condition; // the same condition twice is one finding
        }

        var existing = await LoadAsync(kindSet, scope, cancellationToken);
        var ids = new HashSet<string>(existing.Keys, StringComparer.Ordinal);
        ids.UnionWith(wanted.Keys);
        var total = new Counter();
        var now = clock.GetUtcNow();
        await Parallel.ForEachAsync(
            Plan(ids, existing, wanted, runId, now, total),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (work, ct) =>
            {
                if (work.Confirmations is { } batch)
                    total.Add(await ConfirmAsync(batch, runId, ct));
                else
                    total.Add(await ApplyAsync(work.Id!, work.Finding, work.Condition, runId, ct));
            }
        );
        if (scope is null)
            await MarkConfirmedAsync(kindSet, now, runId, cancellationToken);
        var result = total.Result;
        logger.LogInformation(
            "Run {RunId} reconciled {Kinds}: {Opened} opened, {Reopened} reopened, {Confirmed} confirmed, "
                + "{AutoResolved} auto-resolved",
            runId,
            string.Join(",", kindSet),
            result.Opened,
            result.Reopened,
            result.Confirmed,
            result.AutoResolved
        );
        return result;
    }

    /// <summary>Raises (opens, confirms or reopens) one finding outside a full scan, e.g. a campaign discrepancy; never
    /// resolves anything.</summary>
    public async Task<FindingReconciliation> RaiseAsync(
        FindingCondition condition,
        string runId,
        CancellationToken cancellationToken
    )
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        FindingKeys.Validate(condition);
        var id = FindingKeys.Id(condition);
        var existing = await FindAsync(id, cancellationToken);
        return await ApplyAsync(id, existing, condition, runId, cancellationToken);
    }

    /// <summary>One finding by id (one point read); null when unknown or the id is not a finding id.</summary>
    public async Task<FindingEntity?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (FindingKeys.Parse(id) is not var (kind, rowKey))
            return null;
        var found = await tables.Findings.GetEntityIfExistsAsync<FindingEntity>(
            kind,
            rowKey,
            cancellationToken: cancellationToken
        );
        return found.HasValue ? found.Value : null;
    }

    private async Task<Dictionary<string, FindingEntity>> LoadAsync(
        HashSet<string> kinds,
        HashSet<string>? scope,
        CancellationToken cancellationToken
    )
    {
        var filters = new List<string>();
        foreach (var kind in kinds)
        {
            if (scope is null || scope.Count > ScopeRangeLimit)
            {
                filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {kind}"));
                continue;
            }
            foreach (var subject in scope)
            {
                var (from, to) = FindingKeys.SubjectRange(subject);
                filters.Add(
                    TableClient.CreateQueryFilter($"PartitionKey eq {kind} and RowKey ge {from} and RowKey lt {to}")
                );
            }
        }
        var batches = await Task.WhenAll(
            filters.Select(async filter =>
            {
                var rows = new List<FindingEntity>();
                await foreach (
                    var row in tables.Findings.QueryAsync<FindingEntity>(filter, cancellationToken: cancellationToken)
                )
                {
                    if (scope is null || scope.Contains(row.SubjectId))
                        rows.Add(row);
                }
                return rows;
            })
        );
        return batches.SelectMany(b => b).ToDictionary(f => f.Id, StringComparer.Ordinal);
    }

    internal sealed record Confirmation(FindingEntity Before, FindingEntity Next, FindingCondition Condition);

    /// <summary>A unit of a reconciliation's writes: one finding's transition, or a batch of plain confirmations.
    /// </summary>
    private sealed record Work(
        string? Id,
        FindingEntity? Finding,
        FindingCondition? Condition,
        List<Confirmation>? Confirmations
    );

    /// <summary>
    /// Decides each finding's transition, lazily (the writes of earlier work run meanwhile). A plain confirmation that
    /// changes nothing the finding shows (text, facts, severity, department) is not written at all: the steady state
    /// of a scan over standing findings costs no writes. One whose text or facts changed — the finding stays in its
    /// state and no listed field changes — is collected into a batch of its kind's partition: one request per
    /// <see cref="BatchSize"/> such findings. Everything else is written on its own.
    /// </summary>
    private static IEnumerable<Work> Plan(
        HashSet<string> ids,
        Dictionary<string, FindingEntity> existing,
        Dictionary<string, FindingCondition> wanted,
        string runId,
        DateTimeOffset now,
        Counter counted
    )
    {
        var pending = new Dictionary<string, (List<Confirmation> Rows, int Bytes)>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            existing.TryGetValue(id, out var finding);
            wanted.TryGetValue(id, out var condition);
            if (finding is null || condition is null)
            {
                yield return new Work(id, finding, condition, null);
                continue;
            }
            var change = FindingTransitions.Scan(finding, condition, now, runId);
            if (change is not { Counted.Confirmed: 1 } confirm || IndexedFieldsDiffer(finding, confirm.Next))
            {
                yield return new Work(id, finding, condition, null);
                continue;
            }
            if (Unchanged(finding, confirm.Next))
            {
                // Nothing to write: the kind's confirmation mark (written when the run ends) confirms it.
                counted.Add(confirm.Counted);
                continue;
            }
            var size = ApproximateBytes(confirm.Next);
            pending.TryGetValue(finding.PartitionKey, out var batch);
            if (batch.Rows is not null && (batch.Rows.Count == BatchSize || batch.Bytes + size > MaxBatchBytes))
            {
                yield return new Work(null, null, null, batch.Rows);
                batch = default;
            }
            batch.Rows ??= [];
            batch.Rows.Add(new Confirmation(finding, confirm.Next, condition));
            batch.Bytes += size;
            pending[finding.PartitionKey] = batch;
        }
        foreach (var batch in pending.Values)
            yield return new Work(null, null, null, batch.Rows);
    }

    /// <summary>Rows per entity-group transaction (the service's limit).</summary>
    private const int BatchSize = 100;

    /// <summary>Payload bound of one batch, well below the service's 4 MiB.</summary>
    private const int MaxBatchBytes = 2 * 1024 * 1024;

    private static int ApproximateBytes(FindingEntity f) =>
        2 * (f.Text.Length + (f.FactsJson?.Length ?? 0) + f.HistoryJson.Length + (f.Resolution?.Length ?? 0)) + 2048;

    /// <summary>
    /// Writes a batch of plain confirmations in one transaction, each guarded by the ETag it was read with. When the
    /// batch fails (a finding moved meanwhile: a person acted on it, or another run), every row of it is decided and
    /// written again on its own, so the outcome is the same as writing them one by one.
    /// </summary>
    internal async Task<FindingReconciliation> ConfirmAsync(
        List<Confirmation> batch,
        string runId,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await tables.Findings.SubmitTransactionAsync(
                batch.Select(r => new TableTransactionAction(
                    TableTransactionActionType.UpdateReplace,
                    r.Next,
                    r.Before.ETag
                )),
                cancellationToken
            );
            return new FindingReconciliation(0, 0, batch.Count, 0);
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            logger.LogDebug(
                "A batch of {Count} confirmations of run {RunId} met a finding that moved; writing them one by one",
                batch.Count,
                runId
            );
            var total = FindingReconciliation.None;
            foreach (var row in batch)
            {
                var current = await FindAsync(row.Before.Id, cancellationToken);
                total = total.Add(await ApplyAsync(row.Before.Id, current, row.Condition, runId, cancellationToken));
            }
            return total;
        }
    }

    /// <summary>Decides and writes one finding's transition; on a lost race (409/412) reads it again and decides again.
    /// </summary>
    private async Task<FindingReconciliation> ApplyAsync(
        string id,
        FindingEntity? finding,
        FindingCondition? condition,
        string runId,
        CancellationToken cancellationToken
    )
    {
        for (var attempt = 1; ; attempt++)
        {
            var change = FindingTransitions.Scan(finding, condition, clock.GetUtcNow(), runId);
            if (change is null)
                return FindingReconciliation.None;
            try
            {
                await WriteAsync(change.Value.Next, finding, cancellationToken);
                return change.Value.Counted;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                logger.LogDebug("Finding {FindingId} changed while run {RunId} wrote it; deciding again", id, runId);
                finding = await FindAsync(id, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Writes a finding (insert when new, else replace with the ETag it was read with), then its index rows when a
    /// listed field changed. A crash between the two leaves an index row behind: listings through an index read each
    /// finding row and repair the index row (<see cref="RepairIndexAsync"/>), so they never show a stale state.
    /// The audit record (<paramref name="audit"/>, a person's action) and the opened/resolved event the transition
    /// implies travel in the same batch as the finding row (an outbox row in the kind's partition).
    /// </summary>
    internal async Task<FindingEntity> WriteAsync(
        FindingEntity next,
        FindingEntity? before,
        CancellationToken cancellationToken,
        Audit.AuditEvent? audit = null
    )
    {
        var entry = outbox.Entry();
        if (audit is not null)
            entry.Audit(audit);
        FindingEvents.Stage(entry, before, next);
        TableTransactionAction write = before is null
            ? new(TableTransactionActionType.Add, next)
            : new(TableTransactionActionType.UpdateReplace, next, before.ETag);
        if (entry.IsEmpty)
        {
            Response response = before is null
                ? await tables.Findings.AddEntityAsync(next, cancellationToken)
                : await tables.Findings.UpdateEntityAsync(
                    next,
                    before.ETag,
                    TableUpdateMode.Replace,
                    cancellationToken
                );
            next.ETag = response.Headers.ETag ?? default;
        }
        else
        {
            try
            {
                var batch = await tables.Findings.SubmitTransactionAsync(
                    [write, await entry.StageAsync(tables.Findings, next.PartitionKey, cancellationToken)],
                    cancellationToken
                );
                next.ETag = batch.Value[0].Headers.ETag ?? default;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                await entry.AbandonAsync(cancellationToken);
                throw;
            }
        }
        if (before is null || IndexedFieldsDiffer(before, next))
        {
            await RepairIndexAsync(next, before is null ? next.Department : before.Department, cancellationToken);
        }
        if (!entry.IsEmpty)
            await entry.CommittedAsync(cancellationToken);
        return next;
    }

    /// <summary>Upserts the finding's two index rows from the finding row (and removes the department index row of
    /// its previous department).</summary>
    internal async Task RepairIndexAsync(
        FindingEntity finding,
        string? previousDepartment,
        CancellationToken cancellationToken
    )
    {
        var department = FindingKeys.DepartmentPartition(finding.Department);
        await Task.WhenAll(
            tables.Findings.UpsertEntityAsync(
                IndexRow(finding, department),
                TableUpdateMode.Replace,
                cancellationToken
            ),
            tables.Findings.UpsertEntityAsync(
                IndexRow(finding, FindingKeys.SubjectPartition(finding.SubjectType, finding.SubjectId)),
                TableUpdateMode.Replace,
                cancellationToken
            )
        );
        var previous = FindingKeys.DepartmentPartition(previousDepartment);
        if (previous != department)
        {
            await tables.Findings.DeleteEntityAsync(previous, finding.Id, ETag.All, cancellationToken);
        }
    }

    private static FindingIndexEntity IndexRow(FindingEntity f, string partition) =>
        new()
        {
            PartitionKey = partition,
            RowKey = f.Id,
            Kind = f.Kind,
            SubjectType = f.SubjectType,
            SubjectId = f.SubjectId,
            Severity = f.Severity,
            Status = f.Status,
            Department = f.Department,
            FirstRaisedAt = f.FirstRaisedAt,
        };

    /// <summary>A confirmation that changes nothing a reader sees (LastConfirmedAt comes from the kind's mark).
    /// </summary>
    private static bool Unchanged(FindingEntity before, FindingEntity next) =>
        before.ConditionPresent
        && before.Text == next.Text
        && before.FactsJson == next.FactsJson
        && before.Severity == next.Severity
        && before.Department == next.Department
        && before.Status == next.Status
        && before.SnoozedUntil == next.SnoozedUntil;

    /// <summary>Records that a full reconciliation of these kinds, reading the state at <paramref name="at"/>,
    /// completed: every finding of them it left open, acknowledged or snoozed with its condition present was confirmed
    /// then (one batch in the <see cref="FindingKeys.ConfirmationsPartition"/>).</summary>
    private async Task MarkConfirmedAsync(
        HashSet<string> kinds,
        DateTimeOffset at,
        string runId,
        CancellationToken cancellationToken
    )
    {
        if (kinds.Count == 0)
            return;
        await tables.Findings.SubmitTransactionAsync(
            kinds.Select(kind => new TableTransactionAction(
                TableTransactionActionType.UpsertReplace,
                new FindingConfirmationEntity
                {
                    RowKey = kind,
                    ConfirmedAt = at,
                    RunId = runId,
                }
            )),
            cancellationToken
        );
    }

    /// <summary>
    /// Completes LastConfirmedAt of findings as read for a reader: a finding still open, acknowledged or snoozed with
    /// its condition present was confirmed by the latest full reconciliation of its kind when that ended after the
    /// finding's row was last written (a run that found the condition absent would have resolved it). One query of
    /// the confirmation marks (one row per reconciled kind).
    /// </summary>
    public async Task WithConfirmationsAsync(
        IReadOnlyCollection<FindingEntity> found,
        CancellationToken cancellationToken
    )
    {
        if (found.Count == 0 || !found.Any(f => f.ConditionPresent && !f.IsClosed))
            return;
        var marks = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await foreach (
            var mark in tables.Findings.QueryAsync<FindingConfirmationEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {FindingKeys.ConfirmationsPartition}"),
                cancellationToken: cancellationToken
            )
        )
        {
            marks[mark.RowKey] = mark.ConfirmedAt;
        }
        foreach (var f in found)
        {
            if (
                f.ConditionPresent
                && !f.IsClosed
                && marks.TryGetValue(f.Kind, out var confirmedAt)
                && confirmedAt > f.LastConfirmedAt
            )
            {
                f.LastConfirmedAt = confirmedAt;
            }
        }
    }

    internal static bool IndexedFieldsDiffer(FindingEntity a, FindingEntity b) =>
        a.Status != b.Status
        || a.Severity != b.Severity
        || a.Department != b.Department
        || a.FirstRaisedAt != b.FirstRaisedAt;

    private sealed class Counter
    {
        private int opened,
            reopened,
            confirmed,
            autoResolved;

        public void Add(FindingReconciliation r)
        {
            Interlocked.Add(ref opened, r.Opened);
            Interlocked.Add(ref reopened, r.Reopened);
            Interlocked.Add(ref confirmed, r.Confirmed);
            Interlocked.Add(ref autoResolved, r.AutoResolved);
        }

        public FindingReconciliation Result => new(opened, reopened, confirmed, autoResolved);
    }
}

/// <summary>The rules of a finding's life, as pure code (tested without I/O through the service).</summary>
public static class FindingTransitions
{
    public const string ScanActorPrefix = "scan:";

    /// <summary>
    /// What a scan does to one finding: <paramref name="finding"/> as read (null: none yet),
    /// <paramref name="condition"/> the condition the scan found (null: absent). Answers the row to write and what to
    /// count, or null when nothing is to be written (absent condition of a closed finding).
    /// </summary>
    public static (FindingEntity Next, FindingReconciliation Counted)? Scan(
        FindingEntity? finding,
        FindingCondition? condition,
        DateTimeOffset now,
        string runId
    )
    {
        var actor = ScanActorPrefix + runId;
        if (condition is not null)
        {
            if (finding is null)
            {
                var opened = New(condition, now, runId);
                AppendHistory(opened, new(now, "opened", FindingStatus.Open, actor, condition.Text, runId));
                return (opened, new(1, 0, 0, 0));
            }
            var next = Copy(finding);
            Confirm(next, condition, now, runId);
            switch (finding.StatusValue)
            {
                case FindingStatus.Snoozed when finding.SnoozedUntil is not { } until || until <= now:
                    next.Status = nameof(FindingStatus.Open);
                    next.SnoozedUntil = null;
                    next.LastChangedAt = now;
                    AppendHistory(
                        next,
                        new(
                            now,
                            "snooze-ended",
                            FindingStatus.Open,
                            actor,
                            "The snooze ended and the condition still holds: " + condition.Text,
                            runId
                        )
                    );
                    return (next, new(0, 1, 0, 0));
                case FindingStatus.AutoResolved:
                case FindingStatus.Resolved when !finding.ConditionPresent:
                    next.Status = nameof(FindingStatus.Open);
                    next.SnoozedUntil = null;
                    next.ResolvedAt = null;
                    next.ResolvedBy = null;
                    next.ResolvedByName = null;
                    next.Resolution = null;
                    next.Occurrences = finding.Occurrences + 1;
                    next.LastChangedAt = now;
                    AppendHistory(next, new(now, "reopened", FindingStatus.Open, actor, condition.Text, runId));
                    return (next, new(0, 1, 0, 0));
                default:
                    return (next, new(0, 0, 1, 0));
            }
        }
        if (finding is null)
            return null;
        switch (finding.StatusValue)
        {
            case FindingStatus.Open or FindingStatus.Acknowledged or FindingStatus.Snoozed:
            {
                var next = Copy(finding);
                next.Status = nameof(FindingStatus.AutoResolved);
                next.SnoozedUntil = null;
                next.ConditionPresent = false;
                next.ResolvedAt = now;
                next.LastChangedAt = now;
                next.LastRunId = runId;
                AppendHistory(
                    next,
                    new(
                        now,
                        "auto-resolved",
                        FindingStatus.AutoResolved,
                        actor,
                        "The condition no longer holds.",
                        runId
                    )
                );
                return (next, new(0, 0, 0, 1));
            }
            case FindingStatus.Resolved when finding.ConditionPresent:
            {
                // Remember that the condition cleared: if it comes back, the finding reopens.
                var next = Copy(finding);
                next.ConditionPresent = false;
                next.LastRunId = runId;
                AppendHistory(
                    next,
                    new(
                        now,
                        "condition-cleared",
                        FindingStatus.Resolved,
                        actor,
                        "The condition no longer holds.",
                        runId
                    )
                );
                return (next, FindingReconciliation.None);
            }
            default:
                return null;
        }
    }

    private static FindingEntity New(FindingCondition c, DateTimeOffset now, string runId) =>
        new()
        {
            PartitionKey = c.Kind,
            RowKey = FindingKeys.RowKey(c.SubjectType, c.SubjectId),
            Kind = c.Kind,
            SubjectType = c.SubjectType,
            SubjectId = c.SubjectId,
            Severity = c.Severity.ToString(),
            Department = c.Department,
            Text = c.Text,
            FactsJson = Facts(c),
            Status = nameof(FindingStatus.Open),
            FirstRaisedAt = now,
            LastConfirmedAt = now,
            LastChangedAt = now,
            ConditionPresent = true,
            Occurrences = 1,
            LastRunId = runId,
        };

    private static void Confirm(FindingEntity next, FindingCondition c, DateTimeOffset now, string runId)
    {
        next.Severity = c.Severity.ToString();
        next.Department = c.Department;
        next.Text = c.Text;
        next.FactsJson = Facts(c);
        next.LastConfirmedAt = now;
        next.ConditionPresent = true;
        next.LastRunId = runId;
    }

    private static string? Facts(FindingCondition c) =>
        c.Facts is null or { Count: 0 }
            ? null
            : JsonSerializer.Serialize(
                new Dictionary<string, string>(c.Facts.OrderBy(f => f.Key, StringComparer.Ordinal)),
                ApiJsonContext.Default.DictionaryStringString
            );

    /// <summary>A copy to change (the read row stays as read: its ETag guards the write).</summary>
    public static FindingEntity Copy(FindingEntity f) =>
        new()
        {
            PartitionKey = f.PartitionKey,
            RowKey = f.RowKey,
            ETag = f.ETag,
            Kind = f.Kind,
            SubjectType = f.SubjectType,
            SubjectId = f.SubjectId,
            Severity = f.Severity,
            Department = f.Department,
            Text = f.Text,
            FactsJson = f.FactsJson,
            Status = f.Status,
            SnoozedUntil = f.SnoozedUntil,
            ResolvedBy = f.ResolvedBy,
            ResolvedByName = f.ResolvedByName,
            ResolvedAt = f.ResolvedAt,
            Resolution = f.Resolution,
            Assignee = f.Assignee,
            AssigneeName = f.AssigneeName,
            FirstRaisedAt = f.FirstRaisedAt,
            LastConfirmedAt = f.LastConfirmedAt,
            LastChangedAt = f.LastChangedAt,
            ConditionPresent = f.ConditionPresent,
            Occurrences = f.Occurrences,
            LastRunId = f.LastRunId,
            HistoryJson = f.HistoryJson,
            HistoryDropped = f.HistoryDropped,
        };

    public static List<FindingHistoryEntry> History(FindingEntity f) =>
        JsonSerializer.Deserialize(f.HistoryJson, ApiJsonContext.Default.ListFindingHistoryEntry) ?? [];

    public static void AppendHistory(FindingEntity f, FindingHistoryEntry entry)
    {
        var history = History(f);
        history.Add(entry);
        if (history.Count > FindingService.MaxHistory)
        {
            var drop = history.Count - FindingService.MaxHistory;
            history.RemoveRange(0, drop);
            f.HistoryDropped += drop;
        }
        f.HistoryJson = JsonSerializer.Serialize(history, ApiJsonContext.Default.ListFindingHistoryEntry);
    }
}
