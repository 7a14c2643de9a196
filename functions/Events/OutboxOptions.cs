using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Events;

/// <summary>Outbox settings (section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>How old a pending entry must be before the sweep delivers it (default 5 minutes): longer than a change
    /// takes between writing its pending row and committing, so the sweep never races a change in flight.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan SweepGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most entries one sweep delivers (the rest wait for the next run).</summary>
    [Range(1, 100_000)]
    public int SweepMaxEntries { get; set; } = 5_000;

    /// <summary>Deliver each entry in the request that committed it instead of through the queue: for tests and
    /// single-process tools. Off in Azure (the queue keeps delivery off the request path).</summary>
    public bool DispatchInline { get; set; }
}

/// <summary>Integration event settings (section <c>Events</c>).</summary>
public sealed class EventsOptions
{
    public const string SectionName = "Events";

    /// <summary>The Service Bus topic (app setting <c>INVENTORY_EVENTS_TOPIC</c> in Azure).</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._/-]{0,259}$")]
    public string Topic { get; set; } = "inventory-events";
}
