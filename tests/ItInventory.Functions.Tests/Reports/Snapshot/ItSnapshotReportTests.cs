using System.Globalization;
using System.Text;
using ClosedXML.Excel;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Reports.Snapshot;

namespace ItInventory.Functions.Tests.Reports.Snapshot;

/// <summary>The weekly IT snapshot built from assets and findings as they stood (pure), and its formats
/// agreeing.</summary>
public sealed class ItSnapshotReportTests
{
    private static readonly DateTimeOffset WeekEnd = new(2026, 11, 9, 0, 0, 0, TimeSpan.Zero);

    private static KpiSnapshot Kpi(string day, string? department, double accuracy, int offline) =>
        new(
            day,
            department,
            WeekEnd,
            "timer",
            true,
            accuracy,
            null,
            null,
            null,
            null,
            null,
            0.5,
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            null,
            0,
            10,
            null,
            null,
            offline,
            0,
            3,
            null
        );

    /// <summary>ISO week 2026-W45 (2 to 8 November): Finance has a laptop offline for 20 days and a device enrolled
    /// on Wednesday awaiting review; HR a retired monitor missing for 100 days; a LAN sighting; KPIs of the week,
    /// the week before and the month before.</summary>
    public static ItSnapshotReport Sample(ItSnapshotTotals? previous = null)
    {
        var builder = new ItSnapshotBuilder("2026-W45");
        builder.AddFinding(
            new(FindingKinds.Offline, FindingSubjects.Asset, "a1", "Finance", "offline", WeekEnd.AddDays(-20))
        );
        builder.AddFinding(
            new(FindingKinds.Missing, FindingSubjects.Asset, "a3", "HR", "missing", WeekEnd.AddDays(-100))
        );
        builder.AddFinding(
            new(
                FindingKinds.UnregisteredDevice,
                FindingSubjects.Sighting,
                "mac-0a",
                null,
                "Unknown MAC 0a:00:00:00:00:01",
                WeekEnd.AddDays(-2)
            )
        );
        builder.AddFinding(
            new(FindingKinds.OwnershipGap, FindingSubjects.Asset, "a1", "Finance", "no owner", WeekEnd.AddDays(-3))
        );
        builder.Add(new("a1", "T-1", "Laptop 1", "Hardware", nameof(LifecycleState.Deployed), "Finance", null));
        builder.Add(
            new("a2", null, "pc-042", "Hardware", nameof(LifecycleState.Discovered), "Finance", WeekEnd.AddDays(-5))
        );
        builder.Add(new("a3", "T-3", "Monitor", "Hardware", nameof(LifecycleState.Retired), "HR", null));
        builder.Add(new("a4", "T-4", "Office", "Software", nameof(LifecycleState.Deployed), "HR", null));
        builder.AddKpis(
            null,
            [Kpi("2026-10-08", null, 0.8, 4), Kpi("2026-11-01", null, 0.85, 2), Kpi("2026-11-08", null, 0.9, 1)]
        );
        builder.AddKpis("Finance", [Kpi("2026-11-07", "Finance", 0.95, 1)]);
        return builder.Build(new DateTimeOffset(2026, 11, 9, 5, 30, 0, TimeSpan.Zero), previous, ["note"]);
    }

    [Fact]
    public void Iso_weeks_parse_and_the_timer_takes_the_week_that_ended_last()
    {
        Assert.True(IsoWeeks.TryParse("2026-W45", out var monday));
        Assert.Equal(new DateOnly(2026, 11, 2), monday);
        Assert.True(IsoWeeks.TryParse("2026-W53", out _));
        Assert.False(IsoWeeks.TryParse("2025-W53", out _));
        Assert.False(IsoWeeks.TryParse("2026-45", out _));
        Assert.Equal("2026-W45", IsoWeeks.Previous(new DateTimeOffset(2026, 11, 9, 5, 30, 0, TimeSpan.Zero)));
        Assert.Equal("2026-W45", IsoWeeks.Previous(new DateTimeOffset(2026, 11, 15, 23, 0, 0, TimeSpan.Zero)));
        Assert.Equal("2026-W53", IsoWeeks.Of(new DateOnly(2027, 1, 3)));
    }

    [Fact]
    public void A_finding_counts_as_open_at_the_week_end_from_its_history()
    {
        var raised = WeekEnd.AddDays(-10);
        FindingHistoryEntry Entry(int day, FindingStatus status) => new(WeekEnd.AddDays(day), "x", status, "scan:r");
        // Opened, auto-resolved, reopened before the end: open since the reopening.
        Assert.Equal(
            WeekEnd.AddDays(-4),
            ItSnapshotBuilder.OpenSince(
                raised,
                [
                    Entry(-10, FindingStatus.Open),
                    Entry(-6, FindingStatus.AutoResolved),
                    Entry(-4, FindingStatus.Open),
                    Entry(-3, FindingStatus.Acknowledged),
                    Entry(2, FindingStatus.Resolved),
                ],
                WeekEnd
            )
        );
        // Resolved before the end, reopened after it: closed at the end.
        Assert.Null(
            ItSnapshotBuilder.OpenSince(
                raised,
                [Entry(-10, FindingStatus.Open), Entry(-1, FindingStatus.Resolved), Entry(1, FindingStatus.Open)],
                WeekEnd
            )
        );
        // Raised after the end: not open then.
        Assert.Null(ItSnapshotBuilder.OpenSince(WeekEnd, [Entry(0, FindingStatus.Open)], WeekEnd));
    }

