using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Events;

/// <summary>
/// Delivers outbox entries: publishes each event (stable id = entry id and index), appends each audit record once
/// (<see cref="AuditTrail.AppendOnceAsync"/>, idempotency key = entry id and index, or the key the change chose), then
/// deletes the outbox row and the pending row. Every step is safe to repeat, so a crash anywhere only means the entry
/// is delivered again (from a redelivered queue message or the sweep) without a second audit record; events are
/// at-least-once.
/// </summary>
public sealed class OutboxDispatcher(
    TableServiceClient tables,
    InventoryStore store,
    AuditTrail audit,
    IEventSink sink,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger
)
{
    /// <summary>Delivers one entry; answers false when its outbox row is gone (delivered before, or its change never
    /// committed).</summary>
    public async Task<bool> DispatchAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var table = tables.GetTableClient(message.Table);
        var row = await table.GetEntityIfExistsAsync<OutboxRowEntity>(
            message.PartitionKey,
            message.RowKey,
            cancellationToken: cancellationToken
        );
        if (!row.HasValue || row.Value is not { } entry)
        {
            await DeletePendingAsync(message, cancellationToken);
            return false;
        }
        var payload = JsonSerializer.Deserialize(entry.Payload, ApiJsonContext.Default.OutboxPayload)
            ?? throw new InvalidDataException($"Outbox entry {message.Id} has no payload.");
        await DeliverAsync(message, payload, pendingRow: true, cancellationToken);
        return true;
    }

    /// <summary>
    /// Delivers an entry whose payload the caller holds: publishes its events, appends its audit records once (in
    /// that order, so an entry whose last record is in the trail has had its events sent), then deletes its outbox row
    /// (a row carried by another row, such as a check-in marker, stays: it is the change's own) and, when <paramref
    /// name="pendingRow"/>, its pending row.
    /// </summary>
    internal async Task DeliverAsync(
        OutboxMessage message,
        OutboxPayload payload,
        bool pendingRow,
        CancellationToken cancellationToken
    )
    {
        if (payload.Events.Count > 0)
        {
            await sink.PublishAsync(
                [
                    .. payload.Events.Select(
                        (e, i) => new IntegrationEvent(OutboxKeys.EventId(message.Id, i), e, payload.At)
                    ),
                ],
                cancellationToken
            );
        }
        for (var i = 0; i < payload.Audits.Count; i++)
        {
            await audit.AppendOnceAsync(
                payload.Audits[i],
                payload.AuditKey(message.Id, i),
                cancellationToken,
                payload.At
            );
        }
        if (OutboxKeys.IsOwnRow(message.Table, store.Outbox.Name, message.PartitionKey, message.RowKey))
        {
            var table = tables.GetTableClient(message.Table);
            await DeleteAsync(table, message.PartitionKey, message.RowKey, cancellationToken);
        }
        if (pendingRow)
            await DeletePendingAsync(message, cancellationToken);
    }

    /// <summary>Whether a delivery of the entry ran through its last audit record (one point read; false for an
    /// entry without records): then its events were published too.</summary>
    internal async Task<bool> IsDeliveredAsync(
        OutboxMessage message,
        OutboxPayload payload,
        CancellationToken cancellationToken
    )
    {
        if (payload.Audits.Count == 0)
            return false;
        var last = payload.Audits.Count - 1;
        return await audit.IsAppendedAsync(
            payload.Audits[last].Entity,
            payload.Audits[last].EntityId,
            payload.AuditKey(message.Id, last),
            cancellationToken
        );
    }

    /// <summary>
    /// Delivers every entry whose pending row is older than the grace period (its queue message was lost, or its
    /// change never committed): the timer sweep. Answers how many entries it delivered.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var before = OutboxKeys.IdsBefore(clock.GetUtcNow() - options.Value.SweepGrace);
        var delivered = 0;
        var seen = 0;
        await foreach (
            var pending in store.Outbox.QueryAsync<OutboxPendingEntity>(
                p => p.PartitionKey == OutboxKeys.PendingPartition && p.RowKey.CompareTo(before) < 0,
                cancellationToken: cancellationToken
            )
        )
        {
            if (++seen > options.Value.SweepMaxEntries)
                break;
            var message = new OutboxMessage(pending.RowKey, pending.Table, pending.TargetPartition, pending.TargetRow);
            if (await DispatchAsync(message, cancellationToken))
                delivered++;
        }
        if (delivered > 0)
            logger.LogWarning("Outbox sweep delivered {Delivered} straggling entr(ies)", delivered);
        return delivered;
    }

    /// <summary>Deletes the pending row, unless it is the outbox row itself (a write-ahead entry: deleted
    /// already).</summary>
    private Task DeletePendingAsync(OutboxMessage message, CancellationToken cancellationToken) =>
        message.Table == store.Outbox.Name && message.PartitionKey == OutboxKeys.PendingPartition
            ? Task.CompletedTask
            : DeleteAsync(store.Outbox, OutboxKeys.PendingPartition, message.Id, cancellationToken);

    private static async Task DeleteAsync(
        TableClient table,
        string partitionKey,
        string rowKey,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted by an earlier delivery of the same entry.
        }
    }
}
