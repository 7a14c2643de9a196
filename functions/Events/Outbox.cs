using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Events;

/// <summary>
/// The transactional outbox: how a change records its audit record(s) and integration event(s) so that a crash at
/// any point loses none of them and writes none twice. Usage at a change (see docs/events.md):
/// <code>
/// var entry = outbox.Entry().Audit(auditEvent).Publish(EventTypes.AssetChanged, subject, data, typeInfo);
/// actions.Add(await entry.StageAsync(table, partitionKey, ct)); // pending row first, outbox row in the batch
/// await table.SubmitTransactionAsync(actions, ct);                // the change and its outbox row: atomic
/// await entry.CommittedAsync(ct);                                 // wakes the dispatcher (queue message)
/// </code>
/// Where no single transaction can hold the change and the row (several tables, a blob), <see
/// cref="OutboxEntry.WriteAheadAsync"/> writes the entry before the change instead: nothing is lost, and a crash
/// between the two leaves a record of an attempted change (docs/storage.md names those paths).
/// </summary>
public sealed class Outbox(
    InventoryStore store,
    OutboxDispatcher dispatcher,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<Outbox> logger
)
{
    /// <summary>Starts an entry, stamped with the change's time and a new time-ordered id.</summary>
    public OutboxEntry Entry()
    {
        var at = clock.GetUtcNow();
        return new OutboxEntry(this, OutboxKeys.NewId(at), at);
    }

    /// <summary>
    /// The common case in one call: <paramref name="changes"/> (rows of one partition of <paramref name="table"/>) and
    /// the entry's outbox row in one batch transaction, then the dispatcher's queue message. A refused batch
    /// (<see cref="TableTransactionFailedException"/>, a <see cref="Azure.RequestFailedException"/> with the failed
    /// row's status) removes the pending row and rethrows. Answers the changes' responses (ETags), in order.
    /// </summary>
    public async Task<IReadOnlyList<Azure.Response>> WriteAsync(
        TableClient table,
        IReadOnlyList<TableTransactionAction> changes,
        OutboxEntry entry,
        CancellationToken cancellationToken
    )
    {
        var partition = changes[0].Entity.PartitionKey;
        IReadOnlyList<Azure.Response> responses;
        try
        {
            responses = (
                await table.SubmitTransactionAsync(
                    [.. changes, await entry.StageAsync(table, partition, cancellationToken)],
                    cancellationToken
                )
            ).Value;
        }
        catch (TableTransactionFailedException)
        {
            await entry.AbandonAsync(cancellationToken);
            throw;
        }
        await entry.CommittedAsync(cancellationToken);
        return responses;
    }

    /// <summary><see cref="WriteAsync(TableClient, IReadOnlyList{TableTransactionAction}, OutboxEntry,
    /// CancellationToken)"/> for one row and one audit record; answers the row's response.</summary>
    public async Task<Azure.Response> WriteAsync(
        TableClient table,
        TableTransactionAction change,
        AuditEvent audit,
        CancellationToken cancellationToken
    ) => (await WriteAsync(table, [change], Entry().Audit(audit), cancellationToken))[0];

    internal async Task WritePendingAsync(OutboxPendingEntity pending, CancellationToken cancellationToken) =>
        await store.Outbox.AddEntityAsync(pending, cancellationToken);

    internal async Task CommittedAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (options.Value.DispatchInline)
                await dispatcher.DispatchAsync(message, cancellationToken);
            else
                await store.OutboxQueue.SendMessageAsync(
                    JsonSerializer.Serialize(message, ApiJsonContext.Default.OutboxMessage),
                    cancellationToken
                );
        }
        catch (Exception ex) when (ex is not InjectedFaultException and not OperationCanceledException)
        {
            // The change is committed and its entry stored: answering an error would invite a retry of a change that
            // happened. The sweep delivers the entry instead.
            logger.LogWarning(ex, "Outbox entry {OutboxId} left for the sweep: {Reason}", message.Id, ex.Message);
        }
    }

    /// <summary>
    /// Delivers an entry carried by its change's own row right away (see <see cref="OutboxEntry.CarryIn"/>). If that
    /// fails, a pending row pointing at the carrying row hands the entry to the sweep; if even that fails, the error
    /// goes back to the caller, whose redelivered message delivers the entry again.
    /// </summary>
    internal async Task DeliverCarriedAsync(
        OutboxMessage message,
        OutboxPayload payload,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await dispatcher.DeliverAsync(message, payload, pendingRow: false, cancellationToken);
        }
        catch (Exception ex) when (ex is not InjectedFaultException and not OperationCanceledException)
        {
            logger.LogWarning(ex, "Outbox entry {OutboxId} left for the sweep: {Reason}", message.Id, ex.Message);
            await WritePendingAsync(
                new OutboxPendingEntity
                {
                    RowKey = message.Id,
                    Table = message.Table,
                    TargetPartition = message.PartitionKey,
                    TargetRow = message.RowKey,
                },
                cancellationToken
            );
        }
    }

    /// <summary>
    /// A redelivered change found the row that carries its entry (see <see cref="OutboxEntry.CarryIn"/>), as read
    /// with <see cref="OutboxKeys.CarriedColumns"/> (a projection: pass its keys): delivers the entry again unless its
    /// last audit record is in the trail (one read; then its events were sent too). Records are appended once (their
    /// keys refuse a second append); events are published again with the same ids.
    /// </summary>
    public async Task RedeliverCarriedAsync(
        TableClient table,
        string partitionKey,
        string rowKey,
        TableEntity row,
        CancellationToken cancellationToken
    )
    {
        if (
            row.GetString(OutboxKeys.CarriedIdColumn) is not { Length: > 0 } id
            || row.GetString(nameof(OutboxRowEntity.Payload)) is not { Length: > 0 } json
        )
            return;
        var payload = JsonSerializer.Deserialize(json, ApiJsonContext.Default.OutboxPayload)
            ?? throw new InvalidDataException($"Outbox entry {id} has no payload.");
        var message = new OutboxMessage(id, table.Name, partitionKey, rowKey);
        if (await dispatcher.IsDeliveredAsync(message, payload, cancellationToken))
            return;
        await DeliverCarriedAsync(message, payload, cancellationToken);
    }

    internal async Task RewritePendingAsync(OutboxPendingEntity pending, CancellationToken cancellationToken) =>
        await store.Outbox.UpsertEntityAsync(pending, TableUpdateMode.Replace, cancellationToken);

    internal async Task DeletePendingAsync(string id, CancellationToken cancellationToken) =>
        await store.Outbox.DeleteEntityAsync(OutboxKeys.PendingPartition, id, Azure.ETag.All, cancellationToken);

    internal string OutboxTableName => store.Outbox.Name;
}

