using System.Globalization;
using CsvHelper;

namespace ItInventory.Functions.Licences;

/// <summary>One data row of a licence CSV as text (record number: header = 1, first data row = 2).</summary>
public sealed record LicenceCsvRow(int Row, string Product, string Reference, string Type, string Seats, string UnitCost, string StartDate, string EndDate, string RenewalDate);

/// <summary>
/// The licence (entitlement) CSV format (pure: no I/O). Header <c>product,reference,type,seats,unitCost,startDate,endDate,renewalDate</c>
/// in any order; <c>product</c> is a product id or its exact name (case-insensitive); dates <c>yyyy-MM-dd</c>; empty
/// cells are absent values. Rows are keyed by (product, reference), so importing a file twice changes nothing.
/// </summary>
public static class LicenceCsv
{
    public static readonly string[] Columns = ["product", "reference", "type", "seats", "unitCost", "startDate", "endDate", "renewalDate"];

    public static (IReadOnlyList<LicenceCsvRow>? Rows, IReadOnlyList<(int Row, string Field, string Reason)> Rejections, string? Error) Parse(ReadOnlyMemory<byte> utf8, int maxRows)
    {
        var options = CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            SkipEmptyLines = true,
            IncludeValuesInExceptions = false,
            MaxRecordSize = 64 * 1024,
        };
        var rows = new List<LicenceCsvRow>();
        var rejections = new List<(int, string, string)>();
        try
        {
            using var csv = CsvReader.Create(utf8, options);
            csv.ReadHeader();
            var headers = csv.Headers.ToArray();
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < headers.Length; i++)
            {
                var name = headers[i].Trim();
                if (!Columns.Contains(name, StringComparer.Ordinal)) return (null, [], $"Unknown column '{name}' in the header; expected {string.Join(",", Columns)}.");
                if (!index.TryAdd(name, i)) return (null, [], $"Column '{name}' appears twice in the header.");
            }
            var missing = Columns.Where(c => !index.ContainsKey(c)).ToList();
            if (missing.Count > 0) return (null, [], $"The header row lacks {string.Join(", ", missing)}; expected {string.Join(",", Columns)}.");

            var count = 0;
            while (csv.Read())
            {
                if (++count > maxRows) return (null, [], $"The file has more than {maxRows} rows.");
                var row = (int)csv.RowNumber + 1;
                if (csv.FieldCount != headers.Length)
                {
                    rejections.Add((row, "", $"The row has {csv.FieldCount} fields; the header has {headers.Length}."));
                    continue;
                }
                string Field(string name) => csv.GetString(index[name])?.Trim() ?? "";
                rows.Add(new LicenceCsvRow(row, Field("product"), Field("reference"), Field("type"), Field("seats"), Field("unitCost"),
                    Field("startDate"), Field("endDate"), Field("renewalDate")));
            }
        }
        catch (CsvFormatException ex)
        {
            return (null, [], ex.RecordNumber > 0 ? $"Malformed CSV at record {ex.RecordNumber}: {ex.Message}" : $"Malformed CSV: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return (null, [], $"Malformed CSV: {ex.Message}");
        }
        return (rows, rejections, null);
    }

    public static bool TryInt(string text, out int? value)
    {
        value = null;
        if (text.Length == 0) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) return false;
        value = parsed;
        return true;
    }

    public static bool TryMoney(string text, out decimal? value)
    {
        value = null;
        if (text.Length == 0) return true;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed)) return false;
        value = parsed;
        return true;
    }

    public static bool TryDate(string text, out DateOnly? value)
    {
        value = null;
        if (text.Length == 0) return true;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)) return false;
        value = parsed;
        return true;
    }

    /// <summary>Writes entitlements in the import format (so an export imports back unchanged).</summary>
    public static byte[] Write(IEnumerable<(string Product, LicenceEntitlementEntity Entitlement)> rows)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, CsvWriterOptions.Default with { Injection = CsvInjection.None }, leaveOpen: true))
        {
            csv.WriteRecord(Columns);
            foreach (var (product, e) in rows)
            {
                csv.WriteRecord([product, e.Reference, e.Type, e.Seats?.ToString(CultureInfo.InvariantCulture) ?? "", e.UnitCost ?? "", e.StartDate ?? "", e.EndDate ?? "", e.RenewalDate ?? ""]);
            }
        }
        return buffer.ToArray();
    }
}
