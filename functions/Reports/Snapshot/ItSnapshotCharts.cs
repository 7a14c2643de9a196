using ItInventory.Functions.Kpis;
using ScottPlot;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>
/// The IT snapshot's PNG charts (ScottPlot, DejaVu Sans shipped in Reports/Fonts): the weekly trend of the rate KPIs
/// (in %) of the report's scope — the whole inventory, or a lead's first department.
/// </summary>
public static class ItSnapshotCharts
{
    public const string KpiTrend = "kpi-trend";

    private static readonly string[] Rates =
    [
        KpiNames.InventoryAccuracyRate,
        KpiNames.AutomatedAccuracyRate,
        KpiNames.UtilisationRate,
        KpiNames.LicenceComplianceRate,
    ];

    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.Orange, Colors.SeaGreen, Colors.Crimson];

    private static readonly Lazy<bool> FontLoaded = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reports", "Fonts", "DejaVuSans.ttf");
        if (!File.Exists(path))
            return false;
        Fonts.AddFontFile(ReportCharts.FontName, path);
        return true;
    });

    public static string Title(string id) => id == KpiTrend ? "KPI trend by week (rates in %)" : id;

    public static IReadOnlyDictionary<string, byte[]> Of(ItSnapshotReport report)
    {
        var scope = report.Departments is null
            ? ItSnapshotBuilder.AllScope
            : report.Departments.FirstOrDefault(d => report.KpiWeeks.Any(k => k.Scope == d)) ?? "";
        var weeks = report
            .KpiWeeks.Where(k => k.Scope == scope)
            .Select(k => k.Week)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var plot = new Plot();
        if (FontLoaded.Value)
            plot.Font.Set(ReportCharts.FontName);
        plot.Title($"{Title(KpiTrend)}: {scope}");
        var xs = Enumerable.Range(0, weeks.Length).Select(i => (double)i).ToArray();
        for (var i = 0; i < Rates.Length; i++)
        {
            var points = report
                .KpiWeeks.Where(k => k.Scope == scope && k.Kpi == Rates[i])
                .ToDictionary(k => k.Week, k => k.Value, StringComparer.Ordinal);
            // A week without the KPI is a gap (NaN), not a zero.
            var ys = weeks.Select(w => points.GetValueOrDefault(w) is { } v ? v * 100 : double.NaN).ToArray();
            var line = plot.Add.Scatter(xs, ys, Palette[i]);
            line.LegendText = Rates[i];
        }
        plot.ShowLegend(Alignment.LowerLeft);
        plot.Axes.SetLimitsY(0, 105);
        if (weeks.Length > 0)
            plot.Axes.Bottom.SetTicks(xs, weeks);
        return new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [KpiTrend] = plot.GetImageBytes(720, 360, ImageFormat.Png),
        };
    }
}
