using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Lifecycle;

namespace ItInventory.Functions.Events;

/// <summary>Which events a change of an asset implies: a state change (and a disposal), a discovery, or a plain
/// change.</summary>
public static class AssetEvents
{
    public static string Subject(string assetId) => EventTypes.Subject("assets", assetId);

    /// <summary>Adds the audit record and the asset's event(s) for a change of an existing asset whose detail row
    /// was <paramref name="before"/>.</summary>
    public static OutboxEntry Stage(
        OutboxEntry entry,
        AuditEvent audit,
        AssetDetailEntity before,
        IReadOnlyList<FieldChange> changes
    )
    {
        entry.Audit(audit);
        var department = changes.LastOrDefault(c => c.Field == nameof(AssetDetailEntity.Department)) is { } moved
            ? moved.To
            : before.Department;
        if (changes.LastOrDefault(c => c.Field == nameof(AssetDetailEntity.State)) is { To: { } to } state)
        {
            entry.Publish(
                EventTypes.AssetStateChanged,
                Subject(audit.EntityId),
                new AssetStateChangedData(audit.EntityId, state.From ?? before.State, to, audit.Action, department),
                ApiJsonContext.Default.AssetStateChangedData
            );
            if (to == nameof(LifecycleState.Disposed))
                Changed(entry, EventTypes.AssetDisposed, audit, changes, to, department);
            return entry;
        }
        return Changed(entry, EventTypes.AssetChanged, audit, changes, before.State, department);
    }

    /// <summary>A new asset (enrollment, creation, import): <c>itinventory.asset.discovered</c>.</summary>
    public static OutboxEntry Discovered(OutboxEntry entry, AuditEvent audit, string state, string? department) =>
        Changed(entry.Audit(audit), EventTypes.AssetDiscovered, audit, audit.Changes, state, department);

    private static OutboxEntry Changed(
        OutboxEntry entry,
        string type,
        AuditEvent audit,
        IReadOnlyList<FieldChange> changes,
        string? state,
        string? department
    ) =>
        entry.Publish(
            type,
            Subject(audit.EntityId),
            new AssetEventData(audit.EntityId, audit.Action, changes, state, department),
            ApiJsonContext.Default.AssetEventData
        );
}
