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

/// <summary>The mapping of a person row to the API's view (the contract is in PeopleContracts.cs).</summary>
public sealed partial record PersonView
{
    public static PersonView From(PersonEntity e) =>
        new(e.ObjectId, e.DisplayName, e.Email, e.Department, e.ManagerObjectId, e.Status, e.DepartedAt, e.EmployeeId);
}
