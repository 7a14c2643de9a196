using ScottPlot;

namespace ItInventory.Functions.Reports;

/// <summary>
/// PNG charts of a finance report (ScottPlot). The machines have no system fonts to rely on, so the charts draw with
/// DejaVu Sans shipped beside the app (Reports/Fonts, with its licence).
/// </summary>
public static class ReportCharts
{
    public const string FontName = "DejaVu Sans";
    private static readonly Lazy<bool> FontLoaded = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Reports", "Fonts", "DejaVuSans.ttf");
        if (!File.Exists(path))
            return false;
        Fonts.AddFontFile(FontName, path);
        return true;
    });

    /// <summary>The charts by content id: value by department, idle value trend, licence seats bought vs in
    /// use.</summary>
    public static IReadOnlyDictionary<string, byte[]> Of(FinanceReport report)
    {
        var charts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var departments = report
            .Holdings.GroupBy(h => h.Department, StringComparer.Ordinal)
            .Select(g => (Label: g.Key, Value: (double)g.Sum(h => h.BookValue)))
            .OrderBy(d => d.Label, StringComparer.Ordinal)
            .ToList();
        charts["value-by-department"] = Bars(
            $"Book value by department ({report.ReportingCurrency})",
            departments.Select(d => d.Label).ToArray(),
            [departments.Select(d => d.Value).ToArray()],
            []
        );
        charts["idle-trend"] = Line(
            $"Idle book value ({report.ReportingCurrency})",
            report.IdleTrend.Select(p => p.Period).ToArray(),
            report.IdleTrend.Select(p => (double)p.Value).ToArray()
        );
        charts["licence-use"] = Bars(
            "Licence seats bought and in use",
            report.Licences.Select(l => l.Product).ToArray(),
            [
                report.Licences.Select(l => (double)l.Seats).ToArray(),
                report.Licences.Select(l => (double)l.InUse).ToArray(),
            ],
            ["Seats", "In use"]
        );
        return charts;
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        if (FontLoaded.Value)
            plot.Font.Set(FontName);
        plot.Title(title);
        return plot;
    }

    private static byte[] Bars(string title, string[] labels, double[][] series, string[] names)
    {
        var plot = NewPlot(title);
        var width = 0.8 / Math.Max(1, series.Length);
        var bars = new List<Bar>();
        for (var s = 0; s < series.Length; s++)
        {
            var color = s == 0 ? Colors.SteelBlue : Colors.Orange;
            for (var i = 0; i < series[s].Length; i++)
            {
                bars.Add(
                    new Bar
                    {
                        Position = i + (s - (series.Length - 1) / 2.0) * width,
                        Value = series[s][i],
                        Size = width,
                        FillColor = color,
                    }
                );
            }
        }
        plot.Add.Bars(bars);
        for (var s = 0; s < names.Length; s++)
            plot.Legend.ManualItems.Add(
                new LegendItem { LabelText = names[s], FillColor = s == 0 ? Colors.SteelBlue : Colors.Orange }
            );
        if (names.Length > 0)
            plot.ShowLegend();
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, labels.Length).Select(i => (double)i)], labels);
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(720, 360, ImageFormat.Png);
    }

    private static byte[] Line(string title, string[] labels, double[] values)
    {
        var plot = NewPlot(title);
        var xs = Enumerable.Range(0, values.Length).Select(i => (double)i).ToArray();
        plot.Add.Scatter(xs, values);
        plot.Axes.Bottom.SetTicks(xs, labels);
        return plot.GetImageBytes(720, 360, ImageFormat.Png);
    }
}
