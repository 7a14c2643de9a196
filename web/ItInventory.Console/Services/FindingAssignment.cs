using ItInventory.Functions.Findings;
using ItInventory.Functions.People;

namespace ItInventory.Console.Services;

/// <summary>The finding page's assign form (pure code): whom it offers and whom it sends. The API assigns a finding to
/// one active person of the directory (<c>POST /api/findings/{id}/assign</c> with <c>assignee</c> = their object id,
/// under the finding's ETag); it has no teams, so the form names people.</summary>
public static class FindingAssignment
{
    public const int PageSize = 200;

    /// <summary>The active people to offer: the finding's department's when it has one (a department lead may list
    /// only their own), else the directory's first page.</summary>
    public static string PeopleQuery(FindingView finding) =>
        "people?pageSize="
        + PageSize
        + "&status=Active"
        + (
            string.IsNullOrWhiteSpace(finding.Department)
                ? ""
                : "&department=" + Uri.EscapeDataString(finding.Department)
        );

    /// <summary>Active people by name, without the current assignee (assigning them again changes nothing).</summary>
    public static IReadOnlyList<PersonView> Choices(IEnumerable<PersonView> people, FindingView finding) =>
        [
            .. people
                .Where(p => p.Status == "Active" && p.ObjectId != finding.Assignee)
                .OrderBy(p => p.DisplayName, StringComparer.CurrentCultureIgnoreCase),
        ];

    /// <summary>The object id typed in wins over the choice in the list (someone outside the department listed);
    /// null when neither is given.</summary>
    public static string? Assignee(string? chosen, string? typed) =>
        !string.IsNullOrWhiteSpace(typed) ? typed.Trim()
        : !string.IsNullOrWhiteSpace(chosen) ? chosen
        : null;

    /// <summary>How the page words the result: the person's name as the API recorded it.</summary>
    public static string Done(FindingView assigned) => $"Assigned to {assigned.AssigneeName ?? assigned.Assignee}.";
}
