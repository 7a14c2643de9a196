using ClosedXML.Excel;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>
/// The IT snapshot as an XLSX workbook (ClosedXML): a summary sheet (headline figures, this week, the week before,
/// change) and one sheet per table with a frozen, bold header row, number and date formats, and a totals row where a
/// table has totals (the exact column sums: the same figures as the summary, the CSV and the HTML).
/// </summary>
public static class ItSnapshotXlsx
{
    public static byte[] Write(ItSnapshotReport report)
    {
        using var workbook = new XLWorkbook();
        var summary = workbook.Worksheets.Add("Summary");
        summary.Cell(1, 1).Value = $"IT snapshot {report.Period}";
        summary.Cell(1, 1).Style.Font.Bold = true;
        summary.Cell(2, 1).Value = "Week";
        summary.Cell(2, 2).Value = $"{report.PeriodStart:yyyy-MM-dd} to {report.PeriodEnd:yyyy-MM-dd}";
        summary.Cell(3, 1).Value = "Departments";
        summary.Cell(3, 2).Value = report.Departments is null ? "all" : string.Join(", ", report.Departments);
        const int header = 5;
        string[] titles = ["Figure", "This week", "Week before", "Change"];
        for (var c = 0; c < titles.Length; c++)
            summary.Cell(header, c + 1).Value = titles[c];
        summary.Row(header).Style.Font.Bold = true;
        var row = header + 1;
        foreach (var (label, now, before) in ItSnapshotTables.Headlines(report))
        {
            summary.Cell(row, 1).Value = label;
            Integer(summary.Cell(row, 2), now);
            if (before is { } b)
            {
                Integer(summary.Cell(row, 3), b);
                Integer(summary.Cell(row, 4), now - b);
            }
            row++;
        }
        row++;
        foreach (var note in report.Notes)
            summary.Cell(row++, 1).Value = note;
        summary.SheetView.FreezeRows(header);
        summary.Column(1).Width = 34;
        summary.Columns(2, 4).Width = 16;

        foreach (var table in ItSnapshotTables.Of(report))
        {
            var sheet = workbook.Worksheets.Add(table.Name);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                sheet.Cell(1, c + 1).Value = table.Columns[c].Header;
                sheet.Column(c + 1).Width = 20;
            }
            sheet.Row(1).Style.Font.Bold = true;
            sheet.SheetView.FreezeRows(1);
            var r = 2;
            foreach (var values in table.Rows)
            {
                for (var c = 0; c < values.Length; c++)
                    Write(sheet.Cell(r, c + 1), values[c]);
                r++;
            }
            if (table.Totalled.Count > 0)
            {
                sheet.Cell(r, 1).Value = "Total";
                foreach (var c in table.Totalled)
                    Integer(sheet.Cell(r, c + 1), (int)table.Total(c));
                sheet.Row(r).Style.Font.Bold = true;
            }
        }
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }

    private static void Write(IXLCell cell, object? value)
    {
        switch (value)
        {
            case null:
                break;
            case DateOnly date:
                cell.Value = date.ToDateTime(TimeOnly.MinValue);
                cell.Style.DateFormat.Format = "yyyy-mm-dd";
                break;
            case int count:
                Integer(cell, count);
                break;
            case double number:
                cell.Value = number;
                cell.Style.NumberFormat.Format = "0.0000";
                break;
            default:
                // Text as text: a value like "=1+1" or "00123" stays what it is.
                cell.SetValue(value.ToString());
                cell.DataType = XLDataType.Text;
                break;
        }
    }

    private static void Integer(IXLCell cell, int value)
    {
        cell.Value = value;
        cell.Style.NumberFormat.Format = "#,##0";
    }
}