/// <summary>One change's entry in the outbox: built, staged with the change, then committed.</summary>
public sealed class OutboxEntry
{
    private readonly Outbox outbox;
    private readonly List<AuditEvent> audits = [];
    private readonly List<string?> auditKeys = [];
    private readonly List<StagedEvent> events = [];
    private OutboxMessage? staged;

    internal OutboxEntry(Outbox outbox, string id, DateTimeOffset at)
    {
        this.outbox = outbox;
        Id = id;
        At = at;
    }

    /// <summary>The entry id: idempotency keys of its audit records and ids of its events derive from it.</summary>
    public string Id { get; }

    public DateTimeOffset At { get; }

    public bool IsEmpty => audits.Count == 0 && events.Count == 0;

    /// <summary>Adds an audit record. <paramref name="idempotencyKey"/>: a key stable across retries of the change
    /// (e.g. the day an archive run sealed), for a change that may stage its record in more than one entry (or did
    /// append it directly before the outbox); by default the entry's own key.</summary>
    public OutboxEntry Audit(AuditEvent change, string? idempotencyKey = null)
    {
        audits.Add(change);
        auditKeys.Add(idempotencyKey);
        return this;
    }

    public OutboxEntry Publish<T>(string type, string subject, T data, JsonTypeInfo<T> typeInfo)
    {
        events.Add(new StagedEvent(type, subject, JsonSerializer.SerializeToElement(data, typeInfo)));
        return this;
    }

    public OutboxEntry Publish(string type, string subject, JsonElement data)
    {
        events.Add(new StagedEvent(type, subject, data));
        return this;
    }

    /// <summary>The id of this entry's <paramref name="index"/>-th event (CloudEvents <c>id</c>).</summary>
    public string EventId(int index) => OutboxKeys.EventId(Id, index);

    private OutboxPayload Payload =>
        new(At, [.. audits], [.. events], auditKeys.Any(k => k is not null) ? [.. auditKeys] : null);

    private string PayloadJson => JsonSerializer.Serialize(Payload, ApiJsonContext.Default.OutboxPayload);

    /// <summary>
    /// For a change made by a queue-triggered function whose own message is redelivered until it completes (check-in
    /// processing): the entry rides as a column of <paramref name="row"/>, a row the change inserts in <paramref
    /// name="table"/> and keeps (the check-in marker), instead of an outbox row and a pending row. Then <see
    /// cref="DeliverAsync"/> after the change commits. The message stands in for the pending row: a crash before the
    /// delivery ends leaves the message to be redelivered, and the redelivery finds the carrying row (its insert
    /// conflicts) and calls <see cref="Events.Outbox.RedeliverCarriedAsync"/>. Saves three requests per change.
    /// </summary>
    public void CarryIn(TableClient table, ITableEntity row)
    {
        if (row is not TableEntity entity)
            throw new ArgumentException("The carrying row must be a TableEntity.", nameof(row));
        entity[nameof(OutboxRowEntity.Payload)] = PayloadJson;
        entity[OutboxKeys.CarriedIdColumn] = Id;
        staged = new OutboxMessage(Id, table.Name, row.PartitionKey, row.RowKey);
    }

