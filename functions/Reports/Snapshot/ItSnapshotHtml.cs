using System.Globalization;
using System.Net;
using System.Text;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>
/// The IT snapshot as one self-contained HTML page (inline CSS, no scripts, no external resources): the headline
/// figures with the week before and the change, the KPI trend chart (a data URI), then every table with its totals
/// row.
/// </summary>
public static class ItSnapshotHtml
{
    public static string Write(ItSnapshotReport report, IReadOnlyDictionary<string, byte[]> charts)
    {
        string E(string text) => WebUtility.HtmlEncode(text);
        string Cell(object? value, CellKind kind) =>
            value switch
            {
                int i => i.ToString("#,##0", CultureInfo.InvariantCulture),
                double d => d.ToString("0.####", CultureInfo.InvariantCulture),
                _ => E(ReportTable.Text(value, kind)),
            };
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<title>IT snapshot {E(report.Period)}</title><style>")
            .Append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222}")
            .Append("table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #ccc;padding:4px 8px}")
            .Append("th{background:#eef2f7;text-align:left}td.n{text-align:right}tr.total td{font-weight:bold}")
            .Append("img{max-width:100%}</style></head><body>")
            .Append($"<h1>IT snapshot {E(report.Period)}</h1>")
            .Append(
                $"<p>{report.PeriodStart:yyyy-MM-dd} to {report.PeriodEnd:yyyy-MM-dd} (as of the week's end); "
                    + $"departments: {E(report.Departments is null ? "all" : string.Join(", ", report.Departments))}."
                    + "</p>"
            )
            .Append(
                "<table id=\"summary\"><tr><th>Figure</th><th>This week</th><th>Week before</th><th>Change</th></tr>"
            );
        foreach (var (label, now, before) in ItSnapshotTables.Headlines(report))
        {
            html.Append(
                    $"<tr><td>{E(label)}</td><td class=\"n\" "
                        + $"data-value=\"{now.ToString(CultureInfo.InvariantCulture)}\">"
                )
                .Append(Cell(now, CellKind.Integer))
                .Append("</td><td class=\"n\">")
                .Append(before is { } b ? Cell(b, CellKind.Integer) : "")
                .Append("</td><td class=\"n\">")
                .Append(before is { } c ? Cell(now - c, CellKind.Integer) : "")
                .Append("</td></tr>");
        }
        html.Append("</table>");
        foreach (var (id, png) in charts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            html.Append(
                $"<p><img src=\"data:image/png;base64,{Convert.ToBase64String(png)}\" "
                    + $"alt=\"{E(ItSnapshotCharts.Title(id))}\" width=\"720\" height=\"360\"></p>"
            );
        }
        foreach (var table in ItSnapshotTables.Of(report))
        {
            html.Append($"<h2 id=\"{table.Name}\">{E(table.Title)}</h2>");
            if (table.Rows.Count == 0)
            {
                html.Append("<p>None.</p>");
                continue;
            }
            html.Append("<table><tr>");
            foreach (var (header, _) in table.Columns)
                html.Append($"<th>{E(header)}</th>");
            html.Append("</tr>");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>");
                for (var c = 0; c < row.Length; c++)
                {
                    html.Append(row[c] is int or double ? "<td class=\"n\">" : "<td>")
                        .Append(Cell(row[c], table.Columns[c].Kind))
                        .Append("</td>");
                }
                html.Append("</tr>");
            }
            if (table.Totalled.Count > 0)
            {
                html.Append("<tr class=\"total\">");
                for (var c = 0; c < table.Columns.Count; c++)
                {
                    html.Append(
                        c == 0 ? "<td>Total</td>"
                        : table.Totalled.Contains(c)
                            ? $"<td class=\"n\">{Cell((int)table.Total(c), CellKind.Integer)}</td>"
                        : "<td></td>"
                    );
                }
                html.Append("</tr>");
            }
            html.Append("</table>");
        }
        foreach (var note in report.Notes)
            html.Append($"<p><small>{E(note)}</small></p>");
        return html.Append("</body></html>").ToString();
    }
}
