using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Audit;

/// <summary>
/// The append-only, hash-chained audit trail. An append reads its lane's head and, in one batch transaction within the
/// lane's partition, inserts the next record and moves the head (If-Match): two requests, atomic, and concurrent
/// appends to a lane are serialised by the head's ETag (the loser retries). Nothing ever updates or deletes a record.
/// The head this process wrote last is kept (sequence, hash, ETag), so its next append to that lane skips the read:
/// one request. If another writer moved the head meanwhile, the batch fails on the ETag (or on the record's row key)
/// and the append reads the head and retries, as it would for a concurrent append.
/// </summary>
public sealed class AuditTrail(InventoryStore store, TimeProvider clock, ILogger<AuditTrail> logger)
{
    private const int MaxAttempts = 20;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AuditHeadEntity> knownHeads = new();

    public async Task<AuditRecordEntity> AppendAsync(AuditEvent change, CancellationToken cancellationToken) =>
        (await AppendAsync(change, null, null, cancellationToken))!;

    /// <summary>
    /// Appends the change unless a change with the same idempotency key was appended before (then returns null). The
    /// batch also inserts the key's reference row, so the first append still costs two requests and a repeat fails
    /// that insert and writes nothing. <paramref name="at"/>: when the change happened, if it was recorded earlier
    /// (the outbox); by default now.
    /// </summary>
    public Task<AuditRecordEntity?> AppendOnceAsync(
        AuditEvent change,
        string idempotencyKey,
        CancellationToken cancellationToken,
        DateTimeOffset? at = null
    ) => AppendAsync(change, idempotencyKey, at, cancellationToken);

    /// <summary>Whether a change with this idempotency key was appended to the entity's lane (one point
    /// read).</summary>
    public async Task<bool> IsAppendedAsync(
        string entity,
        string entityId,
        string idempotencyKey,
        CancellationToken cancellationToken
    ) =>
        (
            await store.AuditTrail.GetEntityIfExistsAsync<AuditRefEntity>(
                TableKeys.AuditLane(entity, entityId),
                TableKeys.AuditRefRow(idempotencyKey),
                [nameof(AuditRefEntity.Sequence)],
                cancellationToken
            )
        ).HasValue;

    private async Task<AuditRecordEntity?> AppendAsync(
        AuditEvent change,
        string? idempotencyKey,
        DateTimeOffset? at,
        CancellationToken cancellationToken
    )
    {
        var lane = TableKeys.AuditLane(change.Entity, change.EntityId);
        var changesJson = JsonSerializer.Serialize(change.Changes, ApiJsonContext.Default.IReadOnlyListFieldChange);
        for (var attempt = 1; ; attempt++)
        {
            var cached = knownHeads.TryGetValue(lane, out var head);
            if (!cached)
            {
                var headRow = await store.AuditTrail.GetEntityIfExistsAsync<AuditHeadEntity>(
                    lane,
                    TableKeys.AuditHeadRow,
                    cancellationToken: cancellationToken
                );
                head = headRow.HasValue ? headRow.Value : null;
            }
            var record = new AuditRecordEntity
            {
                PartitionKey = lane,
                Sequence = (head?.Sequence ?? 0) + 1,
                At = at ?? clock.GetUtcNow(),
                ActorKind = change.Actor.Kind,
                ActorId = change.Actor.Id,
                ActorName = change.Actor.Name,
                Entity = change.Entity,
                EntityId = change.EntityId,
                Action = change.Action,
                ChangesJson = changesJson,
                CorrelationId = change.CorrelationId,
                PreviousHash = head?.Hash ?? AuditChain.Genesis,
            };
            record.RowKey = TableKeys.AuditRecordRow(record.Sequence);
            record.Hash = AuditChain.Hash(record);
            var newHead = new AuditHeadEntity
            {
                PartitionKey = lane,
                Sequence = record.Sequence,
                Hash = record.Hash,
            };
            var actions = new List<TableTransactionAction>(3);
            if (idempotencyKey is not null)
            {
                // First, so that its conflict (index 0) tells "already appended" from a lane that moved on.
                actions.Add(
                    new(
                        TableTransactionActionType.Add,
                        new AuditRefEntity
                        {
                            PartitionKey = lane,
                            RowKey = TableKeys.AuditRefRow(idempotencyKey),
                            Sequence = record.Sequence,
                        }
                    )
                );
            }
            actions.Add(new(TableTransactionActionType.Add, record));
            actions.Add(
                head is null
                    ? new(TableTransactionActionType.Add, newHead)
                    : new(TableTransactionActionType.UpdateReplace, newHead, head.ETag)
            );
            try
            {
                var responses = (await store.AuditTrail.SubmitTransactionAsync(actions, cancellationToken)).Value;
                newHead.ETag = responses[^1].Headers.ETag ?? default;
                if (newHead.ETag == default)
                    knownHeads.TryRemove(lane, out _);
                else
                    knownHeads[lane] = newHead;
                return record;
            }
            catch (TableTransactionFailedException ex)
                when (idempotencyKey is not null && ex.Status == 409 && ex.FailedTransactionActionIndex == 0)
            {
                logger.LogInformation(
                    "Audit record {IdempotencyKey} was already appended; nothing written",
                    idempotencyKey
                );
                return null;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                knownHeads.TryRemove(lane, out _);
                logger.LogDebug("Audit lane {Lane} moved on while appending; retrying", lane);
                if (!cached)
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404 && cached)
            {
                // The head this process knew is gone (the table was recreated): read it afresh.
                knownHeads.TryRemove(lane, out _);
            }
            catch
            {
                knownHeads.TryRemove(lane, out _);
                throw;
            }
        }
    }

