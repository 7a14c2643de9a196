using Azure.Messaging.ServiceBus;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Events;

/// <summary>Where integration events go. Publishing the same event again is allowed (consumers de-duplicate by
/// id; the Service Bus topic does so within its duplicate-detection window).</summary>
public interface IEventSink
{
    Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken);
}

/// <summary>The local default: one message per event on the Storage queue <c>inventory-events</c>, its text the
/// structured CloudEvents JSON.</summary>
public sealed class StorageQueueEventSink(InventoryStore store) : IEventSink
{
    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
            await store.EventsQueue.SendMessageAsync(
                BinaryData.FromBytes(e.Encode()),
                cancellationToken: cancellationToken
            );
    }
}

/// <summary>
/// Azure: the Service Bus topic (<c>INVENTORY_EVENTS_TOPIC</c>), one message per event: body = structured CloudEvents
/// JSON, <c>MessageId</c> = event id (the topic's duplicate detection drops a redelivered one), <c>Subject</c> = type,
/// <c>ContentType</c> = <c>application/cloudevents+json</c>.
/// </summary>
public sealed class ServiceBusEventSink(ServiceBusSender sender, ILogger<ServiceBusEventSink> logger)
    : IEventSink,
        IAsyncDisposable
{
    public static ServiceBusMessage ToMessage(IntegrationEvent e) =>
        new(e.Encode())
        {
            MessageId = e.Id,
            Subject = e.Type,
            ContentType = IntegrationEvent.ContentType,
        };

    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        // One message per send: an entry holds one or two events, and single messages keep every property intact
        // on the wire (a batch travels as one AMQP message of encoded messages).
        foreach (var e in events)
            await sender.SendMessageAsync(ToMessage(e), cancellationToken);
        logger.LogDebug("Published {Count} event(s) to {Topic}", events.Count, sender.EntityPath);
    }

    public ValueTask DisposeAsync() => sender.DisposeAsync();
}
