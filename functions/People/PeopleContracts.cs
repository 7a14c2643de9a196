namespace ItInventory.Functions.People;

// Pure contracts of the people API (the console links this file); the person row is in PersonEntity.cs.

/// <summary>A person as the API shows it.</summary>
public sealed partial record PersonView(
    string ObjectId,
    string DisplayName,
    string Email,
    string? Department,
    string? ManagerObjectId,
    string Status,
    DateTimeOffset? DepartedAt,
    string? EmployeeId
);

/// <summary>A page of people: <c>continuationToken</c> is absent on the last page.</summary>
public sealed record PeoplePage(IReadOnlyList<PersonView> Items, string? ContinuationToken);

/// <summary>An asset of the caller (<c>GET /api/me/assets</c>).</summary>
public sealed record MyAssetView(
    string AssetId,
    string? Name,
    string Kind,
    string Type,
    string? Category,
    string State,
    string? Department,
    string? Location,
    DateTimeOffset? LastSeenAt
);

/// <summary>The answer of <c>GET /api/me/assets</c>.</summary>
public sealed record MyAssets(IReadOnlyList<MyAssetView> Items);
