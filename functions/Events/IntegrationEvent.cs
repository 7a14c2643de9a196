using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;

namespace ItInventory.Functions.Events;

/// <summary>An event ready to publish: its stable id, what the change staged, and when the change happened.</summary>
public sealed record IntegrationEvent(string Id, StagedEvent Staged, DateTimeOffset Time)
{
    /// <summary>The content type of a structured-mode CloudEvents JSON message.</summary>
    public const string ContentType = "application/cloudevents+json";

    private static readonly JsonEventFormatter Formatter = new();

    public string Type => Staged.Type;

    /// <summary>The CloudEvents 1.0 envelope (<c>specversion</c> 1.0, <c>source</c> /itinventory).</summary>
    public CloudEvent ToCloudEvent() =>
        new(CloudEventsSpecVersion.V1_0)
        {
            Id = Id,
            Type = Staged.Type,
            Source = new Uri(EventTypes.Source, UriKind.Relative),
            Subject = Staged.Subject,
            Time = Time,
            DataContentType = "application/json",
            Data = Staged.Data,
        };

    /// <summary>The event in structured mode: one JSON document holding the attributes and the data.</summary>
    public ReadOnlyMemory<byte> Encode() => Formatter.EncodeStructuredModeMessage(ToCloudEvent(), out _);
}
