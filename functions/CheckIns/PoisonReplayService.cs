using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.CheckIns;

/// <summary>The answer of a poison-queue replay.</summary>
public sealed record PoisonReplayResponse(int Replayed, int Remaining);

/// <summary>
/// Moves check-in messages from the poison queue back to the check-in queue, e.g. after a fix was deployed. Their
/// blobs were kept, and processing is idempotent, so a replay is always safe.
/// </summary>
public sealed class PoisonReplayService(InventoryStore store, Events.Outbox outbox, ILogger<PoisonReplayService> logger)
{
    public const int MaxPerCall = 1_000;

    public async Task<PoisonReplayResponse> ReplayAsync(
        int max,
        Audit.AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var replayed = 0;
        // Written ahead before the first message moves (the record of the attempt: how many were asked for), then
        // rewritten with the count that moved and committed; a queue operation cannot share a table transaction.
        Events.OutboxEntry? entry = null;
        if (await store.CheckinPoisonQueue.ExistsAsync(cancellationToken))
        {
            while (replayed < max)
            {
                var batch = (
                    await store.CheckinPoisonQueue.ReceiveMessagesAsync(
                        Math.Min(32, max - replayed),
                        TimeSpan.FromMinutes(1),
                        cancellationToken
                    )
                ).Value;
                if (batch.Length == 0)
                    break;
                if (entry is null)
                {
                    entry = outbox.Entry().Audit(ReplayRecord("Requested", max, actor, correlationId));
                    await entry.WriteAheadAsync(cancellationToken);
                }
                foreach (var message in batch)
                {
                    // Send first, then delete: a crash in between leaves a duplicate, which processing ignores; never a
                    // loss.
                    await store.CheckinQueue.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
                    await store.CheckinPoisonQueue.DeleteMessageAsync(
                        message.MessageId,
                        message.PopReceipt,
                        cancellationToken
                    );
                    replayed++;
                }
            }
        }
        var remaining = await store.CheckinPoisonQueue.ExistsAsync(cancellationToken)
            ? (await store.CheckinPoisonQueue.GetPropertiesAsync(cancellationToken)).Value.ApproximateMessagesCount
            : 0;
        if (entry is not null)
        {
            if (replayed == 0)
            {
                await entry.AbandonAsync(cancellationToken);
            }
            else
            {
                await entry.RewriteAheadAsync(
                    [ReplayRecord("Replayed", replayed, actor, correlationId)],
                    cancellationToken
                );
                await entry.CommittedAsync(cancellationToken);
            }
        }
        logger.LogInformation(
            "Replayed {Replayed} poisoned check-in message(s); {Remaining} left",
            replayed,
            remaining
        );
        return new PoisonReplayResponse(replayed, remaining);
    }

    private Audit.AuditEvent ReplayRecord(string field, int count, Audit.AuditActor actor, string? correlationId) =>
        new(
            actor,
            "queue",
            store.CheckinPoisonQueue.Name,
            "replay-poison",
            [new(field, null, count.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            correlationId
        );
}
