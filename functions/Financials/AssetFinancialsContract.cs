namespace ItInventory.Functions.Financials;

/// <summary>
/// What an asset cost and how it is written off: the <c>financials</c> object of an asset (create, PATCH, GET) and
/// the JSON stored in the asset's detail and summary rows (property <c>Financials</c>, one string so a change replaces
/// it whole and a merge can clear it). Amounts are in <see cref="Currency"/> (ISO 4217); the cost centre defaults to
/// the asset's department and the useful life to its category's (taxonomy), both resolved when reported.
/// </summary>
public sealed partial record AssetFinancials
{
    public DateOnly? PurchaseDate { get; init; }
    public decimal? PurchaseCost { get; init; }

    /// <summary>ISO 4217 code of <see cref="PurchaseCost"/> and <see cref="ResidualValue"/> (e.g.
    /// <c>EUR</c>).</summary>
    public string? Currency { get; init; }
    public string? Supplier { get; init; }

    /// <summary>The purchase order or invoice reference.</summary>
    public string? OrderReference { get; init; }
    public DateOnly? WarrantyEnd { get; init; }

    /// <summary>Cost centre the asset is charged to; empty: the asset's department.</summary>
    public string? CostCentre { get; init; }

    /// <summary>Months over which the asset is depreciated; empty: its category's default.</summary>
    public int? UsefulLifeMonths { get; init; }

    /// <summary>What the asset is still worth at the end of its useful life (default 0).</summary>
    public decimal? ResidualValue { get; init; }

    public bool IsEmpty => this == Empty;

    public static AssetFinancials Empty { get; } = new();
}
