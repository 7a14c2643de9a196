namespace ItInventory.Functions.Financials;

/// <summary>
/// Straight-line depreciation by whole calendar months (pure). The purchase month is the first month charged; each
/// month is charged at its end. The monthly charge is (cost − residual) / useful life, rounded down to the cent, and
/// the last month takes the remainder, so the charges add up to exactly cost − residual. Amounts are in the asset's
/// own currency.
/// </summary>
public readonly record struct Depreciation(DateOnly PurchaseDate, decimal Cost, decimal Residual, int LifeMonths)
{
    /// <summary>The schedule of an asset's financial record, or null when it cannot be depreciated (no purchase date
    /// or cost, or no useful life of its own nor from its category).</summary>
    public static Depreciation? Of(AssetFinancials? financials, int? categoryLifeMonths)
    {
        if (financials is not { PurchaseDate: { } date, PurchaseCost: { } cost })
            return null;
        var life = financials.UsefulLifeMonths ?? categoryLifeMonths;
        if (life is not > 0)
            return null;
        var residual = Math.Min(financials.ResidualValue ?? 0m, cost);
        return new Depreciation(date, cost, residual, life.Value);
    }

    public decimal Depreciable => Cost - Residual;

    /// <summary>The charge of every month but the last.</summary>
    public decimal Monthly => decimal.Round(Depreciable / LifeMonths, 2, MidpointRounding.ToZero);

    /// <summary>What is charged in the month of <paramref name="month"/> (any day of it).</summary>
    public decimal InMonth(DateOnly month)
    {
        var index = MonthIndex(month);
        if (index < 0 || index >= LifeMonths)
            return 0m;
        return index == LifeMonths - 1 ? Depreciable - Monthly * (LifeMonths - 1) : Monthly;
    }

    /// <summary>Charged from the purchase month up to and including the month of <paramref name="month"/>.</summary>
    public decimal AccumulatedThrough(DateOnly month)
    {
        var months = MonthIndex(month) + 1;
        if (months <= 0)
            return 0m;
        return months >= LifeMonths ? Depreciable : Monthly * months;
    }

    /// <summary>The book value at the end of <paramref name="date"/>: the cost less every month that has ended by
    /// then (0 before the purchase: the asset was not owned).</summary>
    public decimal BookValueAt(DateOnly date)
    {
        if (date < PurchaseDate)
            return 0m;
        var monthEnd = date.AddDays(1).Day == 1;
        return Cost - AccumulatedThrough(monthEnd ? date : date.AddMonths(-1));
    }

    /// <summary>The book value at the end of the month of <paramref name="month"/>.</summary>
    public decimal BookValueAtEndOf(DateOnly month) => BookValueAt(EndOfMonth(month));

    public static DateOnly EndOfMonth(DateOnly day) => new DateOnly(day.Year, day.Month, 1).AddMonths(1).AddDays(-1);

    private int MonthIndex(DateOnly month) => (month.Year - PurchaseDate.Year) * 12 + month.Month - PurchaseDate.Month;
}
