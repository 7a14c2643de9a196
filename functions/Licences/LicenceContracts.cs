using ItInventory.Functions.Common;

namespace ItInventory.Functions.Licences;

// Pure contracts of the licence API (the console links this file); storage rows are in LicenceModel.cs.

/// <summary>A matching rule: case-insensitive wildcards (<c>*</c>, <c>?</c>) on the software name and publisher,
/// optional version prefix.</summary>
public sealed record LicenceRule(string Name, string? Publisher = null, string? VersionPrefix = null);

/// <summary>Body of <c>POST /api/licences</c>.</summary>
public sealed record CreateLicenceProductRequest
{
    public string? Name { get; init; }
    public string? Vendor { get; init; }

    /// <summary>PerUser or PerDevice.</summary>
    public string? Metric { get; init; }

    /// <summary>ISO 4217 code of entitlement costs (default EUR).</summary>
    public string? Currency { get; init; }
    public IReadOnlyList<LicenceRule>? Rules { get; init; }
}

/// <summary>Body of <c>PATCH /api/licences/{productId}</c>: absent fields stay; <c>rules</c> replaces all rules;
/// <c>vendor: ""</c> clears.</summary>
public sealed record LicenceProductPatch
{
    public string? Name { get; init; }
    public string? Vendor { get; init; }
    public string? Currency { get; init; }
    public IReadOnlyList<LicenceRule>? Rules { get; init; }
}

/// <summary>Body of <c>POST /api/licences/{productId}/entitlements</c>.</summary>
public sealed record CreateEntitlementRequest
{
    /// <summary>Purchase order / contract number: unique within the product.</summary>
    public string? Reference { get; init; }

    /// <summary>Perpetual, Subscription or Site.</summary>
    public string? Type { get; init; }
    public int? Seats { get; init; }
    public decimal? UnitCost { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public DateOnly? RenewalDate { get; init; }
}

/// <summary>Body of <c>PATCH /api/licences/{productId}/entitlements/{entitlementId}</c>: absent fields stay (the
/// reference is the entitlement's identity and does not change); changing <c>type</c> to Site drops the seat
/// count.</summary>
public sealed record EntitlementPatch
{
    public string? Type { get; init; }
    public int? Seats { get; init; }
    public decimal? UnitCost { get; init; }
    public DateOnly? StartDate { get; init; }
    public DateOnly? EndDate { get; init; }
    public DateOnly? RenewalDate { get; init; }
}

/// <summary>Body of <c>POST /api/licences/{productId}/seats</c>: exactly one of <c>person</c> (Entra object id) and
/// <c>assetId</c>.</summary>
public sealed record AssignSeatRequest
{
    public string? Person { get; init; }
    public string? AssetId { get; init; }
}

/// <summary>An entitlement; <c>etag</c> is what <c>If-Match</c> of its PATCH/DELETE needs.</summary>
public sealed record EntitlementView(
    string EntitlementId,
    string Reference,
    string Type,
    int? Seats,
    decimal? UnitCost,
    DateOnly? StartDate,
    DateOnly? EndDate,
    DateOnly? RenewalDate,
    bool Active,
    [property: System.Text.Json.Serialization.JsonPropertyName("etag")] string ETag
);

public sealed record LicenceProductView(
    string ProductId,
    string Name,
    string? Vendor,
    string Metric,
    string Currency,
    IReadOnlyList<LicenceRule> Rules,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    int AssignedSeats,
    IReadOnlyList<EntitlementView> Entitlements
);

public sealed record LicenceProductPage(IReadOnlyList<LicenceProductView> Items, string? ContinuationToken);

public sealed record LicenceSeatView(
    string SeatId,
    string AssigneeKind,
    string AssigneeId,
    DateTimeOffset AssignedAt,
    string? AssignedBy
);

public sealed record LicenceSeatPage(IReadOnlyList<LicenceSeatView> Items, string? ContinuationToken);

/// <summary>Compliance of one product: installations (from the latest scan, <c>computedAt</c>) against the seats of
/// entitlements active today. <c>purchasedSeats</c> is absent for an active site licence (unlimited).</summary>
public sealed record LicenceComplianceView(
    string ProductId,
    string ProductName,
    string Metric,
    string Status,
    int Installations,
    int InstallingAssets,
    int? PurchasedSeats,
    int AssignedSeats,
    int Shortfall,
    int Surplus,
    decimal? SurplusCost,
    string Currency,
    DateTimeOffset? ComputedAt
);

public sealed record LicenceCompliancePage(IReadOnlyList<LicenceComplianceView> Items, string? ContinuationToken);

public sealed record ComplianceRecomputeResult(int Products, long SoftwareRowsScanned, DateTimeOffset ComputedAt);

public sealed record ReclaimedSeat(
    string ProductId,
    string ProductName,
    string SeatId,
    string AssigneeKind,
    string AssigneeId,
    string Reason
);

public sealed record LicenceReclaimResult(
    bool DryRun,
    int GraceDays,
    int SeatsEvaluated,
    IReadOnlyList<ReclaimedSeat> Released
);

public sealed record MyLicenceView(
    string ProductId,
    string ProductName,
    string SeatId,
    string AssigneeKind,
    string AssigneeId,
    DateTimeOffset AssignedAt
);

/// <summary>The answer of <c>GET /api/me/licences</c>: seats held by the caller and by the assets they own.</summary>
public sealed record MyLicences(IReadOnlyList<MyLicenceView> Items);

/// <summary>Products or entitlements an import created, updated or found unchanged.</summary>
public sealed record LicenceImportCounts(int Created, int Updated, int Unchanged);

/// <summary>
/// The answer of <c>POST /api/licences/import</c>: <c>created</c>/<c>updated</c>/<c>unchanged</c> count products and
/// entitlements together (broken down in <c>products</c> and <c>entitlements</c>); <c>rejections</c> lists every row
/// that was not applied, by record number (header = 1), ordered by row.
/// </summary>
public sealed record LicenceImportReport(
    int Created,
    int Updated,
    int Unchanged,
    int Rejected,
    IReadOnlyList<ImportRejection> Rejections,
    LicenceImportCounts Products,
    LicenceImportCounts Entitlements
);
