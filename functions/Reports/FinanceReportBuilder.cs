using ItInventory.Functions.Assets;
using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Reports;

/// <summary>A state change of an asset within the period (from the audit trail).</summary>
public sealed record StateEvent(DateOnly Date, string State);

/// <summary>
/// Builds the monthly finance summary one asset at a time (pure; the assets stream in, only the aggregates and the
/// month's lists are held). Values are at the period end: book value and the month's depreciation from
/// <see cref="Depreciation"/>, converted at the rate in force on the last day; an asset whose currency has no rate goes
/// to <see cref="FinanceReport.Unconverted"/> in its own currency and into no sum.
/// </summary>
public sealed class FinanceReportBuilder(string period, RateTable rates, IReadOnlyDictionary<string, int> categoryLives)
{
    public const string NoCategory = "(none)";
    public const string NoDepartment = "(none)";
    public const int LookAheadDays = 90;

    /// <summary>States in which an asset is not (or no longer, or not yet) held: not valued.</summary>
    private static readonly HashSet<string> NotHeld =
    [
        nameof(LifecycleState.Disposed),
        nameof(LifecycleState.Rejected),
        nameof(LifecycleState.Discovered),
    ];

    private readonly Dictionary<
        (string, string, string),
        (int Count, decimal Cost, decimal Book, decimal Dep)
    > holdings = [];
    private readonly Dictionary<(string, string, string), (int Count, decimal Cost, decimal Book)> unconverted = [];
    private readonly List<AssetLine> purchases = [];
    private readonly List<AssetLine> retirements = [];
    private readonly List<AssetLine> idle = [];
    private readonly List<AssetLine> warranty = [];
    private readonly List<LicenceLine> licences = [];
    private readonly List<RenewalLine> renewals = [];

    public DateOnly Start { get; } = PeriodStart(period);
    public DateOnly End => Depreciation.EndOfMonth(Start);

    public static DateOnly PeriodStart(string period) =>
        DateOnly.ParseExact(period + "-01", "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds one asset as it stood at the period end, with its state changes within the period.</summary>
    public void Add(AssetAsOf asset, IReadOnlyList<StateEvent> events)
    {
        var department = string.IsNullOrEmpty(asset.Department) ? NoDepartment : asset.Department;
        var f = asset.Financials;
        var costCentre = string.IsNullOrEmpty(f?.CostCentre) ? department : f.CostCentre;
        var category = string.IsNullOrEmpty(asset.Category) ? NoCategory : asset.Category;
        var schedule = Depreciation.Of(
            f,
            asset.Category is { } c && categoryLives.TryGetValue(c, out var life) ? life : null
        );
        decimal BookAt(DateOnly day) =>
            schedule?.BookValueAt(day) ?? (f?.PurchaseDate is { } bought && bought > day ? 0m : f?.PurchaseCost ?? 0m);
        var bought = f?.PurchaseDate is not { } date || date <= End;
        var cost = bought ? f?.PurchaseCost ?? 0m : 0m;
        var book = BookAt(End);
        var dep = schedule?.InMonth(End) ?? 0m;
        var rate = rates.RateOn(f?.Currency, End);
        decimal Convert(decimal amount) => decimal.Round(amount * (rate ?? 0m), 2, MidpointRounding.ToEven);
        AssetLine Line(string what, DateOnly? day, decimal amount) =>
            new(department, costCentre, asset.Id, asset.Tag ?? "", asset.Name ?? "", category, what, day, amount);

        foreach (var e in events)
        {
            if (e.State is nameof(LifecycleState.Retired) or nameof(LifecycleState.Disposed))
                retirements.Add(Line(e.State, e.Date, rate is null ? 0m : Convert(BookAt(e.Date))));
        }
        if (NotHeld.Contains(asset.State))
            return;
        if (rate is null && (cost != 0m || book != 0m))
        {
            var key = (department, costCentre, f!.Currency ?? "?");
            var was = unconverted.GetValueOrDefault(key);
            unconverted[key] = (was.Count + 1, was.Cost + cost, was.Book + book);
            return;
        }
        var h = (department, costCentre, category);
        var had = holdings.GetValueOrDefault(h);
        holdings[h] = (had.Count + 1, had.Cost + Convert(cost), had.Book + Convert(book), had.Dep + Convert(dep));
        if (f?.PurchaseDate is { } purchased && purchased >= Start && purchased <= End)
            purchases.Add(Line("Purchase", purchased, Convert(cost)));
        if (asset.State == nameof(LifecycleState.Idle))
            idle.Add(Line("Idle", null, Convert(book)));
        if (f?.WarrantyEnd is { } warrantyEnd && warrantyEnd > End && warrantyEnd <= End.AddDays(LookAheadDays))
            warranty.Add(Line("Warranty ends", warrantyEnd, Convert(book)));
    }

    public void AddLicence(LicenceLine line) => licences.Add(line);

    public void AddRenewal(RenewalLine line) => renewals.Add(line);

    public FinanceReport Build(
        DateTimeOffset generatedAt,
        FinanceTotals? previous,
        IReadOnlyList<TrendPoint> earlierIdle,
        IReadOnlyList<string> notes
    )
    {
        var report = new FinanceReport
        {
            Period = period,
            ReportingCurrency = rates.ReportingCurrency,
            PeriodStart = Start,
            PeriodEnd = End,
            GeneratedAt = generatedAt,
            Holdings =
            [
                .. holdings
                    .OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal)
                    .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
                    .ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal)
                    .Select(kv => new HoldingRow(
                        kv.Key.Item1,
                        kv.Key.Item2,
                        kv.Key.Item3,
                        kv.Value.Count,
                        kv.Value.Cost,
                        kv.Value.Book,
                        kv.Value.Dep
                    )),
            ],
            Unconverted =
            [
                .. unconverted
                    .OrderBy(kv => kv.Key, Comparer<(string, string, string)>.Create(CompareKeys))
                    .Select(kv => new UnconvertedRow(
                        kv.Key.Item1,
                        kv.Key.Item2,
                        kv.Key.Item3,
                        kv.Value.Count,
                        kv.Value.Cost,
                        kv.Value.Book
                    )),
            ],
            Purchases = Sorted(purchases),
            Retirements = Sorted(retirements),
            Idle = Sorted(idle),
            WarrantyExpiries = Sorted(warranty),
            Licences = [.. licences.OrderBy(l => l.Product, StringComparer.Ordinal)],
            Renewals = [.. renewals.OrderBy(r => r.Date).ThenBy(r => r.Product, StringComparer.Ordinal)],
            Totals = new FinanceTotals(),
            Previous = previous,
            Notes = notes,
        };
        report = report with { Totals = FinanceReports.TotalsOf(report) };
        return report with { IdleTrend = [.. earlierIdle, new TrendPoint(period, report.Totals.IdleBookValue)] };
    }

    private static int CompareKeys((string, string, string) a, (string, string, string) b) =>
        string.CompareOrdinal(
            a.Item1 + "\u0001" + a.Item2 + "\u0001" + a.Item3,
            b.Item1 + "\u0001" + b.Item2 + "\u0001" + b.Item3
        );

    private static List<AssetLine> Sorted(List<AssetLine> lines) =>
        [
            .. lines
                .OrderBy(l => l.Department, StringComparer.Ordinal)
                .ThenBy(l => l.Date)
                .ThenBy(l => l.AssetId, StringComparer.Ordinal),
        ];
}

