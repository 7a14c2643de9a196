namespace ItInventory.Functions.Management.Security;

/// <summary>A signed-in person calling the management API, as their validated token describes them.</summary>
public sealed record Caller(
    string ObjectId, string? Upn, IReadOnlySet<string> Roles, IReadOnlySet<string> Departments, bool HasMfa)
{
    public bool IsAdmin => Roles.Contains(ManagementRoles.Admin);

    public bool IsAuditor => Roles.Contains(ManagementRoles.Auditor);

    public bool IsDepartmentLead => Roles.Contains(ManagementRoles.DepartmentLead) && Departments.Count > 0;

    /// <summary>How history rows name this caller.</summary>
    public string Actor => Upn is null ? ObjectId : $"{Upn} ({ObjectId})";

    /// <summary>The caller as the audit trail records them.</summary>
    public Audit.AuditActor AuditActor => Audit.AuditActor.Person(ObjectId, Upn);
}
