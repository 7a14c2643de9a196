namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>
/// The IT snapshot as one self-contained HTML page (<see cref="ReportHtml"/>): the headline figures with the week
/// before and the change, the KPI trend chart (a data URI), then every table with its totals row.
/// </summary>
public static class ItSnapshotHtml
{
    public static string Write(ItSnapshotReport report, IReadOnlyDictionary<string, byte[]> charts)
    {
        var E = ReportHtml.Encode;
        var html = ReportHtml
            .Begin($"IT snapshot {report.Period}")
            .Append(
                $"<p>{report.PeriodStart:yyyy-MM-dd} to {report.PeriodEnd:yyyy-MM-dd} (as of the week's end); "
                    + $"departments: {E(report.Departments is null ? "all" : string.Join(", ", report.Departments))}."
                    + "</p>"
            );
        ReportHtml.Headlines(
            html,
            "This week",
            "Week before",
            ItSnapshotTables
                .Headlines(report)
                .Select(h => (h.Label, CellKind.Integer, (decimal)h.Now, (decimal?)h.Before))
        );
        foreach (var (id, png) in charts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            html.Append(
                $"<p><img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" "
                    + $"alt=\"{E(ItSnapshotCharts.Title(id))}\" width=\"720\" height=\"360\"></p>"
            );
        }
        return ReportHtml.End(html, ItSnapshotTables.Of(report), report.Notes);
    }
}
