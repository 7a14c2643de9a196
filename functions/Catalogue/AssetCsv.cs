using CsvHelper;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Financials;
using ItInventory.Functions.People;

namespace ItInventory.Functions.Catalogue;

/// <summary>One data row of an asset CSV: its record number (header = 1), the identifiers it may match by, the values
/// of
/// the columns present (an absent column is null: the field is left as it is; an empty cell is "": the field is
/// cleared).</summary>
public sealed record AssetCsvRow(
    int Row,
    string? Id,
    string? Tag,
    CreateAssetRequest Values,
    IReadOnlySet<string> Columns
);

/// <summary>A parsed asset CSV: the rows that passed the syntax checks and the rows that did not.</summary>
public sealed record ParsedAssets(IReadOnlyList<AssetCsvRow> Rows, IReadOnlyList<ImportRejection> Rejections);

/// <summary>
/// The asset CSV format (pure: no I/O). Header: any of <see cref="Columns"/> in any order, <c>name</c> and <c>type</c>
/// required; RFC 4180 quoting. Malformed quoting or header makes the whole file invalid; a bad value rejects only its
/// row. Exports write every column and escape cells a spreadsheet would run as a formula (a leading <c>'</c> before
/// <c>= + - @</c>); the import removes that escape again, so an export imports back unchanged.
/// </summary>
public static class AssetCsv
{
    public static readonly string[] Columns =
    [
        "id",
        "tag",
        "serialNumber",
        "name",
        "kind",
        "type",
        "category",
        "manufacturer",
        "model",
        "owner",
        "itStakeholder",
        "department",
        "location",
        "criticality",
        "state",
        "cloudResourceId",
        // Financials (optional: files without them still import, and an update leaves the record as it is).
        .. FinancialRules.CsvColumns,
    ];

    private static readonly string[] RequiredColumns = ["name", "type"];

    /// <summary>The detail columns an export reads ($select).</summary>
    public static readonly string[] DetailColumns =
    [
        "PartitionKey",
        "RowKey",
        nameof(AssetDetailEntity.Tag),
        nameof(AssetDetailEntity.SerialNumber),
        nameof(AssetDetailEntity.Name),
        nameof(AssetDetailEntity.Hostname),
        nameof(AssetDetailEntity.Kind),
        nameof(AssetDetailEntity.Type),
        nameof(AssetDetailEntity.Category),
        nameof(AssetDetailEntity.Manufacturer),
        nameof(AssetDetailEntity.Model),
        nameof(AssetDetailEntity.Owner),
        nameof(AssetDetailEntity.ItStakeholder),
        nameof(AssetDetailEntity.Department),
        nameof(AssetDetailEntity.Location),
        nameof(AssetDetailEntity.Criticality),
        nameof(AssetDetailEntity.State),
        nameof(AssetDetailEntity.CloudResourceId),
        nameof(AssetDetailEntity.Financials),
    ];

    public static (ParsedAssets? Assets, string? Error) Parse(ReadOnlyMemory<byte> utf8, int maxRows)
    {
        var options = Common.CsvImport.ReaderOptions;
        var rows = new List<AssetCsvRow>();
        var rejections = new List<ImportRejection>();
        try
        {
            using var csv = CsvReader.Create(utf8, options);
            csv.ReadHeader();
            var headers = csv.Headers.ToArray();
            var (index, headerError) = Common.CsvImport.IndexHeader(
                headers,
                Columns,
                "any of " + string.Join(",", Columns)
            );
            if (index is null)
                return (null, headerError);
            var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                return (null, $"The header row lacks {string.Join(", ", missing)}.");
            var present = index.Keys.ToHashSet(StringComparer.Ordinal);

            var count = 0;
            while (csv.Read())
            {
                if (++count > maxRows)
                    return (null, $"The file has more than {maxRows} rows.");
                var row = (int)csv.RowNumber + 1;
                if (csv.FieldCount != headers.Length)
                {
                    rejections.Add(
                        new(row, "", $"The row has {csv.FieldCount} fields; the header has {headers.Length}.")
                    );
                    continue;
                }
                string? Field(string name) =>
                    index.TryGetValue(name, out var i)
                        ? Common.CsvImport.Unescape(csv.GetString(i)?.Trim() ?? "")
                        : null;
                var id = Field("id") is { Length: > 0 } idText ? idText : null;
                if (id is not null && !Storage.TableKeys.IsAssetId(id))
                {
                    rejections.Add(new(row, "id", "Not an asset id (32 lower-case hex digits)."));
                    continue;
                }
                var tag = Field("tag") is { Length: > 0 } tagText ? tagText : null;
                if (tag is not null && !Tags.AssetTagFormat.IsTag(tag))
                {
                    rejections.Add(new(row, "tag", "Not an asset tag (PREFIX-000123)."));
                    continue;
                }
                var financialErrors = new Dictionary<string, string[]>();
                var financials = FinancialRules.FromCsv(Field, financialErrors);
                if (financialErrors.Count > 0)
                {
                    var (column, messages) = financialErrors.First();
                    rejections.Add(new(row, column, messages[0]));
                    continue;
                }
                rows.Add(
                    new AssetCsvRow(
                        row,
                        id,
                        tag,
                        new CreateAssetRequest
                        {
                            Name = Field("name"),
                            Kind = Field("kind") is { Length: > 0 } kind ? kind : null,
                            Type = Field("type"),
                            Category = Field("category"),
                            SerialNumber = Field("serialNumber"),
                            Manufacturer = Field("manufacturer"),
                            Model = Field("model"),
                            Owner = Field("owner"),
                            ItStakeholder = Field("itStakeholder"),
                            Department = Field("department"),
                            Location = Field("location"),
                            Criticality = Field("criticality"),
                            State = Field("state"),
                            CloudResourceId = Field("cloudResourceId"),
                            Financials = financials,
                        },
                        present
                    )
                );
            }
        }
        catch (CsvFormatException ex)
        {
            return (
                null,
                ex.RecordNumber > 0
                    ? $"Malformed CSV at record {ex.RecordNumber}: {ex.Message}"
                    : $"Malformed CSV: {ex.Message}"
            );
        }
        catch (InvalidOperationException ex)
        {
            return (null, $"Malformed CSV: {ex.Message}");
        }
        return (new ParsedAssets(rows, rejections), null);
    }

    /// <summary>Writes assets in the import format (every column), formula-like cells escaped.</summary>
    public static byte[] Write(IEnumerable<(AssetDetailEntity Detail, AssetSummaryEntity Summary)> assets)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Common.CsvImport.WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord(Columns);
            foreach (var (d, s) in assets)
            {
                csv.WriteRecord([
                    d.PartitionKey,
                    d.Tag ?? "",
                    d.SerialNumber ?? "",
                    d.Name ?? s.Name ?? d.Hostname ?? "",
                    d.Kind,
                    d.Type,
                    d.Category ?? "",
                    d.Manufacturer ?? "",
                    d.Model ?? "",
                    d.Owner ?? "",
                    d.ItStakeholder ?? "",
                    d.Department ?? "",
                    d.Location ?? "",
                    d.Criticality,
                    d.State,
                    d.CloudResourceId ?? "",
                    .. FinancialRules.ToCsv(AssetFinancials.Parse(d.Financials)),
                ]);
            }
        }
        return buffer.ToArray();
    }
}