/// <summary>Totals and departmental cuts of a finance report (pure).</summary>
public static class FinanceReports
{
    /// <summary>The headline figures, summed from the tables (so every format's totals are these).</summary>
    public static FinanceTotals TotalsOf(FinanceReport r) =>
        new()
        {
            Assets = r.Holdings.Sum(h => h.Count),
            Cost = r.Holdings.Sum(h => h.Cost),
            BookValue = r.Holdings.Sum(h => h.BookValue),
            Depreciation = r.Holdings.Sum(h => h.Depreciation),
            Purchases = r.Purchases.Count,
            PurchaseCost = r.Purchases.Sum(p => p.Amount),
            Retirements = r.Retirements.Count,
            IdleAssets = r.Idle.Count,
            IdleBookValue = r.Idle.Sum(i => i.Amount),
            LicenceSpend = r.Licences.Sum(l => l.Spend),
            UnusedSeats = r.Licences.Sum(l => l.Unused),
            AnnualSaving = r.Licences.Sum(l => l.AnnualSaving),
            Renewals = r.Renewals.Count,
            WarrantyExpiries = r.WarrantyExpiries.Count,
            Unconverted = r.Unconverted.Sum(u => u.Count),
        };

    /// <summary>A department lead's cut: only rows of their departments; licences and renewals are held by the
    /// organisation, not a department, so a cut has none.</summary>
    public static FinanceReport Cut(FinanceReport r, IReadOnlyCollection<string> departments, FinanceReport? previous)
    {
        bool Mine(string department) => departments.Contains(department);
        var cut = r with
        {
            Departments = [.. departments.Order(StringComparer.Ordinal)],
            Holdings = [.. r.Holdings.Where(h => Mine(h.Department))],
            Purchases = [.. r.Purchases.Where(l => Mine(l.Department))],
            Retirements = [.. r.Retirements.Where(l => Mine(l.Department))],
            Idle = [.. r.Idle.Where(l => Mine(l.Department))],
            WarrantyExpiries = [.. r.WarrantyExpiries.Where(l => Mine(l.Department))],
            Unconverted = [.. r.Unconverted.Where(u => Mine(u.Department))],
            Licences = [],
            Renewals = [],
            IdleTrend = [],
        };
        cut = cut with
        {
            Totals = TotalsOf(cut),
            Previous = previous is null ? null : TotalsOf(Cut(previous, departments, null)),
        };
        return cut with { IdleTrend = [new TrendPoint(r.Period, cut.Totals.IdleBookValue)] };
    }
}
