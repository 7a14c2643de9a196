using CsvHelper;

namespace ItInventory.Functions.Common;

/// <summary>
/// What every CSV import and export shares. Reading: RFC 4180 with a header row, malformed quoting rejects the whole
/// file, short rows allowed (missing cells are empty), empty lines skipped, no cell values in exception messages (they
/// may hold personal data), a bound on one record's size. Writing: cells a spreadsheet would run as a formula
/// (starting with <c>= + - @</c>, tab or CR) get a leading <c>'</c>; imports remove that escape again, so an export
/// imports back unchanged.
/// </summary>
public static class CsvImport
{
    private const string InjectionCharacters = "=+-@\t\r";

    public static CsvReaderOptions ReaderOptions { get; } =
        CsvReaderOptions.Default with
        {
            Separator = ',',
            HasHeader = true,
            MalformedData = CsvMalformedDataHandling.Throw,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            SkipEmptyLines = true,
            IncludeValuesInExceptions = false,
            MaxRecordSize = 64 * 1024,
        };

    public static CsvWriterOptions WriterOptions { get; } =
        CsvWriterOptions.Default with
        {
            Injection = CsvInjection.Escape,
        };

    /// <summary>The position of each header column, or the error when a column is unknown or repeated
    /// (<paramref name="expected"/> completes the message).</summary>
    public static (Dictionary<string, int>? Index, string? Error) IndexHeader(
        string[] headers,
        IReadOnlyCollection<string> columns,
        string expected
    )
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Length; i++)
        {
            var name = headers[i].Trim();
            if (!columns.Contains(name, StringComparer.Ordinal))
                return (null, $"Unknown column '{name}' in the header; expected {expected}.");
            if (!index.TryAdd(name, i))
                return (null, $"Column '{name}' appears twice in the header.");
        }
        return (index, null);
    }

    /// <summary>Removes the export's formula escape: a leading <c>'</c> in front of <c>= + - @</c>, tab or
    /// CR.</summary>
    public static string Unescape(string value) =>
        value.Length > 1 && value[0] == '\'' && InjectionCharacters.Contains(value[1], StringComparison.Ordinal)
            ? value[1..]
            : value;
}
