using System.Security.Claims;

namespace ItInventory.Console.Services;

/// <summary>What the signed-in user's app roles open in the console. Only what to show and offer: the API decides.
/// </summary>
public static class Roles
{
    public const string Admin = "Inventory.Admin";
    public const string Auditor = "Inventory.Auditor";
    public const string DepartmentLead = "Inventory.DepartmentLead";

    public sealed record ConsolePage(string Href, string Title);

    public static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(Admin);

    public static bool CanReadInventory(ClaimsPrincipal user) =>
        user.IsInRole(Admin) || user.IsInRole(Auditor) || user.IsInRole(DepartmentLead);

    /// <summary>Admins and department leads change assets (leads only their departments'); auditors never.</summary>
    public static bool CanEditAssets(ClaimsPrincipal user) => user.IsInRole(Admin) || user.IsInRole(DepartmentLead);

    public static IReadOnlyList<ConsolePage> Pages(ClaimsPrincipal user)
    {
        var pages = new List<ConsolePage> { new("", "Home") };
        if (CanReadInventory(user))
            pages.Add(new("assets", "Assets"));
        if (IsAdmin(user))
            pages.Add(new("review", "Review"));
        if (CanReadInventory(user))
            pages.AddRange([new("findings", "Findings"), new("campaigns", "Audit campaigns")]);
        // Licences, people, enrollment secrets, reports and the audit trail (console2): as the API lets each role read.
        if (CanReadInventory(user))
            pages.AddRange([new("licences", "Licences"), new("people", "People")]);
        if (user.IsInRole(Admin) || user.IsInRole(Auditor))
            pages.Add(new("enrollment-secrets", "Enrollment secrets"));
        if (CanReadInventory(user))
            pages.Add(new("reports", "Reports"));
        if (user.IsInRole(Admin) || user.IsInRole(Auditor))
            pages.Add(new("audit-trail", "Audit trail"));
        pages.Add(new("my-devices", "My devices"));
        return pages;
    }

    public static string Describe(ClaimsPrincipal user)
    {
        var roles = new[] { Admin, Auditor, DepartmentLead }.Where(user.IsInRole).Select(r => r["Inventory.".Length..]);
        var text = string.Join(", ", roles);
        return text.Length == 0 ? "employee" : text;
    }
}
