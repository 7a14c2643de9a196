using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Events;

/// <summary>Data of <c>itinventory.asset.discovered</c>, <c>.changed</c> and <c>.disposed</c>: which asset, what
/// happened (the audit action), the changed fields, and the asset's state and department after the change.</summary>
public sealed record AssetEventData(
    string AssetId,
    string Action,
    IReadOnlyList<FieldChange> Changes,
    string? State,
    string? Department
);

/// <summary>Data of <c>itinventory.asset.state-changed</c>: the lifecycle transition.</summary>
public sealed record AssetStateChangedData(string AssetId, string From, string To, string Action, string? Department);

/// <summary>Data of <c>itinventory.device.offline</c> and <c>.online</c>.</summary>
public sealed record DeviceStatusData(string AssetId, DateTimeOffset? LastSeen, string? Department);

/// <summary>Data of <c>itinventory.finding.opened</c> and <c>.resolved</c>: the finding, its subject, and its status
/// after the transition (Open; Resolved, AutoResolved or Dismissed); the scan run that decided it, if any.</summary>
public sealed record FindingEventData(
    string FindingId,
    string Kind,
    string SubjectId,
    string? Department,
    string Status,
    string? RunId
);

/// <summary>Data of <c>itinventory.licence.compliance-changed</c>: the product's compliance status after the scan
/// and before it (null: never scanned), with the figures behind it.</summary>
public sealed record LicenceComplianceData(
    string ProductId,
    string Name,
    string Metric,
    string Status,
    string? PreviousStatus,
    int Installations,
    int? PurchasedSeats,
    int Shortfall
);
