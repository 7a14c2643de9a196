using ClosedXML.Excel;
using ItInventory.Functions.Reports.Pdf;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>The audit report's files: <c>audit.pdf</c> (for people), <c>audit.xlsx</c> (one sheet per table) and one
/// <c>{table}.csv</c> per table (for machines). Every format renders the same <see cref="ReportTable"/>s, so the
/// figures agree.</summary>
public static class AuditReportFiles
{
    public const string PdfFile = "audit.pdf";
    public const string XlsxFile = "audit.xlsx";

    public static List<(string Name, byte[] Content, string ContentType)> Render(AuditReport report)
    {
        var tables = AuditReportTables.Of(report);
        return
        [
            (PdfFile, Pdf(report, tables), "application/pdf"),
            (XlsxFile, Xlsx(report, tables), FinanceReportService.XlsxType),
            .. tables.Select(t => ($"{t.Name}.csv", FinanceCsv.Write(t), "text/csv; charset=utf-8")),
        ];
    }

    public static byte[] Pdf(AuditReport report, IReadOnlyList<ReportTable> tables)
    {
        var title = $"Audit report {AuditReportRules.Day(report.From)} to {AuditReportRules.Day(report.To)}";
        using var pdf = new PdfDocumentWriter(title, report.GeneratedAt, landscape: true);
        pdf.Title(title)
            .Fields([
                ("Report", report.Id),
                ("Generated", AuditReportTables.Time(report.GeneratedAt)),
                ("Requested by", report.RequestedBy),
            ]);
        foreach (var note in report.Notes)
            pdf.Paragraph(note);
        foreach (var table in tables)
        {
            pdf.Heading(table.Title);
            if (table.Name == AuditReportTables.Summary)
            {
                pdf.Fields([.. table.Rows.Select(r => ((string)r[0]!, (string?)r[1]))]);
                continue;
            }
            pdf.Table(
                [.. table.Columns.Select(c => c.Header)],
                [
                    .. table.Rows.Select(r =>
                        (IReadOnlyList<string>)[.. r.Select((v, i) => ReportTable.Text(v, table.Columns[i].Kind))]
                    ),
                ]
            );
        }
        return pdf.ToArray();
    }

    public static byte[] Xlsx(AuditReport report, IReadOnlyList<ReportTable> tables)
    {
        using var workbook = new XLWorkbook();
        foreach (var table in tables)
        {
            // Sheet names: at most 31 characters.
            var sheet = workbook.Worksheets.Add(table.Name.Length > 31 ? table.Name[..31] : table.Name);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                sheet.Cell(1, c + 1).Value = table.Columns[c].Header;
                sheet.Column(c + 1).Width = table.Columns[c].Kind == CellKind.Text ? 28 : 14;
            }
            sheet.Row(1).Style.Font.Bold = true;
            sheet.SheetView.FreezeRows(1);
            var row = 2;
            foreach (var values in table.Rows)
            {
                for (var c = 0; c < values.Length; c++)
                {
                    var cell = sheet.Cell(row, c + 1);
                    switch (values[c])
                    {
                        case null:
                            break;
                        case int count:
                            cell.Value = count;
                            cell.Style.NumberFormat.Format = "#,##0";
                            break;
                        case long count:
                            cell.Value = count;
                            cell.Style.NumberFormat.Format = "#,##0";
                            break;
                        default:
                            // Text stays text: "=1+1" or "00123" is not a formula or a number.
                            cell.SetValue(ReportTable.Text(values[c], table.Columns[c].Kind));
                            cell.DataType = XLDataType.Text;
                            break;
                    }
                }
                row++;
            }
        }
        workbook.Properties.Title = $"Audit report {report.Id}";
        using var buffer = new MemoryStream();
        workbook.SaveAs(buffer);
        return buffer.ToArray();
    }
}
