using System.Text.Json;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>What one check-in (or enrollment) changed on an asset, as stored in its history row.</summary>
public sealed record AssetChanges
{
    public IReadOnlyList<FieldChange> Fields { get; init; } = [];
    public int SoftwareAddedCount { get; init; }
    public int SoftwareRemovedCount { get; init; }
    public int SoftwareUpdatedCount { get; init; }

    /// <summary>Names of added, removed and updated products, each list capped at <see
    /// cref="MaxListedNames"/>.</summary>
    public IReadOnlyList<string> SoftwareAdded { get; init; } = [];
    public IReadOnlyList<string> SoftwareRemoved { get; init; } = [];
    public IReadOnlyList<string> SoftwareUpdated { get; init; } = [];

    public const int MaxListedNames = 25;

    public bool IsEmpty =>
        Fields.Count == 0 && SoftwareAddedCount == 0 && SoftwareRemovedCount == 0 && SoftwareUpdatedCount == 0;

    public string Describe()
    {
        var parts = new List<string>();
        if (Fields.Count > 0)
        {
            parts.Add($"{Fields.Count} field(s) changed: {string.Join(", ", Fields.Select(f => f.Field))}");
        }
        if (SoftwareAddedCount > 0)
            parts.Add($"{SoftwareAddedCount} software added");
        if (SoftwareRemovedCount > 0)
            parts.Add($"{SoftwareRemovedCount} software removed");
        if (SoftwareUpdatedCount > 0)
            parts.Add($"{SoftwareUpdatedCount} software updated");
        return parts.Count == 0 ? "no change" : string.Join("; ", parts);
    }

    public static AssetHistoryEntity HistoryRow(
        string assetId,
        DateTimeOffset at,
        string source,
        string? checkinId,
        string summary,
        AssetChanges? changes
    ) =>
        new()
        {
            PartitionKey = assetId,
            RowKey = TableKeys.HistoryRow(at, checkinId ?? Guid.NewGuid().ToString("N")),
            At = at,
            Source = source,
            CheckinId = checkinId,
            Summary = summary,
            ChangesJson = changes is null
                ? null
                : JsonSerializer.Serialize(changes, ApiJsonContext.Default.AssetChanges),
        };
}
