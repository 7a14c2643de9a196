namespace ItInventory.Functions.Management.Security;

/// <summary>App roles of the management API (defined on the Entra ID app registration).</summary>
public static class ManagementRoles
{
    /// <summary>Everything, including device credentials and enrollment secrets.</summary>
    public const string Admin = "Inventory.Admin";

    /// <summary>Reads everything and runs audits; changes nothing.</summary>
    public const string Auditor = "Inventory.Auditor";

    /// <summary>Reads and writes the assets of their departments.</summary>
    public const string DepartmentLead = "Inventory.DepartmentLead";
}

/// <summary>Authorisation settings of the management API (section <c>ManagementSecurity</c>). Token validation
/// itself is configured in the <c>AzureAd</c> section (Microsoft.Identity.Web).</summary>
public sealed class ManagementSecurityOptions
{
    public const string SectionName = "ManagementSecurity";

    /// <summary>Writes require a token whose <c>amr</c> claim holds one of these values.</summary>
    public string[] MfaMethods { get; set; } = ["mfa"];

    /// <summary>Turn off only where MFA is enforced upstream and not reflected in tokens.</summary>
    public bool RequireMfaForWrites { get; set; } = true;

    /// <summary>Entra ID security group object id → department it makes a department lead responsible for
    /// (the token's <c>groups</c> claim).</summary>
    public Dictionary<string, string> DepartmentGroups { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
