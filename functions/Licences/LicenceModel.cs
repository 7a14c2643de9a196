using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Licences;

/// <summary>What a product's licences count: people (distinct owners of installing assets) or devices (installing
/// assets).</summary>
public enum LicenceMetric
{
    PerUser,
    PerDevice,
}

/// <summary>The kind of an entitlement: perpetual seats, seats for a term (0 seats once ended), or a site licence
/// (unlimited while active).</summary>
public enum EntitlementType
{
    Perpetual,
    Subscription,
    Site,
}

/// <summary>Compliance of a product: installations against purchased seats.</summary>
public enum ComplianceStatus
{
    Compliant,
    UnderLicensed,
    OverLicensed,
}

/// <summary>Who holds a seat.</summary>
public static class SeatHolder
{
    public const string Person = "person";
    public const string Asset = "asset";
}

/// <summary>The product row (table <c>licences</c>, PartitionKey = product id, RowKey = <see
/// cref="TableKeys.LicenceProductRow"/>).</summary>
public sealed class LicenceProductEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.LicenceProductRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ProductId => PartitionKey;
    public string Name { get; set; } = "";
    public string? Vendor { get; set; }
    public string Metric { get; set; } = nameof(LicenceMetric.PerUser);
    public string Currency { get; set; } = "EUR";

    /// <summary>The matching rules as JSON (at most <see cref="LicenceValidation.MaxRules"/>).</summary>
    public string RulesJson { get; set; } = "[]";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An entitlement row (RowKey <c>ent|&lt;id&gt;</c>). Money is stored as invariant decimal text (tables have
/// no decimal type).</summary>
public sealed class LicenceEntitlementEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string EntitlementId => RowKey[TableKeys.LicenceEntitlementPrefix.Length..];
    public string Reference { get; set; } = "";
    public string Type { get; set; } = nameof(EntitlementType.Perpetual);
    public int? Seats { get; set; }
    public string? UnitCost { get; set; }

    /// <summary>Dates as <c>yyyy-MM-dd</c>.</summary>
    public string? StartDate { get; set; }
    public string? EndDate { get; set; }
    public string? RenewalDate { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A seat row (RowKey <c>seat|&lt;seat id&gt;</c>).</summary>
public sealed class LicenceSeatEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string SeatId => RowKey[TableKeys.LicenceSeatPrefix.Length..];
    public string AssigneeKind { get; set; } = SeatHolder.Person;
    public string AssigneeId { get; set; } = "";
    public DateTimeOffset AssignedAt { get; set; }
    public string? AssignedBy { get; set; }
}

/// <summary>The number of assigned seats of a product (RowKey <see cref="TableKeys.LicenceSeatCounterRow"/>).</summary>
public sealed class LicenceSeatCounterEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.LicenceSeatCounterRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public int Assigned { get; set; }
}

/// <summary>The installations the last compliance scan counted (RowKey <see
/// cref="TableKeys.LicenceComplianceRow"/>).</summary>
public sealed class LicenceComplianceEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.LicenceComplianceRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset ComputedAt { get; set; }

    /// <summary>Assets (not retired, disposed or rejected) with an installed matching product.</summary>
    public int InstallingAssets { get; set; }

    /// <summary>Distinct owners of those assets, plus each installing asset without an owner.</summary>
    public int InstallingUsers { get; set; }
    public int UnownedInstallingAssets { get; set; }
}

/// <summary>A seat by holder (table <c>licenceseats</c>, PartitionKey = <see cref="TableKeys.LicenceHolderPartition"/>,
/// RowKey = product id).</summary>
public sealed class LicenceHolderEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ProductId => RowKey;
    public string SeatId { get; set; } = "";
    public string ProductName { get; set; } = "";
    public DateTimeOffset AssignedAt { get; set; }
}
