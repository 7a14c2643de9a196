namespace ItInventory.Functions.Reports;

/// <summary>
/// The finance report as one self-contained HTML page (<see cref="ReportHtml"/>): the headline figures with last
/// month and the change, the charts, then every table with its totals row. The chart images' sources come from the
/// caller: data URIs for the stored page, <c>cid:</c> references for the e-mail body.
/// </summary>
public static class FinanceHtml
{
    public static string Write(FinanceReport report, Func<string, string> chartSource)
    {
        var E = ReportHtml.Encode;
        var html = ReportHtml
            .Begin($"Finance summary {report.Period}")
            .Append(
                $"<p>{report.PeriodStart:yyyy-MM-dd} to {report.PeriodEnd:yyyy-MM-dd}; amounts in "
                    + $"{E(report.ReportingCurrency)}; departments: "
                    + $"{E(report.Departments is null ? "all" : string.Join(", ", report.Departments))}.</p>"
            );
        ReportHtml.Headlines(html, "This month", "Last month", FinanceTables.Headlines(report));
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
        return ReportHtml.End(html, FinanceTables.Of(report), report.Notes);
    }

    /// <summary>The stored page: charts inlined as data URIs.</summary>
    public static string Standalone(FinanceReport report, IReadOnlyDictionary<string, byte[]> charts) =>
        Write(report, id => "data:image/png;base64," + Convert.ToBase64String(charts[id]));
}
