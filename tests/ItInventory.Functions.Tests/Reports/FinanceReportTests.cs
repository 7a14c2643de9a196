using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Reports;

namespace ItInventory.Functions.Tests.Reports;

/// <summary>The finance summary built from assets as they stood (pure), and its formats agreeing.</summary>
public sealed class FinanceReportTests
{
    private static readonly RateTable Rates = new("EUR", [new("USD", new DateOnly(2026, 1, 1), 0.5m, "EUR")]);

    private static AssetAsOf Asset(
        string id,
        string department,
        string state,
        decimal? cost,
        string currency = "EUR",
        string? purchased = "2026-01-10",
        string? costCentre = null,
        string? warrantyEnd = null
    ) =>
        new()
        {
            Id = id,
            Tag = "T-" + id,
            Name = "Asset " + id,
            Category = "laptops",
            State = state,
            Department = department,
            Financials = new AssetFinancials
            {
                PurchaseDate = purchased is null ? null : DateOnly.Parse(purchased, CultureInfo.InvariantCulture),
                PurchaseCost = cost,
                Currency = currency,
                CostCentre = costCentre,
                WarrantyEnd = warrantyEnd is null ? null : DateOnly.Parse(warrantyEnd, CultureInfo.InvariantCulture),
            },
        };

    /// <summary>October 2026: Finance holds two laptops (one idle, one charged to CC-7), HR one bought in October and
    /// one in GBP (no rate), a disposed one and a retirement in the month; a licence.</summary>
    public static FinanceReport Sample(FinanceTotals? previous = null)
    {
        var builder = new FinanceReportBuilder("2026-10", Rates, new Dictionary<string, int> { ["laptops"] = 36 });
        builder.Add(Asset("a1", "Finance", nameof(LifecycleState.Deployed), 3600m), []);
        builder.Add(Asset("a2", "Finance", nameof(LifecycleState.Idle), 1800m, "USD", costCentre: "CC-7"), []);
        builder.Add(
            Asset(
                "a3",
                "HR",
                nameof(LifecycleState.InStock),
                1200m,
                purchased: "2026-10-05",
                warrantyEnd: "2026-12-31"
            ),
            []
        );
        builder.Add(Asset("a4", "HR", nameof(LifecycleState.Deployed), 999m, "GBP"), []);
        builder.Add(
            Asset("a5", "HR", nameof(LifecycleState.Disposed), 720m),
            [new StateEvent(new DateOnly(2026, 10, 20), nameof(LifecycleState.Disposed))]
        );
        builder.AddLicence(new LicenceLine("Office", "Contoso", "PerUser", 10, 7, 3, 1200m, 360m));
        builder.AddRenewal(new RenewalLine("Office", "E-1", "Subscription", new DateOnly(2026, 12, 1), 10, 1200m));
        return builder.Build(
            new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero),
            previous,
            [new TrendPoint("2026-09", 800m)],
            ["note"]
        );
    }

    [Fact]
    public void Holdings_are_valued_at_the_period_end_by_department_cost_centre_and_category()
    {
        var report = Sample();

        // a1: 3600 over 36 months from January: 10 months charged by 31 October → 2600; 100 this month.
        var a1 = Assert.Single(report.Holdings, h => h.Department == "Finance" && h.CostCentre == "Finance");
        Assert.Equal((1, 3600m, 2600m, 100m), (a1.Count, a1.Cost, a1.BookValue, a1.Depreciation));
        // a2 in USD at 0.5, charged to its own cost centre.
        var a2 = Assert.Single(report.Holdings, h => h.CostCentre == "CC-7");
        Assert.Equal((900m, 650m, 25m), (a2.Cost, a2.BookValue, a2.Depreciation));
        // a3 bought in October: its first month is charged.
        var a3 = Assert.Single(report.Holdings, h => h.Department == "HR");
        Assert.Equal((1200m, 1166.67m, 33.33m), (a3.Cost, a3.BookValue, a3.Depreciation));
        Assert.Equal(3, report.Totals.Assets);
    }

    [Fact]
    public void An_asset_in_a_currency_without_a_rate_is_reported_apart_and_in_no_total()
    {
        var report = Sample();

        var apart = Assert.Single(report.Unconverted);
        Assert.Equal(("HR", "GBP", 1, 999m), (apart.Department, apart.Currency, apart.Count, apart.Cost));
        Assert.Equal(3600m + 900m + 1200m, report.Totals.Cost);
        Assert.Equal(1, report.Totals.Unconverted);
    }

    [Fact]
    public void The_months_purchases_disposals_idle_assets_and_warranty_ends_are_listed()
    {
        var report = Sample();

        Assert.Equal("a3", Assert.Single(report.Purchases).AssetId);
        var disposed = Assert.Single(report.Retirements);
        Assert.Equal(("a5", "Disposed", new DateOnly(2026, 10, 20)), (disposed.AssetId, disposed.Event, disposed.Date));
        Assert.Equal(("a2", 650m), (Assert.Single(report.Idle).AssetId, report.Totals.IdleBookValue));
        Assert.Equal("a3", Assert.Single(report.WarrantyExpiries).AssetId);
        Assert.Equal([800m, 650m], report.IdleTrend.Select(p => p.Value).ToArray());
    }

    [Fact]
    public void A_leads_cut_holds_only_their_departments_and_no_licences()
    {
        var report = Sample();

        var cut = FinanceReports.Cut(report, ["HR"], Sample());

        Assert.All(cut.Holdings, h => Assert.Equal("HR", h.Department));
        Assert.Empty(cut.Licences);
        Assert.Equal((1, 1200m), (cut.Totals.Assets, cut.Totals.Cost));
        Assert.Equal(1200m, cut.Previous!.Cost);
    }

    [Fact]
    public void Changes_after_the_period_end_are_undone_and_assets_created_after_it_are_left_out()
    {
        var now = Asset("x", "Sales", nameof(LifecycleState.Retired), 500m);
        var end = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var was = AssetFinancials.Serialize(now.Financials! with { PurchaseCost = 400m });
        AssetAuditChange[] history =
        [
            new(end.AddDays(-3), "transition", [new("State", "InStock", "Deployed")]),
            new(end.AddDays(2), "update", [new("Department", "Finance", "Sales"), new("Financials", was, "{}")]),
            new(end.AddDays(5), "transition", [new("State", "Deployed", "Retired")]),
        ];

        var asOf = AssetRewind.AsOf(now, history, end)!;

        Assert.Equal(
            ("Finance", nameof(LifecycleState.Deployed), 400m),
            (asOf.Department, asOf.State, asOf.Financials!.PurchaseCost)
        );
        Assert.Equal("Deployed", Assert.Single(AssetRewind.StateEvents(history, end.AddMonths(-1), end)).State);
        Assert.Null(AssetRewind.AsOf(now, [new(end.AddHours(1), "create", [])], end));
    }

    [Fact]
    public void The_xlsx_csv_and_html_show_the_same_figures()
    {
        var report = Sample(new FinanceTotals { Cost = 1000m, Assets = 1 });
        var (files, charts) = FinanceReportService.Render(report);

        using var workbook = new XLWorkbook(new MemoryStream(files.Single(f => f.Name == "summary.xlsx").Content));
        var summary = workbook.Worksheet("Summary");
        var bookRow = summary.RowsUsed().Single(r => r.Cell(1).GetString() == "Book value");
        Assert.Equal(report.Totals.BookValue, bookRow.Cell(2).GetValue<decimal>());
        var costRow = summary.RowsUsed().Single(r => r.Cell(1).GetString() == "Cost");
        Assert.Equal(report.Totals.Cost - 1000m, costRow.Cell(4).GetValue<decimal>());
        var holdings = workbook.Worksheet("holdings");
        Assert.Equal(1, holdings.SheetView.SplitRow);
        var total = holdings.RowsUsed().Single(r => r.Cell(1).GetString() == "Total");
        var rows = holdings.RowsUsed().Skip(1).Where(r => r.Cell(1).GetString() != "Total").ToList();
        Assert.Equal(rows.Sum(r => r.Cell(6).GetValue<decimal>()), total.Cell(6).GetValue<decimal>());
        Assert.Equal(report.Totals.BookValue, total.Cell(6).GetValue<decimal>());
        Assert.Contains("EUR", holdings.Cell(2, 6).Style.NumberFormat.Format);

        var csv = Encoding.UTF8.GetString(files.Single(f => f.Name == "holdings.csv").Content);
        var csvBook = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Sum(line => decimal.Parse(line.Split(',')[5], CultureInfo.InvariantCulture));
        Assert.Equal(report.Totals.BookValue, csvBook);

        var html = Encoding.UTF8.GetString(files.Single(f => f.Name == "summary.html").Content);
        Assert.Contains(
            "<td>Book value</td><td class=\"n\" data-value=\""
                + $"{report.Totals.BookValue.ToString(CultureInfo.InvariantCulture)}\">",
            html
        );
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("http", html);
        Assert.All(charts.Values, png => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]));
    }
}
