using ItInventory.Functions.Common;
using ItInventory.Functions.People;

namespace ItInventory.Console.Services;

/// <summary>The People pages' queries, words and the one-row import that records a departure (pure code).</summary>
public static class PeopleText
{
    public const int PageSize = 50;

    public static string Query(string? department, string? status, string? continuationToken)
    {
        var parts = new List<string> { $"pageSize={PageSize}" };
        if (!string.IsNullOrWhiteSpace(department))
            parts.Add("department=" + Uri.EscapeDataString(department.Trim()));
        if (!string.IsNullOrWhiteSpace(status))
            parts.Add("status=" + Uri.EscapeDataString(status));
        if (continuationToken is not null)
            parts.Add("continuationToken=" + Uri.EscapeDataString(continuationToken));
        return "people?" + string.Join('&', parts);
    }

    public static string Status(PersonView person) =>
        person.Status == "Departed"
            ? person.DepartedAt is { } at
                ? $"Departed {at:yyyy-MM-dd}"
                : "Departed"
            : person.Status;

    /// <summary>
    /// The API records a departure (or a return) through its people import, which updates the rows it is given and
    /// leaves everyone else alone: this is the person's current row with the new status, as the import's CSV (RFC 4180
    /// quoting; a value starting like a formula gets the export's leading <c>'</c>, which the import removes).
    /// </summary>
    public static string StatusCsv(PersonView person, string status)
    {
        string[] values =
        [
            person.ObjectId,
            person.DisplayName,
            person.Email,
            person.Department ?? "",
            person.ManagerObjectId ?? "",
            status,
            person.EmployeeId ?? "",
        ];
        return "objectId,displayName,email,department,managerObjectId,status,employeeId\r\n"
            + string.Join(',', values.Select(Field))
            + "\r\n";
    }

    /// <summary>An import's report in words: <c>2 created, 1 updated, 0 unchanged, 1 rejected.</c></summary>
    public static string ImportSummary(ImportReport report) =>
        $"{report.Created} created, {report.Updated} updated, {report.Unchanged} unchanged, "
        + $"{report.Rejected} rejected.";

    /// <summary>A rejected row in words: <c>Row 3, email: Not an email address.</c> (the field is empty when the whole
    /// row is refused).</summary>
    public static string Rejection(ImportRejection rejection) =>
        string.IsNullOrEmpty(rejection.Field)
            ? $"Row {rejection.Row}: {rejection.Reason}"
            : $"Row {rejection.Row}, {rejection.Field}: {rejection.Reason}";

    private static string Field(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
