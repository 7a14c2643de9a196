using System.Globalization;
using System.Net;
using System.Text;

namespace ItInventory.Functions.Reports;

/// <summary>
/// The finance report as one self-contained HTML page (inline CSS, no scripts, no external resources): the headline
/// figures with last month and the change, the charts, then every table with its totals row. The chart images'
/// sources come from the caller: data URIs for the stored page, <c>cid:</c> references for the e-mail body.
/// </summary>
public static class FinanceHtml
{
    public static string Write(FinanceReport report, Func<string, string> chartSource)
    {
        string E(string text) => WebUtility.HtmlEncode(text);
        string Cell(object? value, CellKind kind) =>
            value switch
            {
                decimal m when kind == CellKind.Money => m.ToString("#,##0.00", CultureInfo.InvariantCulture),
                decimal m => m.ToString("#,##0", CultureInfo.InvariantCulture),
                int i => i.ToString("#,##0", CultureInfo.InvariantCulture),
                _ => E(ReportTable.Text(value, kind)),
            };
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<title>Finance summary {E(report.Period)}</title><style>")
            .Append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222}")
            .Append("table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #ccc;padding:4px 8px}")
            .Append("th{background:#eef2f7;text-align:left}td.n{text-align:right}tr.total td{font-weight:bold}")
            .Append("img{max-width:100%}</style></head><body>")
            .Append($"<h1>Finance summary {E(report.Period)}</h1>")
            .Append(
                $"<p>{report.PeriodStart:yyyy-MM-dd} to {report.PeriodEnd:yyyy-MM-dd}; amounts in "
                    + $"{E(report.ReportingCurrency)}; departments: "
                    + $"{E(report.Departments is null ? "all" : string.Join(", ", report.Departments))}.</p>"
            )
            .Append(
                "<table id=\"summary\"><tr><th>Figure</th><th>This month</th><th>Last month</th><th>Change</th></tr>"
            );
        foreach (var (label, kind, now, before) in FinanceTables.Headlines(report))
        {
            html.Append(
                    $"<tr><td>{E(label)}</td><td class=\"n\" "
                        + $"data-value=\"{now.ToString(CultureInfo.InvariantCulture)}\">"
                )
                .Append(Cell(now, kind))
                .Append("</td><td class=\"n\">")
                .Append(before is { } b ? Cell(b, kind) : "")
                .Append("</td><td class=\"n\">")
                .Append(before is { } c ? Cell(now - c, kind) : "")
                .Append("</td></tr>");
        }
        html.Append("</table>");
        foreach (
            var (id, alt) in new[]
            {
                ("value-by-department", "Book value by department"),
                ("idle-trend", "Idle book value by month"),
                ("licence-use", "Licence seats bought and in use"),
            }
        )
        {
            html.Append($"<p><img src=\"{E(chartSource(id))}\" alt=\"{E(alt)}\" width=\"720\" height=\"360\"></p>");
        }
        foreach (var table in FinanceTables.Of(report))
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
                    var kind = table.Columns[c].Kind;
                    html.Append(kind is CellKind.Money or CellKind.Integer ? "<td class=\"n\">" : "<td>")
                        .Append(Cell(row[c], kind))
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
                            ? $"<td class=\"n\">{Cell(table.Total(c), table.Columns[c].Kind)}</td>"
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

    /// <summary>The stored page: charts inlined as data URIs.</summary>
    public static string Standalone(FinanceReport report, IReadOnlyDictionary<string, byte[]> charts) =>
        Write(report, id => "data:image/png;base64," + Convert.ToBase64String(charts[id]));
}
