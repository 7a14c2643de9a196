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