    /// <summary>Walks every lane and checks its chain.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        var breaks = new List<AuditBreak>();
        long total = 0;
        foreach (var lane in TableKeys.AllAuditLanes)
        {
            AuditHeadEntity? head = null;
            var records = new List<AuditRecordEntity>();
            await foreach (
                var row in store.AuditTrail.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {lane}"),
                    cancellationToken: cancellationToken
                )
            )
            {
                if (row.RowKey == TableKeys.AuditHeadRow)
                    head = TableEntityMapper.To<AuditHeadEntity>(row);
                else if (string.CompareOrdinal(row.RowKey, TableKeys.AuditRecordRowsEnd) < 0)
                    records.Add(TableEntityMapper.To<AuditRecordEntity>(row));
            }
            total += records.Count;
            breaks.AddRange(AuditChain.Verify(lane, records, head));
        }
        if (breaks.Count > 0)
            logger.LogError("Audit trail verification found {Breaks} broken lane(s)", breaks.Count);
        return new AuditVerification(breaks.Count == 0, TableKeys.AuditLanes, total, breaks);
    }

    /// <summary>Storage pages read at most per lane and answer page when a lane's pages come back empty but unfinished
    /// (the service's scan time limit); in practice one request per lane and page.</summary>
    public const int MaxStoragePagesPerLane = 4;

    /// <summary>
    /// <c>GET /api/audit-trail</c>: parses and checks the query (400 on any invalid parameter or token) and answers one
    /// page, oldest first (see <see cref="ReadPageAsync"/>).
    /// </summary>
    public async Task<Outcome<AuditPage>> QueryPageAsync(
        IEnumerable<KeyValuePair<string, string[]>> query,
        CancellationToken cancellationToken
    )
    {
        var errors = AuditQueries.Parse(query, out var filter, out var pageSize, out var cursor);
        if (errors.Count > 0)
            return Problem.BadRequest($"The query has {errors.Count} invalid parameter(s); see 'errors'.", errors);
        var (items, next) = await ReadPageAsync(filter, cursor, pageSize, cancellationToken);
        return new AuditPage(items, next is null ? null : AuditQueries.EncodeToken(filter, next));
    }

    /// <summary>
    /// One page of the records matching the filter, in time order across lanes: a k-way merge by (at, lane, sequence)
    /// of each unfinished lane's next matching records after its cursor (one query per lane, <c>$top</c> = page size;
    /// only the entity's lane when entity and entityId are given). Answers the records and the cursor of the next page
    /// (null: nothing more). Records appended to a lane that an earlier page found exhausted are not returned.
    /// </summary>
    public async Task<(IReadOnlyList<AuditRecordView> Items, AuditCursor? Next)> ReadPageAsync(
        AuditQuery filter,
        AuditCursor? cursor,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, AuditQueries.MaxPageSize);
        var lanes = filter.Lanes;
        var after = cursor?.After ?? [.. Enumerable.Repeat<long?>(0, lanes.Count)];
        if (after.Count != lanes.Count)
            throw new ArgumentException("The cursor is not of this query's lanes.", nameof(cursor));
        var clauses = AuditQueries.Clauses(filter);
        var batches = await Task.WhenAll(
            lanes.Select(
                (lane, i) =>
                    after[i] is { } sequence
                        ? ReadLaneAsync(AuditQueries.LaneFilter(lane, sequence, clauses), pageSize, cancellationToken)
                        : Task.FromResult(LaneBatch.Exhausted)
            )
        );

        var taken = new int[lanes.Count];
        var last = after.ToArray();
        var items = new List<AuditRecordView>(pageSize);
        while (items.Count < pageSize)
        {
            var best = -1;
            var blocked = false;
            for (var i = 0; i < lanes.Count && !blocked; i++)
            {
                var batch = batches[i];
                if (taken[i] < batch.Records.Count)
                {
                    if (best < 0 || Earlier(batch.Records[taken[i]], batches[best].Records[taken[best]]))
                        best = i;
                }
                else
                    blocked = batch.More; // this lane's next record is unknown: nothing after here is certain
            }
            if (blocked || best < 0)
                break;
            var record = batches[best].Records[taken[best]++];
            last[best] = record.Sequence;
            items.Add(View(record));
        }
        for (var i = 0; i < lanes.Count; i++)
        {
            if (taken[i] == batches[i].Records.Count && !batches[i].More)
                last[i] = null;
        }
        return (items, last.All(l => l is null) ? null : new AuditCursor(last));
    }

    /// <summary>
    /// The first <paramref name="max"/> records matching the filters, oldest first (follows pages): for in-process
    /// callers that want a whole, small result, e.g. tests.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecordView>> QueryAsync(
        string? entity,
        string? entityId,
        string? actorId,
        DateTimeOffset? from,
        DateTimeOffset? to,
        int max,
        CancellationToken cancellationToken
    )
    {
        var filter = new AuditQuery(entity, entityId, actorId, from, to);
        var results = new List<AuditRecordView>();
        AuditCursor? cursor = null;
        while (results.Count < max)
        {
            var (items, next) = await ReadPageAsync(
                filter,
                cursor,
                Math.Min(max - results.Count, AuditQueries.MaxPageSize),
                cancellationToken
            );
            results.AddRange(items);
            if (next is null)
                break;
            cursor = next;
        }
        return results;
    }

    private static bool Earlier(AuditRecordEntity a, AuditRecordEntity b)
    {
        var byTime = a.At.UtcTicks.CompareTo(b.At.UtcTicks);
        if (byTime != 0)
            return byTime < 0;
        var byLane = string.CompareOrdinal(a.PartitionKey, b.PartitionKey);
        return byLane != 0 ? byLane < 0 : a.Sequence < b.Sequence;
    }

    /// <summary>A lane's next matching records (in sequence order) and whether it may have more after them.</summary>
    private sealed record LaneBatch(IReadOnlyList<AuditRecordEntity> Records, bool More)
    {
        public static readonly LaneBatch Exhausted = new([], false);
    }

    private async Task<LaneBatch> ReadLaneAsync(string filter, int pageSize, CancellationToken cancellationToken)
    {
        var pages = 0;
        await foreach (
            var page in store
                .AuditTrail.QueryAsync<AuditRecordEntity>(filter, pageSize, cancellationToken: cancellationToken)
                .AsPages(null, pageSize)
        )
        {
            var more = !string.IsNullOrEmpty(page.ContinuationToken);
            if (page.Values.Count > 0 || !more || ++pages >= MaxStoragePagesPerLane)
                return new LaneBatch([.. page.Values.Take(pageSize)], more);
        }
        return LaneBatch.Exhausted;
    }

    private static AuditRecordView View(AuditRecordEntity r) =>
        new(
            r.PartitionKey,
            r.Sequence,
            r.At,
            new AuditActor(r.ActorKind, r.ActorId, r.ActorName),
            r.Entity,
            r.EntityId,
            r.Action,
            JsonSerializer.Deserialize(r.ChangesJson, ApiJsonContext.Default.IReadOnlyListFieldChange) ?? [],
            r.CorrelationId,
            r.PreviousHash,
            r.Hash
        );
}
