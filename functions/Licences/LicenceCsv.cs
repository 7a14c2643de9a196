using System.Globalization;
using CsvHelper;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Common;
using ItInventory.Functions.People;

namespace ItInventory.Functions.Licences;

/// <summary>One data row of a licence CSV as text (record number: header = 1, first data row = 2); an absent column is
/// "".</summary>
public sealed record LicenceCsvRow(
    int Row,
    string Product,
    string Vendor,
    string Metric,
    string Currency,
    string MatchName,
    string MatchPublisher,
    string MatchVersionPrefix,
    string Reference,
    string Type,
    string Seats,
    string UnitCost,
    string StartDate,
    string EndDate,
    string RenewalDate
)
{
    /// <summary>The row defines (part of) its product: one of the product columns has a value.</summary>
    public bool DefinesProduct =>
        Vendor.Length
            + Metric.Length
            + Currency.Length
            + MatchName.Length
            + MatchPublisher.Length
            + MatchVersionPrefix.Length
        > 0;

    /// <summary>The row holds an entitlement: one of the entitlement columns has a value.</summary>
    public bool HasEntitlement =>
        Reference.Length
            + Type.Length
            + Seats.Length
            + UnitCost.Length
            + StartDate.Length
            + EndDate.Length
            + RenewalDate.Length
        > 0;
}

/// <summary>
/// The licence CSV format (pure: no I/O): products with their matching rules and their entitlements in one file.
/// Header: <c>product</c> plus the product columns (<see cref="ProductColumns"/>), the entitlement columns
/// (<see cref="EntitlementColumns"/>) or both, each group complete, any order. <c>product</c> is a product id or its
/// exact name (case-insensitive). A row with product values defines its product and one matching rule (several rules:
/// several rows); a row with entitlement values is one entitlement; a row may be both. Dates <c>yyyy-MM-dd</c>; empty
/// cells are absent values. Exports escape cells a spreadsheet would run as a formula (a leading <c>'</c> before
/// <c>= + - @</c>, tab, CR) and the import removes that escape (<see cref="Common.CsvImport.Unescape"/>), so an export
/// imports
/// back unchanged.
/// </summary>
public static class LicenceCsv
{
    public static readonly string[] ProductColumns =
    [
        "vendor",
        "metric",
        "currency",
        "matchName",
        "matchPublisher",
        "matchVersionPrefix",
    ];
    public static readonly string[] EntitlementColumns =
    [
        "reference",
        "type",
        "seats",
        "unitCost",
        "startDate",
        "endDate",
        "renewalDate",
    ];
    public static readonly string[] Columns = ["product", .. ProductColumns, .. EntitlementColumns];

    public static (IReadOnlyList<LicenceCsvRow>? Rows, IReadOnlyList<ImportRejection> Rejections, string? Error) Parse(
        ReadOnlyMemory<byte> utf8,
        int maxRows
    )
    {
        var options = Common.CsvImport.ReaderOptions;
        var rows = new List<LicenceCsvRow>();
        var rejections = new List<ImportRejection>();
        var expected =
            $"product, then {string.Join(",", ProductColumns)} and/or {string.Join(",", EntitlementColumns)}";
        try
        {
            using var csv = CsvReader.Create(utf8, options);
            csv.ReadHeader();
            var headers = csv.Headers.ToArray();
            var (index, headerError) = Common.CsvImport.IndexHeader(headers, Columns, expected);
            if (index is null)
                return (null, [], headerError);
            if (!index.ContainsKey("product"))
                return (null, [], $"The header row lacks product; expected {expected}.");
            var hasProducts = ProductColumns.Any(index.ContainsKey);
            var hasEntitlements = EntitlementColumns.Any(index.ContainsKey);
            if (!hasProducts && !hasEntitlements)
                return (null, [], $"The header row has neither product nor entitlement columns; expected {expected}.");
            foreach (
                var group in new[] { hasProducts ? ProductColumns : [], hasEntitlements ? EntitlementColumns : [] }
            )
            {
                var missing = group.Where(c => !index.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                    return (null, [], $"The header row lacks {string.Join(", ", missing)}; expected {expected}.");
            }

            var count = 0;
            while (csv.Read())
            {
                if (++count > maxRows)
                    return (null, [], $"The file has more than {maxRows} rows.");
                var row = (int)csv.RowNumber + 1;
                if (csv.FieldCount != headers.Length)
                {
                    rejections.Add(
                        new(row, "", $"The row has {csv.FieldCount} fields; the header has {headers.Length}.")
                    );
                    continue;
                }
                string Field(string name) =>
                    index.TryGetValue(name, out var i) ? Common.CsvImport.Unescape(csv.GetString(i)?.Trim() ?? "") : "";
                rows.Add(
                    new LicenceCsvRow(
                        row,
                        Field("product"),
                        Field("vendor"),
                        Field("metric"),
                        Field("currency"),
                        Field("matchName"),
                        Field("matchPublisher"),
                        Field("matchVersionPrefix"),
                        Field("reference"),
                        Field("type"),
                        Field("seats"),
                        Field("unitCost"),
                        Field("startDate"),
                        Field("endDate"),
                        Field("renewalDate")
                    )
                );
            }
        }
        catch (CsvFormatException ex)
        {
            return (
                null,
                [],
                ex.RecordNumber > 0
                    ? $"Malformed CSV at record {ex.RecordNumber}: {ex.Message}"
                    : $"Malformed CSV: {ex.Message}"
            );
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
        if (text.Length == 0)
            return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            return false;
        value = parsed;
        return true;
    }

    public static bool TryMoney(string text, out decimal? value)
    {
        value = null;
        if (text.Length == 0)
            return true;
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
            return false;
        value = parsed;
        return true;
    }

    public static bool TryDate(string text, out DateOnly? value)
    {
        value = null;
        if (text.Length == 0)
            return true;
        if (
            !DateOnly.TryParseExact(
                text,
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var parsed
            )
        )
            return false;
        value = parsed;
        return true;
    }

    /// <summary>
    /// Writes products in the import format (every column), ordered as given: per product one row per matching rule
    /// (product values and the rule), then one row per entitlement (entitlement values only); formula-like cells
    /// escaped.
    /// </summary>
    public static byte[] Write(IEnumerable<LicenceProductState> products)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Common.CsvImport.WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord(Columns);
            foreach (var state in products)
            {
                var p = state.Product;
                foreach (var rule in state.Rules)
                {
                    csv.WriteRecord([
                        p.Name,
                        p.Vendor ?? "",
                        p.Metric,
                        p.Currency,
                        rule.Name,
                        rule.Publisher ?? "",
                        rule.VersionPrefix ?? "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]);
                }
                foreach (var e in state.Entitlements.OrderBy(e => e.Reference, StringComparer.OrdinalIgnoreCase))
                {
                    csv.WriteRecord([
                        p.Name,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        e.Reference,
                        e.Type,
                        e.Seats?.ToString(CultureInfo.InvariantCulture) ?? "",
                        e.UnitCost ?? "",
                        e.StartDate ?? "",
                        e.EndDate ?? "",
                        e.RenewalDate ?? "",
                    ]);
                }
            }
        }
        return buffer.ToArray();
    }
}
