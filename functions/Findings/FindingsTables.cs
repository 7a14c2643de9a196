using Azure.Data.Tables;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Findings;

/// <summary>The tables of the findings feature (created with the others by <see cref="InventoryStore"/>).</summary>
public sealed class FindingsTables(TableServiceClient tables, IOptions<InventoryStorageOptions> options)
{
    /// <summary>Findings (one partition per kind) and their index rows (<see cref="FindingKeys"/>).</summary>
    public TableClient Findings { get; } = tables.GetTableClient(options.Value.FindingsTable);

    /// <summary>Scan-run history, newest first (<see cref="ScanRunStore"/>).</summary>
    public TableClient ScanRuns { get; } = tables.GetTableClient(options.Value.ScanRunsTable);
}
