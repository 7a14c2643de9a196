using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Reports;

/// <summary>An asset as it stood at the end of a period (its summary row, rewound through the audit trail).</summary>
public sealed record AssetAsOf
{
    public required string Id { get; init; }
    public string? Tag { get; init; }
    public string? Name { get; init; }
    public string? Category { get; init; }
    public required string State { get; init; }
    public string? Department { get; init; }
    public AssetFinancials? Financials { get; init; }
}

/// <summary>One row of the holdings table: the assets of a department, cost centre and category.</summary>
public sealed record HoldingRow(
    string Department,
    string CostCentre,
    string Category,
    int Count,
    decimal Cost,
    decimal BookValue,
    decimal Depreciation
);

/// <summary>One asset in a list table (purchases, retirements/disposals, idle assets, warranty expiries).</summary>
public sealed record AssetLine(
    string Department,
    string CostCentre,
    string AssetId,
    string Tag,
    string Name,
    string Category,
    string Event,
    DateOnly? Date,
    decimal Amount
);

/// <summary>Assets whose currency has no rate in force: reported apart, in their own currency, never summed.</summary>
public sealed record UnconvertedRow(
    string Department,
    string CostCentre,
    string Currency,
    int Count,
    decimal Cost,
    decimal BookValue
);

/// <summary>One licence product: seats bought, in use, unused, what they cost and what reclaiming the unused saves a
/// year (subscriptions only).</summary>
public sealed record LicenceLine(
    string Product,
    string Vendor,
    string Metric,
    int Seats,
    int InUse,
    int Unused,
    decimal Spend,
    decimal AnnualSaving
);

/// <summary>An entitlement renewing (or ending) in the 90 days after the period.</summary>
public sealed record RenewalLine(string Product, string Reference, string Type, DateOnly Date, int Seats, decimal Cost);

/// <summary>One point of a monthly trend.</summary>
public sealed record TrendPoint(string Period, decimal Value);

/// <summary>The headline figures (reporting currency); also kept on the index row for next month's change.</summary>
public sealed record FinanceTotals
{
    public int Assets { get; init; }
    public decimal Cost { get; init; }
    public decimal BookValue { get; init; }
    public decimal Depreciation { get; init; }
    public int Purchases { get; init; }
    public decimal PurchaseCost { get; init; }
    public int Retirements { get; init; }
    public int IdleAssets { get; init; }
    public decimal IdleBookValue { get; init; }
    public decimal LicenceSpend { get; init; }
    public int UnusedSeats { get; init; }
    public decimal AnnualSaving { get; init; }
    public int Renewals { get; init; }
    public int WarrantyExpiries { get; init; }
    public int Unconverted { get; init; }
}

/// <summary>The monthly finance summary: every table, the totals and last month's totals.</summary>
public sealed record FinanceReport
{
    public required string Period { get; init; }
    public required string ReportingCurrency { get; init; }
    public required DateOnly PeriodStart { get; init; }
    public required DateOnly PeriodEnd { get; init; }
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>Null: the whole organisation; else the departments of a lead's cut.</summary>
    public IReadOnlyList<string>? Departments { get; init; }
    public required IReadOnlyList<HoldingRow> Holdings { get; init; }
    public required IReadOnlyList<AssetLine> Purchases { get; init; }
    public required IReadOnlyList<AssetLine> Retirements { get; init; }
    public required IReadOnlyList<AssetLine> Idle { get; init; }
    public required IReadOnlyList<AssetLine> WarrantyExpiries { get; init; }
    public required IReadOnlyList<UnconvertedRow> Unconverted { get; init; }
    public required IReadOnlyList<LicenceLine> Licences { get; init; }
    public required IReadOnlyList<RenewalLine> Renewals { get; init; }
    public required FinanceTotals Totals { get; init; }
    public FinanceTotals? Previous { get; init; }

    /// <summary>Idle book value at the end of this and earlier months (oldest first), for the trend chart.</summary>
    public IReadOnlyList<TrendPoint> IdleTrend { get; init; } = [];

    /// <summary>What the report could not reconstruct as of the period end (docs/reports.md).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