    /// <summary>After the change that carries the entry committed: delivers it now (see <see
    /// cref="CarryIn"/>).</summary>
    public Task DeliverAsync(CancellationToken cancellationToken) =>
        staged is null
            ? throw new InvalidOperationException("Carry the entry in a row before delivering it.")
            : outbox.DeliverCarriedAsync(staged, Payload, cancellationToken);

    /// <summary>
    /// Writes the entry's pending row (one request) and answers the outbox row to add to the change's batch
    /// transaction in <paramref name="partitionKey"/> of <paramref name="table"/>. Call it once every check that can
    /// refuse the change has passed: a refused change leaves a pending row that the sweep removes.
    /// </summary>
    public async Task<TableTransactionAction> StageAsync(
        TableClient table,
        string partitionKey,
        CancellationToken cancellationToken
    )
    {
        // Idempotent for a change that retries its batch (e.g. after a lost ETag race): one pending row.
        if (staged is null || staged.Table != table.Name || staged.PartitionKey != partitionKey)
        {
            await AbandonAsync(cancellationToken);
            staged = new OutboxMessage(Id, table.Name, partitionKey, OutboxKeys.Row(Id));
            await outbox.WritePendingAsync(
                new OutboxPendingEntity
                {
                    RowKey = Id,
                    Table = table.Name,
                    TargetPartition = partitionKey,
                    TargetRow = staged.RowKey,
                },
                cancellationToken
            );
        }
        return new TableTransactionAction(
            TableTransactionActionType.Add,
            new OutboxRowEntity
            {
                PartitionKey = partitionKey,
                RowKey = staged.RowKey,
                Payload = PayloadJson,
            }
        );
    }

    /// <summary>
    /// For a change no single transaction can hold together with its outbox row: stores the whole entry in the
    /// outbox table now (one request), before the change. Nothing is lost; if the process dies before the change,
    /// the dispatcher still delivers the record of the attempt.
    /// </summary>
    public async Task WriteAheadAsync(CancellationToken cancellationToken)
    {
        staged = new OutboxMessage(Id, outbox.OutboxTableName, OutboxKeys.PendingPartition, Id);
        await outbox.WritePendingAsync(
            new OutboxPendingEntity
            {
                RowKey = Id,
                Table = staged.Table,
                TargetPartition = staged.PartitionKey,
                TargetRow = staged.RowKey,
                Payload = PayloadJson,
            },
            cancellationToken
        );
    }

    /// <summary>
    /// For a written-ahead entry whose record depends on how the change went (e.g. how many messages it moved):
    /// replaces the entry's audit records and rewrites the stored entry (one request), after the change and before
    /// <see cref="CommittedAsync"/>. A crash before the rewrite leaves the record written ahead (the attempt).
    /// </summary>
    public async Task RewriteAheadAsync(IReadOnlyList<AuditEvent> records, CancellationToken cancellationToken)
    {
        if (
            staged is null
            || staged.Table != outbox.OutboxTableName
            || staged.PartitionKey != OutboxKeys.PendingPartition
        )
            throw new InvalidOperationException("Only an entry written ahead can be rewritten.");
        audits.Clear();
        audits.AddRange(records);
        auditKeys.Clear();
        auditKeys.AddRange(records.Select(_ => (string?)null));
        await outbox.RewritePendingAsync(
            new OutboxPendingEntity
            {
                RowKey = Id,
                Table = staged.Table,
                TargetPartition = staged.PartitionKey,
                TargetRow = staged.RowKey,
                Payload = PayloadJson,
            },
            cancellationToken
        );
    }

    /// <summary>The change was refused after <see cref="StageAsync"/> (a 409/412 from its batch): removes the
    /// pending row (one request). Without it the sweep removes the row later; nothing is delivered either way.
    /// </summary>
    public async Task AbandonAsync(CancellationToken cancellationToken)
    {
        if (staged is null)
            return;
        await outbox.DeletePendingAsync(Id, cancellationToken);
        staged = null;
    }

    /// <summary>After the change committed: hands the entry to the dispatcher (a queue message, one request). Never
    /// throws for an outage: the sweep delivers what this could not.</summary>
    public Task CommittedAsync(CancellationToken cancellationToken) =>
        staged is null
            ? throw new InvalidOperationException("Stage or write the entry ahead before committing it.")
            : outbox.CommittedAsync(staged, cancellationToken);
}
