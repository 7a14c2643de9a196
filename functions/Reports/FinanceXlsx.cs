using ClosedXML.Excel;

namespace ItInventory.Functions.Reports;

/// <summary>
/// The finance report as an XLSX workbook (ClosedXML): a summary sheet (headline figures, this month, last month,
/// change) and one sheet per table with a frozen, bold header row, number, currency and date formats, and a totals row
/// whose values are the exact sums of the column (the same figures as the summary, the CSV and the HTML).
/// </summary>
public static class FinanceXlsx
{
    public static byte[] Write(FinanceReport report)
    {
        var money = $"#,##0.00 \"{report.ReportingCurrency}\"";
        using var workbook = new XLWorkbook();
        var summary = workbook.Worksheets.Add("Summary");
        summary.Cell(1, 1).Value = $"Finance summary {report.Period}";
        summary.Cell(1, 1).Style.Font.Bold = true;
        summary.Cell(2, 1).Value = "Period";
        summary.Cell(2, 2).Value = $"{report.PeriodStart:yyyy-MM-dd} to {report.PeriodEnd:yyyy-MM-dd}";
        summary.Cell(3, 1).Value = "Departments";
        summary.Cell(3, 2).Value = report.Departments is null ? "all" : string.Join(", ", report.Departments);
        var header = 5;
        string[] titles = ["Figure", "This month", "Last month", "Change"];
        for (var c = 0; c < titles.Length; c++)
            summary.Cell(header, c + 1).Value = titles[c];
        summary.Row(header).Style.Font.Bold = true;
        var row = header + 1;
        foreach (var (label, kind, now, before) in FinanceTables.Headlines(report))
        {
            summary.Cell(row, 1).Value = label;
            Number(summary.Cell(row, 2), now, kind, money);
            if (before is { } b)
            {
                Number(summary.Cell(row, 3), b, kind, money);
                Number(summary.Cell(row, 4), now - b, kind, money);
            }
            row++;
        }
        row++;
        foreach (var note in report.Notes)
            summary.Cell(row++, 1).Value = note;
        summary.SheetView.FreezeRows(header);
        summary.Column(1).Width = 34;
        summary.Columns(2, 4).Width = 20;

        foreach (var table in FinanceTables.Of(report))
        {
            var sheet = workbook.Worksheets.Add(table.Name);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                sheet.Cell(1, c + 1).Value = table.Columns[c].Header;
                sheet.Column(c + 1).Width = table.Columns[c].Kind == CellKind.Text ? 24 : 18;
            }
            sheet.Row(1).Style.Font.Bold = true;
            sheet.SheetView.FreezeRows(1);
            var r = 2;
            foreach (var values in table.Rows)
            {
                for (var c = 0; c < values.Length; c++)
                {
                    var cell = sheet.Cell(r, c + 1);
                    switch (values[c])
                    {
                        case null:
                            break;
                        case DateOnly date:
                            cell.Value = date.ToDateTime(TimeOnly.MinValue);
                            cell.Style.DateFormat.Format = "yyyy-mm-dd";
                            break;
                        case decimal amount:
                            Number(cell, amount, table.Columns[c].Kind, money);
                            break;
                        case int count:
                            Number(cell, count, CellKind.Integer, money);
                            break;
                        default:
                            // Text as text: a value like "=1+1" or "00123" stays what it is.
                            cell.SetValue(values[c]!.ToString());
                            cell.DataType = XLDataType.Text;
                            break;
                    }
                }
                r++;
            }
            if (table.Totalled.Count > 0)
            {
                sheet.Cell(r, 1).Value = "Total";
                foreach (var c in table.Totalled)
                    Number(sheet.Cell(r, c + 1), table.Total(c), table.Columns[c].Kind, money);
                sheet.Row(r).Style.Font.Bold = true;
            }
        }
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    private static void Number(IXLCell cell, decimal value, CellKind kind, string money)
    {
        cell.Value = value;
        cell.Style.NumberFormat.Format = kind == CellKind.Money ? money : "#,##0";
    }
}
