namespace ItInventory.Functions.Catalogue;

// Pure contracts of check-out and check-in (the console links this file); the storage row and its mapping are in
// AssetAssignments.cs.

/// <summary>Body of <c>POST /api/assets/{assetId}/checkout</c>.</summary>
public sealed record AssetCheckOutRequest
{
    /// <summary>Entra object id of an Active person in the directory.</summary>
    public string? Person { get; init; }
    public DateTimeOffset? ExpectedReturn { get; init; }
    public string? Note { get; init; }
}

/// <summary>Body of <c>POST /api/assets/{assetId}/checkin</c> (optional).</summary>
public sealed record AssetCheckInRequest
{
    public string? Note { get; init; }

    /// <summary>Where the asset is returned to (a location code).</summary>
    public string? Location { get; init; }
}

/// <summary>One assignment as the API shows it; <c>checkedInAt</c> is absent while the asset is checked out.</summary>
public sealed partial record AssignmentView(
    string Id,
    string Person,
    DateTimeOffset CheckedOutAt,
    string CheckedOutBy,
    DateTimeOffset? ExpectedReturn,
    string? CheckOutNote,
    DateTimeOffset? CheckedInAt,
    string? CheckedInBy,
    string? CheckInNote
);

/// <summary>The assignment history of an asset, newest first.</summary>
public sealed record AssignmentPage(IReadOnlyList<AssignmentView> Items, string? ContinuationToken);
