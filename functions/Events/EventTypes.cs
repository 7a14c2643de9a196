namespace ItInventory.Functions.Events;

/// <summary>
/// The CloudEvents <c>type</c> of every integration event the app publishes (docs/events.md; one JSON Schema per type
/// in docs/events/). Types are versioned by adding new ones, never by changing a published type's data.
/// </summary>
public static class EventTypes
{
    /// <summary>The CloudEvents <c>source</c> of every event.</summary>
    public const string Source = "/itinventory";

    public const string AssetDiscovered = "itinventory.asset.discovered";
    public const string AssetChanged = "itinventory.asset.changed";
    public const string AssetStateChanged = "itinventory.asset.state-changed";
    public const string AssetDisposed = "itinventory.asset.disposed";
    public const string DeviceOffline = "itinventory.device.offline";
    public const string DeviceOnline = "itinventory.device.online";
    public const string FindingOpened = "itinventory.finding.opened";
    public const string FindingResolved = "itinventory.finding.resolved";
    public const string LicenceComplianceChanged = "itinventory.licence.compliance-changed";
    public const string KpiSnapshot = "itinventory.kpi.snapshot";

    public static IReadOnlyList<string> All { get; } =
    [
        AssetDiscovered,
        AssetChanged,
        AssetStateChanged,
        AssetDisposed,
        DeviceOffline,
        DeviceOnline,
        FindingOpened,
        FindingResolved,
        LicenceComplianceChanged,
        KpiSnapshot,
    ];

    /// <summary>The CloudEvents <c>subject</c> of an entity: <c>assets/&lt;id&gt;</c>, <c>findings/…</c>.</summary>
    public static string Subject(string collection, string id) => collection + "/" + id;
}
