using System.Globalization;
using System.Net;
using System.Text;

namespace ItInventory.Functions.Reports;

/// <summary>
/// The HTML every report page shares (inline CSS, no scripts, no external resources): the page head, the headline
/// table (now, before, change), each <see cref="ReportTable"/> with its totals row, and the notes. One writer, so the
/// finance summary and the IT snapshot format a number, a total or an empty table the same way.
/// </summary>
public static class ReportHtml
{
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>A cell's text: money with two decimals and thousands separators, counts with separators, fractions
    /// (doubles) with up to four decimals, anything else as <see cref="ReportTable.Text"/>, encoded.</summary>
    public static string Cell(object? value, CellKind kind) =>
        value switch
        {
            decimal m when kind == CellKind.Money => m.ToString("#,##0.00", CultureInfo.InvariantCulture),
            decimal m => m.ToString("#,##0", CultureInfo.InvariantCulture),
            int i => i.ToString("#,##0", CultureInfo.InvariantCulture),
            double d => d.ToString("0.####", CultureInfo.InvariantCulture),
            _ => Encode(ReportTable.Text(value, kind)),
        };

    /// <summary>Right-aligned: a number column, or a number in a text column (the snapshot's KPI values).</summary>
    private static bool IsNumeric(object? value, CellKind kind) =>
        kind is CellKind.Money or CellKind.Integer || value is int or long or double or decimal;

    /// <summary>The document start up to the open body, with the shared style sheet.</summary>
    public static StringBuilder Begin(string title) =>
        new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append($"<title>{Encode(title)}</title><style>")
            .Append("body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#222}")
            .Append("table{border-collapse:collapse;margin:8px 0 24px}th,td{border:1px solid #ccc;padding:4px 8px}")
            .Append("th{background:#eef2f7;text-align:left}td.n{text-align:right}tr.total td{font-weight:bold}")
            .Append("img{max-width:100%}</style></head><body>")
            .Append($"<h1>{Encode(title)}</h1>");

    /// <summary>The headline table (<c>id="summary"</c>): label, now (with its exact value in <c>data-value</c>),
    /// before and the change (empty without a before).</summary>
    public static void Headlines(
        StringBuilder html,
        string nowHeader,
        string beforeHeader,
        IEnumerable<(string Label, CellKind Kind, decimal Now, decimal? Before)> rows
    )
    {
        html.Append(
            $"<table id=\"summary\"><tr><th>Figure</th><th>{Encode(nowHeader)}</th>"
                + $"<th>{Encode(beforeHeader)}</th><th>Change</th></tr>"
        );
        foreach (var (label, kind, now, before) in rows)
        {
            html.Append(
                    $"<tr><td>{Encode(label)}</td><td class=\"n\" "
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
    }

    /// <summary>A table under its heading (<c>id</c> = its name): header row, rows, and a totals row when columns
    /// are totalled; "None." when it has no rows.</summary>
    public static void Table(StringBuilder html, ReportTable table)
    {
        html.Append($"<h2 id=\"{table.Name}\">{Encode(table.Title)}</h2>");
        if (table.Rows.Count == 0)
        {
            html.Append("<p>None.</p>");
            return;
        }
        html.Append("<table><tr>");
        foreach (var (header, _) in table.Columns)
            html.Append($"<th>{Encode(header)}</th>");
        html.Append("</tr>");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (var c = 0; c < row.Length; c++)
            {
                var kind = table.Columns[c].Kind;
                html.Append(IsNumeric(row[c], kind) ? "<td class=\"n\">" : "<td>")
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
                    : table.Totalled.Contains(c) ? $"<td class=\"n\">{Cell(table.Total(c), table.Columns[c].Kind)}</td>"
                    : "<td></td>"
                );
            }
            html.Append("</tr>");
        }
        html.Append("</table>");
    }

    /// <summary>Every table, then the notes (small print), then the document end.</summary>
    public static string End(StringBuilder html, IEnumerable<ReportTable> tables, IEnumerable<string> notes)
    {
        foreach (var table in tables)
            Table(html, table);
        foreach (var note in notes)
            html.Append($"<p><small>{Encode(note)}</small></p>");
        return html.Append("</body></html>").ToString();
    }
}