    [Fact]
    public void The_week_lists_inventory_attention_new_devices_findings_by_age_and_kpi_trends()
    {
        var report = Sample();

        Assert.Equal(4, report.Totals.Assets);
        Assert.Equal(2, report.Inventory.Where(i => i.Department == "Finance").Sum(i => i.Count));
        Assert.Equal(1, report.Inventory.Single(i => i.Kind == "Software").Count);
        var offline = Assert.Single(report.Attention, a => a.Condition == FindingKinds.Offline);
        Assert.Equal(("Finance", "T-1", 20), (offline.Department, offline.Tag, offline.DaysOpen));
        var missing = Assert.Single(report.Attention, a => a.Condition == FindingKinds.Missing);
        Assert.Equal(
            ("HR", nameof(LifecycleState.Retired), 100),
            (missing.Department, missing.State, missing.DaysOpen)
        );
        var enrolled = Assert.Single(report.NewDevices, d => d.Event == ItSnapshotBuilder.Enrolled);
        Assert.Equal(("a2", true), (enrolled.Subject, enrolled.AwaitingReview));
        Assert.Equal(
            ItSnapshotBuilder.NoDepartment,
            Assert.Single(report.NewDevices, d => d.Event == ItSnapshotBuilder.Sighting).Department
        );
        var finance = Assert.Single(report.Findings, f => f.Department == "Finance" && f.Kind == "offline");
        Assert.Equal((0, 1, 0, 0), (finance.UnderWeek, finance.UnderMonth, finance.UnderQuarter, finance.Older));
        Assert.Equal(1, Assert.Single(report.Findings, f => f.Kind == "missing").Older);
        Assert.Equal((4, 1), (report.Totals.OpenFindings, report.Totals.FindingsOverMonth));

        var accuracy = report.Kpis.Single(k => k.Scope == "all" && k.Kpi == KpiNames.InventoryAccuracyRate);
        Assert.Equal(
            ("2026-11-08", 0.9, 0.85, 0.8),
            (accuracy.Day, accuracy.Latest, accuracy.WeekBefore, accuracy.MonthBefore)
        );
        Assert.Equal((0.05, 0.1), (accuracy.WeekChange, accuracy.MonthChange));
        var financeKpi = report.Kpis.Single(k => k.Scope == "Finance" && k.Kpi == KpiNames.InventoryAccuracyRate);
        Assert.Equal((0.95, (double?)null), (financeKpi.Latest, financeKpi.WeekBefore));
        Assert.Equal(ItSnapshotBuilder.TrendWeeks, report.KpiWeeks.Count(k => k.Scope == "all" && k.Kpi == "offline"));
    }

    [Fact]
    public void A_leads_cut_holds_only_their_departments_rows_and_kpis()
    {
        var cut = ItSnapshots.Cut(Sample(), ["Finance"], Sample());

        Assert.All(cut.Inventory, i => Assert.Equal("Finance", i.Department));
        Assert.DoesNotContain(cut.NewDevices, d => d.Event == ItSnapshotBuilder.Sighting);
        Assert.All(cut.Kpis, k => Assert.Equal("Finance", k.Scope));
        Assert.Equal(
            (2, 1, 0, 2),
            (cut.Totals.Assets, cut.Totals.Offline, cut.Totals.Missing, cut.Totals.OpenFindings)
        );
        Assert.Equal(2, cut.Previous!.Assets);
    }

    [Fact]
    public void The_xlsx_csv_and_html_show_the_same_figures()
    {
        var report = Sample(new ItSnapshotTotals { Assets = 3, OpenFindings = 6 });
        var files = ItSnapshotService.Render(report);

        using var workbook = new XLWorkbook(new MemoryStream(files.Single(f => f.Name == "summary.xlsx").Content));
        var summary = workbook.Worksheet("Summary");
        var assets = summary.RowsUsed().Single(r => r.Cell(1).GetString() == "Assets");
        Assert.Equal(
            (4, 3, 1),
            (assets.Cell(2).GetValue<int>(), assets.Cell(3).GetValue<int>(), assets.Cell(4).GetValue<int>())
        );
        var findings = workbook.Worksheet("findings");
        Assert.Equal(1, findings.SheetView.SplitRow);
        var total = findings.RowsUsed().Single(r => r.Cell(1).GetString() == "Total");
        Assert.Equal(report.Totals.OpenFindings, total.Cell(7).GetValue<int>());
        var inventory = workbook.Worksheet("inventory");
        Assert.Equal(
            report.Totals.Assets,
            inventory.RowsUsed().Single(r => r.Cell(1).GetString() == "Total").Cell(4).GetValue<int>()
        );
        var kpis = workbook.Worksheet("kpis");
        Assert.Equal(
            0.9,
            kpis.RowsUsed()
                .Single(r => r.Cell(1).GetString() == "all" && r.Cell(2).GetString() == KpiNames.InventoryAccuracyRate)
                .Cell(4)
                .GetValue<double>()
        );

        int CsvSum(string file, int column) =>
            Encoding
                .UTF8.GetString(files.Single(f => f.Name == file).Content)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1)
                .Sum(line => int.Parse(line.Split(',')[column], CultureInfo.InvariantCulture));
        Assert.Equal(report.Totals.Assets, CsvSum("inventory.csv", 3));
        Assert.Equal(report.Totals.OpenFindings, CsvSum("findings.csv", 6));
        var attention = Encoding.UTF8.GetString(files.Single(f => f.Name == "attention.csv").Content);
        Assert.Equal(
            report.Totals.Offline + report.Totals.Missing,
            attention.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1
        );

        var html = Encoding.UTF8.GetString(files.Single(f => f.Name == "summary.html").Content);
        Assert.Contains($"<td>Assets</td><td class=\"n\" data-value=\"{report.Totals.Assets}\">", html);
        Assert.Contains($"<td>Open findings</td><td class=\"n\" data-value=\"{report.Totals.OpenFindings}\">", html);
        Assert.Contains("data:image/png;base64,", html);
        Assert.DoesNotContain("http", html);
    }
}
