namespace ItInventory.Functions.Catalogue;

// Pure contracts (the console links this file); the mapping from storage is in AssetSearch.cs.

/// <summary>One asset in a search answer: the summary row's classification and state.</summary>
public sealed partial record AssetListItem(
    string Id,
    string? Name,
    string? Tag,
    string Kind,
    string Type,
    string? Category,
    string State,
    string? Owner,
    string? Department,
    string? Location,
    string Criticality,
    DateTimeOffset? LastSeenAt,
    bool NeedsReview
);

/// <summary>A page of assets; <c>continuationToken</c> is absent on the last page.</summary>
public sealed record AssetPage(IReadOnlyList<AssetListItem> Items, string? ContinuationToken);
