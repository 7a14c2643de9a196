using CsvHelper;

namespace ItInventory.Functions.Reports;

/// <summary>The finance report as one CSV per table (header row, invariant numbers, dates yyyy-MM-dd, no totals row:
/// machines sum for themselves; formula-like text escaped as in every export).</summary>
public static class FinanceCsv
{
    public static IReadOnlyList<(string FileName, byte[] Content)> Write(FinanceReport report) =>
        [.. FinanceTables.Of(report).Select(t => ($"{t.Name}.csv", Write(t)))];

    public static byte[] Write(ReportTable table)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Common.CsvImport.WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord(table.Columns.Select(c => c.Header).ToArray());
            foreach (var row in table.Rows)
                csv.WriteRecord(row.Select((v, i) => ReportTable.Text(v, table.Columns[i].Kind)).ToArray());
        }
        return buffer.ToArray();
    }
}
