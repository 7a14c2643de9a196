namespace DevIdentity;

/// <summary>Someone the development identity provider can sign in as: the claims an Entra ID access token for the
/// management API would carry for them.</summary>
public sealed record Persona(
    string Name,
    string DisplayName,
    string Description,
    string ObjectId,
    string[] Roles,
    string[] Groups,
    bool Mfa
)
{
    /// <summary>The user principal name the token carries (<c>upn</c>, <c>preferred_username</c>).</summary>
    public string Upn => Name + "@contoso.test";
}

/// <summary>The fixed personas (stable object ids, so history rows and people records line up between runs).</summary>
public static class Personas
{
    /// <summary>The tenant id every development token carries (<c>tid</c>).</summary>
    public const string TenantId = "d0d0d0d0-0000-4000-8000-00000000d0e0";

    /// <summary>The security group that makes <see cref="FinanceLead"/> responsible for the Finance department.
    /// </summary>
    public const string FinanceGroup = "f1f1f1f1-0000-4000-8000-000000000001";

    public const string FinanceDepartment = "Finance";

    public static readonly Persona Admin = new(
        "admin",
        "Ada Admin",
        "IT administrator: everything (with MFA)",
        "d0000000-0000-4000-8000-000000000001",
        ["Inventory.Admin"],
        [],
        Mfa: true
    );

    public static readonly Persona AdminWithoutMfa = Admin with
    {
        Name = "admin-without-mfa",
        DisplayName = "Ada Admin (no MFA)",
        Description = "IT administrator signed in without MFA: reads, but every write is refused",
        Mfa = false,
    };

    public static readonly Persona Auditor = new(
        "auditor",
        "Aude Auditor",
        "Auditor: reads everything and runs audits, changes nothing",
        "d0000000-0000-4000-8000-000000000003",
        ["Inventory.Auditor"],
        [],
        Mfa: true
    );

    public static readonly Persona FinanceLead = new(
        "finance-lead",
        "Fin Lead",
        "Department lead of Finance (group " + FinanceGroup + ")",
        "d0000000-0000-4000-8000-000000000004",
        ["Inventory.DepartmentLead"],
        [FinanceGroup],
        Mfa: true
    );

    public static readonly Persona Employee = new(
        "employee",
        "Emma Employee",
        "Employee without a role: their own devices only",
        "d0000000-0000-4000-8000-000000000005",
        [],
        [],
        Mfa: true
    );

    public static readonly Persona EmployeeWithoutMfa = Employee with
    {
        Name = "employee-without-mfa",
        DisplayName = "Emma Employee (no MFA)",
        Description = "Employee signed in without MFA",
        Mfa = false,
    };

    public static IReadOnlyList<Persona> All { get; } =
    [Admin, AdminWithoutMfa, Auditor, FinanceLead, Employee, EmployeeWithoutMfa];

    public static Persona? Find(string? name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
