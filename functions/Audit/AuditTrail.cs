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
/// </summary>
public sealed class AuditTrail(InventoryStore store, TimeProvider clock, ILogger<AuditTrail> logger)
{
    private const int MaxAttempts = 20;

    public async Task<AuditRecordEntity> AppendAsync(AuditEvent change, CancellationToken cancellationToken) =>
        (await AppendAsync(change, null, cancellationToken))!;

    /// <summary>
    /// Appends the change unless a change with the same idempotency key was appended before (then returns null). The
    /// batch also inserts the key's reference row, so the first append still costs two requests and a repeat fails
    /// that insert and writes nothing.
    /// </summary>
    public Task<AuditRecordEntity?> AppendOnceAsync(AuditEvent change, string idempotencyKey, CancellationToken cancellationToken) =>
        AppendAsync(change, idempotencyKey, cancellationToken);

    /// <summary>Whether a change with this idempotency key was appended to the entity's lane (one point read).</summary>
    public async Task<bool> IsAppendedAsync(string entity, string entityId, string idempotencyKey, CancellationToken cancellationToken) =>
        (await store.AuditTrail.GetEntityIfExistsAsync<AuditRefEntity>(TableKeys.AuditLane(entity, entityId), TableKeys.AuditRefRow(idempotencyKey),
            [nameof(AuditRefEntity.Sequence)], cancellationToken)).HasValue;

    private async Task<AuditRecordEntity?> AppendAsync(AuditEvent change, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var lane = TableKeys.AuditLane(change.Entity, change.EntityId);
        var changesJson = JsonSerializer.Serialize(change.Changes, ApiJsonContext.Default.IReadOnlyListFieldChange);
        for (var attempt = 1; ; attempt++)
        {
            var headRow = await store.AuditTrail.GetEntityIfExistsAsync<AuditHeadEntity>(lane, TableKeys.AuditHeadRow, cancellationToken: cancellationToken);
            var head = headRow.HasValue ? headRow.Value! : null;
            var record = new AuditRecordEntity
            {
                PartitionKey = lane,
                Sequence = (head?.Sequence ?? 0) + 1,
                At = clock.GetUtcNow(),
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
            var newHead = new AuditHeadEntity { PartitionKey = lane, Sequence = record.Sequence, Hash = record.Hash };
            var actions = new List<TableTransactionAction>(3);
            if (idempotencyKey is not null)
            {
                // First, so that its conflict (index 0) tells "already appended" from a lane that moved on.
                actions.Add(new(TableTransactionActionType.Add, new AuditRefEntity { PartitionKey = lane, RowKey = TableKeys.AuditRefRow(idempotencyKey), Sequence = record.Sequence }));
            }
            actions.Add(new(TableTransactionActionType.Add, record));
            actions.Add(head is null
                ? new(TableTransactionActionType.Add, newHead)
                : new(TableTransactionActionType.UpdateReplace, newHead, head.ETag));
            try
            {
                await store.AuditTrail.SubmitTransactionAsync(actions, cancellationToken);
                return record;
            }
            catch (TableTransactionFailedException ex) when (idempotencyKey is not null && ex.Status == 409 && ex.FailedTransactionActionIndex == 0)
            {
                logger.LogInformation("Audit record {IdempotencyKey} was already appended; nothing written", idempotencyKey);
                return null;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                logger.LogDebug("Audit lane {Lane} moved on while appending; retrying", lane);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * attempt)), cancellationToken);
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
            await foreach (var row in store.AuditTrail.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {lane}"), cancellationToken: cancellationToken))
            {
                if (row.RowKey == TableKeys.AuditHeadRow) head = TableEntityMapper.To<AuditHeadEntity>(row);
                else if (string.CompareOrdinal(row.RowKey, TableKeys.AuditRecordRowsEnd) < 0) records.Add(TableEntityMapper.To<AuditRecordEntity>(row));
            }
            total += records.Count;
            breaks.AddRange(AuditChain.Verify(lane, records, head));
        }
        if (breaks.Count > 0) logger.LogError("Audit trail verification found {Breaks} broken lane(s)", breaks.Count);
        return new AuditVerification(breaks.Count == 0, TableKeys.AuditLanes, total, breaks);
    }

    /// <summary>Records of one entity (one lane, in order), or filtered by actor and time range across lanes.</summary>
    public async Task<IReadOnlyList<AuditRecordView>> QueryAsync(string? entity, string? entityId, string? actorId, DateTimeOffset? from, DateTimeOffset? to, int max, CancellationToken cancellationToken)
    {
        var lanes = entity is not null && entityId is not null ? [TableKeys.AuditLane(entity, entityId)] : TableKeys.AllAuditLanes;
        var results = new List<AuditRecordView>();
        foreach (var lane in lanes)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {lane} and RowKey lt {TableKeys.AuditRecordRowsEnd}");
            if (entity is not null) filter += " and " + TableClient.CreateQueryFilter($"Entity eq {entity}");
            if (entityId is not null) filter += " and " + TableClient.CreateQueryFilter($"EntityId eq {entityId}");
            if (actorId is not null) filter += " and " + TableClient.CreateQueryFilter($"ActorId eq {actorId}");
            if (from is { } start) filter += " and " + TableClient.CreateQueryFilter($"At ge {start}");
            if (to is { } end) filter += " and " + TableClient.CreateQueryFilter($"At lt {end}");
            await foreach (var record in store.AuditTrail.QueryAsync<AuditRecordEntity>(filter, cancellationToken: cancellationToken))
            {
                results.Add(View(record));
                if (results.Count >= max) break;
            }
            if (results.Count >= max) break;
        }
        return results.OrderBy(r => r.At).ThenBy(r => r.Lane, StringComparer.Ordinal).ThenBy(r => r.Sequence).ToList();
    }

    private static AuditRecordView View(AuditRecordEntity r) => new(
        r.PartitionKey, r.Sequence, r.At, new AuditActor(r.ActorKind, r.ActorId, r.ActorName), r.Entity, r.EntityId, r.Action,
        JsonSerializer.Deserialize(r.ChangesJson, ApiJsonContext.Default.IReadOnlyListFieldChange) ?? [], r.CorrelationId, r.PreviousHash, r.Hash);
}
