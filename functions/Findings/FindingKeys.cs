using System.Text.RegularExpressions;

namespace ItInventory.Functions.Findings;

/// <summary>
/// Keys of the <c>findings</c> table (docs/storage.md). A finding's id is
/// <c>&lt;kind&gt;.&lt;subjectId&gt;.&lt;subjectType&gt;</c>:
/// derived from the condition, so one condition can never have two findings, and readable (it names what it is
/// about). Its PartitionKey is the kind and its RowKey the rest, so the id alone finds the row with one point read.
/// Index rows live in partitions starting with <c>~</c>, which sorts after every kind (kinds are lower-case kebab).
/// </summary>
public static partial class FindingKeys
{
    public const string SubjectIdPattern = "^[A-Za-z0-9_.:@-]{1,200}$";

    /// <summary>Finding rows sort below this PartitionKey; index rows at or above it.</summary>
    public const string IndexPartitionsStart = "~";

    public static string RowKey(string subjectType, string subjectId) => subjectId + "." + subjectType;

    public static string Id(string kind, string rowKey) => kind + "." + rowKey;

    public static string Id(FindingCondition condition) =>
        Id(condition.Kind, RowKey(condition.SubjectType, condition.SubjectId));

    /// <summary>The RowKey range of one subject's finding within a kind's partition (any subject type).</summary>
    public static (string From, string To) SubjectRange(string subjectId) => (subjectId + ".", subjectId + "/");

    /// <summary>The (PartitionKey, RowKey) of a finding id, or null when the id is not one.</summary>
    public static (string Kind, string RowKey)? Parse(string? id)
    {
        if (id is null || id.Length > 300)
            return null;
        var first = id.IndexOf('.');
        var last = id.LastIndexOf('.');
        if (first <= 0 || last <= first + 1 || last == id.Length - 1)
            return null;
        var kind = id[..first];
        var subjectId = id[(first + 1)..last];
        var subjectType = id[(last + 1)..];
        return FindingKinds.IsKnown(kind) && FindingSubjects.IsKnown(subjectType) && SubjectIdRegex().IsMatch(subjectId)
            ? (kind, id[(first + 1)..])
            : null;
    }

    public static bool IsSubjectId(string? value) => value is not null && SubjectIdRegex().IsMatch(value);

    /// <summary>Index partition of a department's findings (the department escaped: keys may not hold / \ # ?).
    /// Findings without a department share <c>~d|</c>.</summary>
    public static string DepartmentPartition(string? department) => "~d|" + Uri.EscapeDataString(department ?? "");

    /// <summary>The partition of the kinds' confirmation marks (<see cref="FindingConfirmationEntity"/>).</summary>
    public const string ConfirmationsPartition = "~c";

    /// <summary>Index partition of one subject's findings (every kind).</summary>
    public static string SubjectPartition(string subjectType, string subjectId) =>
        "~s|" + subjectType + "|" + subjectId;

    /// <summary>Throws when a scan hands over a malformed condition: a programming error of the scan, not user input.
    /// </summary>
    public static void Validate(FindingCondition condition)
    {
        if (!FindingKinds.IsKnown(condition.Kind))
            throw new ArgumentException($"Unknown finding kind '{condition.Kind}'.", nameof(condition));
        if (!FindingSubjects.IsKnown(condition.SubjectType))
            throw new ArgumentException($"Unknown subject type '{condition.SubjectType}'.", nameof(condition));
        if (!IsSubjectId(condition.SubjectId))
            throw new ArgumentException(
                $"Subject id '{condition.SubjectId}' is not a key-safe token ({SubjectIdPattern}).",
                nameof(condition)
            );
        if (string.IsNullOrWhiteSpace(condition.Text))
            throw new ArgumentException("A finding needs a text.", nameof(condition));
    }

    [GeneratedRegex(SubjectIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex SubjectIdRegex();
}
