using CsvHelper;

namespace ItInventory.Functions.Common;

/// <summary>What every CSV import reads with: RFC 4180 with a header row, malformed quoting rejects the whole file,
/// short rows allowed (missing cells are empty), empty lines skipped, no cell values in exception messages (they may
/// hold personal data), and a bound on one record's size.</summary>
public static class CsvImport
{
    public static CsvReaderOptions ReaderOptions { get; } = CsvReaderOptions.Default with
    {
        Separator = ',',
        HasHeader = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        SkipEmptyLines = true,
        IncludeValuesInExceptions = false,
        MaxRecordSize = 64 * 1024,
    };
}
