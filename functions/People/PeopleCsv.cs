using System.Net.Mail;
using CsvHelper;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.People;

/// <summary>One valid row of a people CSV, normalised (object ids lower-case, status canonical).</summary>
public sealed record PersonRow(
    int Row,
    string ObjectId,
    string DisplayName,
    string Email,
    string? Department,
    string? ManagerObjectId,
    PersonStatus Status,
    string? EmployeeId
);

/// <summary>A parsed people CSV: the rows that passed the field checks and the rows that did not.</summary>
public sealed record ParsedPeople(IReadOnlyList<PersonRow> Rows, IReadOnlyList<ImportRejection> Rejections);

/// <summary>
/// The people CSV format (pure: no I/O). Header
/// <c>objectId,displayName,email,department,managerObjectId,status[,employeeId]</c>
/// (any order, names matched exactly); RFC 4180 quoting. Malformed quoting or a missing header makes the whole file
/// invalid; a bad value rejects only its row.
/// </summary>
public static class PeopleCsv
{
    public static readonly string[] Columns =
    [
        "objectId",
        "displayName",
        "email",
        "department",
        "managerObjectId",
        "status",
        "employeeId",
    ];
    private static readonly string[] RequiredColumns = Columns[..6];

    public const int MaxDisplayName = 256;
    public const int MaxEmail = 254;
    public const int MaxDepartment = 128;
    public const int MaxEmployeeId = 64;

    /// <summary>Parses and checks every row; a <see cref="CsvFormatException"/>-level problem is returned as the
    /// error.</summary>
    public static (ParsedPeople? People, string? Error) Parse(ReadOnlyMemory<byte> utf8, int maxRows)
    {
        var options = Common.CsvImport.ReaderOptions;
        var rows = new List<PersonRow>();
        var rejections = new List<ImportRejection>();
        var firstRow = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            using var csv = CsvReader.Create(utf8, options);
            csv.ReadHeader();
            var headers = csv.Headers.ToArray();
            var (index, headerError) = Common.CsvImport.IndexHeader(headers, Columns, string.Join(",", Columns));
            if (index is null)
                return (null, headerError);
            var missing = RequiredColumns.Where(c => !index.ContainsKey(c)).ToList();
            if (missing.Count > 0)
                return (
                    null,
                    $"The header row lacks {string.Join(", ", missing)}; expected {string.Join(",", Columns)}."
                );

            var count = 0;
            while (csv.Read())
            {
                if (++count > maxRows)
                    return (null, $"The file has more than {maxRows} rows.");
                var row = (int)csv.RowNumber + 1;
                if (csv.FieldCount != headers.Length)
                {
                    rejections.Add(
                        new(row, "", $"The row has {csv.FieldCount} fields; the header has {headers.Length}.")
                    );
                    continue;
                }
                string? Field(string name) =>
                    index.TryGetValue(name, out var i)
                        ? Common.CsvImport.Unescape(csv.GetString(i)?.Trim() ?? "")
                        : null;
                var error = Check(row, Field, out var person);
                if (error is not null)
                {
                    rejections.Add(error);
                    continue;
                }
                if (!firstRow.TryAdd(person!.ObjectId, row))
                {
                    rejections.Add(
                        new(
                            row,
                            "objectId",
                            $"Duplicate: the object id already appears in row {firstRow[person.ObjectId]}, which is "
                                + "applied."
                        )
                    );
                    continue;
                }
                rows.Add(person);
            }
        }
        catch (CsvFormatException ex)
        {
            return (
                null,
                ex.RecordNumber > 0
                    ? $"Malformed CSV at record {ex.RecordNumber}: {ex.Message}"
                    : $"Malformed CSV: {ex.Message}"
            );
        }
        catch (InvalidOperationException ex)
        {
            return (null, $"Malformed CSV: {ex.Message}");
        }
        return (new ParsedPeople(rows, rejections), null);
    }

    private static ImportRejection? Check(int row, Func<string, string?> field, out PersonRow? person)
    {
        person = null;
        var objectId = NormaliseObjectId(field("objectId"));
        if (objectId is null)
            return new(row, "objectId", "Must be a GUID (the person's Entra object id).");
        var displayName = field("displayName");
        if (string.IsNullOrEmpty(displayName))
            return new(row, "displayName", "Required.");
        if (displayName.Length > MaxDisplayName)
            return new(row, "displayName", $"At most {MaxDisplayName} characters.");
        var email = field("email");
        if (string.IsNullOrEmpty(email))
            return new(row, "email", "Required.");
        if (!IsEmail(email))
            return new(row, "email", "Not an e-mail address / UPN (name@domain).");
        var department = NullIfEmpty(field("department"));
        if (department?.Length > MaxDepartment)
            return new(row, "department", $"At most {MaxDepartment} characters.");
        var managerText = NullIfEmpty(field("managerObjectId"));
        var manager = managerText is null ? null : NormaliseObjectId(managerText);
        if (managerText is not null && manager is null)
            return new(row, "managerObjectId", "Must be a GUID or empty.");
        if (manager == objectId)
            return new(row, "managerObjectId", "A person cannot be their own manager.");
        var statusText = field("status");
        if (!TryParseStatus(statusText, out var status))
            return new(row, "status", "Must be Active or Departed.");
        var employeeId = NullIfEmpty(field("employeeId"));
        if (employeeId?.Length > MaxEmployeeId)
            return new(row, "employeeId", $"At most {MaxEmployeeId} characters.");
        person = new PersonRow(row, objectId, displayName, email, department, manager, status, employeeId);
        return null;
    }

    public static string? NormaliseObjectId(string? value) =>
        Guid.TryParseExact(value, "D", out var guid) ? guid.ToString("D") : null;

    public static bool TryParseStatus(string? value, out PersonStatus status)
    {
        status = PersonStatus.Active;
        if (string.Equals(value, nameof(PersonStatus.Active), StringComparison.OrdinalIgnoreCase))
            return true;
        if (string.Equals(value, nameof(PersonStatus.Departed), StringComparison.OrdinalIgnoreCase))
        {
            status = PersonStatus.Departed;
            return true;
        }
        return false;
    }

    private static bool IsEmail(string value)
    {
        if (value.Length > MaxEmail || value.Any(char.IsWhiteSpace))
            return false;
        var at = value.IndexOf('@');
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1)
            return false;
        var domain = value[(at + 1)..];
        if (!domain.Contains('.') || domain.StartsWith('.') || domain.EndsWith('.'))
            return false;
        return MailAddress.TryCreate(value, out var parsed) && parsed.Address == value;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>Writes people in the import format (same columns), so an export imports back unchanged.</summary>
    public static byte[] Write(IEnumerable<PersonEntity> people)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, Common.CsvImport.WriterOptions, leaveOpen: true))
        {
            csv.WriteRecord(Columns);
            foreach (var p in people)
            {
                csv.WriteRecord([
                    p.ObjectId,
                    p.DisplayName,
                    p.Email,
                    p.Department ?? "",
                    p.ManagerObjectId ?? "",
                    p.Status,
                    p.EmployeeId ?? "",
                ]);
            }
        }
        return buffer.ToArray();
    }
}
