using System.Text.Json;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.Common;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Events;

/// <summary>The outbox dispatcher's triggers: one queue message per committed change, and the sweep for
/// stragglers.</summary>
public sealed class OutboxFunctions(OutboxDispatcher dispatcher)
{
    [Function(nameof(DispatchOutbox))]
    public async Task DispatchOutbox(
        [QueueTrigger("%" + AppSettingNames.OutboxQueue + "%", Connection = AppSettingNames.StorageConnection)]
            QueueMessage message,
        CancellationToken cancellationToken
    )
    {
        OutboxMessage? entry;
        try
        {
            entry = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.OutboxMessage);
        }
        catch (JsonException)
        {
            // A malformed message names no entry; the sweep still finds every pending one, so dropping it loses
            // nothing.
            return;
        }
        if (entry is not null)
            await dispatcher.DispatchAsync(entry, cancellationToken);
    }

    [Function(nameof(SweepOutbox))]
    public async Task SweepOutbox(
        [TimerTrigger("%" + AppSettingNames.OutboxSweepSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    ) => await dispatcher.SweepAsync(cancellationToken);
}
