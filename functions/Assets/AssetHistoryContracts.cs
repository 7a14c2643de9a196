namespace ItInventory.Functions.Assets;

// Pure contracts of the asset history API (the console links this file); the rows are AssetHistoryEntity.

/// <summary>One entry of an asset's change history: what a check-in, enrollment, API call or job changed, with the
/// software added, removed and updated (counts, and up to 25 names of each).</summary>
public sealed record AssetHistoryEntryView(
    DateTimeOffset At,
    string Source,
    string? CheckinId,
    string Summary,
    IReadOnlyList<FieldChange> Fields,
    int SoftwareAddedCount,
    int SoftwareRemovedCount,
    int SoftwareUpdatedCount,
    IReadOnlyList<string> SoftwareAdded,
    IReadOnlyList<string> SoftwareRemoved,
    IReadOnlyList<string> SoftwareUpdated
);

/// <summary>A page of an asset's history, newest first; <c>continuationToken</c> is absent on the last page.
/// </summary>
public sealed record AssetHistoryPage(IReadOnlyList<AssetHistoryEntryView> Items, string? ContinuationToken);
