using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;

namespace ItInventory.Functions.Events;

/// <summary>The events of a finding's transition: <c>opened</c> when it is raised, or raised again once closed;
/// <c>resolved</c> when it closes (resolved by a person, auto-resolved by a scan).</summary>
public static class FindingEvents
{
    public static OutboxEntry Stage(OutboxEntry entry, FindingEntity? before, FindingEntity next)
    {
        var wasOpen = before is not null && !before.IsClosed;
        if (!next.IsClosed && !wasOpen)
            return Publish(entry, EventTypes.FindingOpened, next);
        if (next.IsClosed && wasOpen)
            return Publish(entry, EventTypes.FindingResolved, next);
        return entry;
    }

    private static OutboxEntry Publish(OutboxEntry entry, string type, FindingEntity f) =>
        entry.Publish(
            type,
            EventTypes.Subject("findings", f.Id),
            new FindingEventData(f.Id, f.Kind, f.SubjectId, f.Department, f.Status, f.LastRunId),
            ApiJsonContext.Default.FindingEventData
        );
}
