namespace ItInventory.Functions.Management.Security;

/// <summary>A signed-in person calling the management API, as their validated token describes them.</summary>
public sealed record Caller(
    string ObjectId,
    string? Upn,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> Departments,
    bool HasMfa
)
{
    public bool IsAdmin => Roles.Contains(ManagementRoles.Admin);

    public bool IsAuditor => Roles.Contains(ManagementRoles.Auditor);

    public bool IsDepartmentLead => Roles.Contains(ManagementRoles.DepartmentLead) && Departments.Count > 0;

    /// <summary>How history rows name this caller.</summary>
    public string Actor => Upn is null ? ObjectId : $"{Upn} ({ObjectId})";

    /// <summary>A scheduled job of the app acting as an administrator (e.g. the idle scan moving an asset to Idle):
    /// its writes go through the same paths as a person's and are audited as the system job.</summary>
    public static Caller System(string job) =>
        new(job, null, new HashSet<string> { ManagementRoles.Admin }, new HashSet<string>(), true) { Job = job };

    /// <summary>The system job this caller is, or null for a person.</summary>
    public string? Job { get; private init; }

    /// <summary>The caller as the audit trail records them.</summary>
    public Audit.AuditActor AuditActor =>
        Job is null ? Audit.AuditActor.Person(ObjectId, Upn) : Audit.AuditActor.System(Job);
}
