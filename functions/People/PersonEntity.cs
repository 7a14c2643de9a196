using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.People;

/// <summary>Person status in the directory.</summary>
public enum PersonStatus
{
    Active,
    Departed,
}

/// <summary>
/// A person of the directory (table <c>people</c>, PartitionKey = Entra object id (lower-case GUID),
/// RowKey = <see cref="TableKeys.PersonRow"/>): one partition per person, so a point read finds anyone.
/// </summary>
public sealed class PersonEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.PersonRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ObjectId => PartitionKey;

    public string DisplayName { get; set; } = "";
    public string Email { get; set; } = "";
    public string? Department { get; set; }
    public string? ManagerObjectId { get; set; }
    public string Status { get; set; } = nameof(PersonStatus.Active);
    public DateTimeOffset? DepartedAt { get; set; }
    public string? EmployeeId { get; set; }
    public DateTimeOffset? ImportedAt { get; set; }
}

/// <summary>A person as the API shows it.</summary>
public sealed record PersonView(
    string ObjectId,
    string DisplayName,
    string Email,
    string? Department,
    string? ManagerObjectId,
    string Status,
    DateTimeOffset? DepartedAt,
    string? EmployeeId
)
{
    public static PersonView From(PersonEntity e) =>
        new(e.ObjectId, e.DisplayName, e.Email, e.Department, e.ManagerObjectId, e.Status, e.DepartedAt, e.EmployeeId);
}

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
