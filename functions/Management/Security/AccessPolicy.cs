using ItInventory.Functions.Common;

namespace ItInventory.Functions.Management.Security;

/// <summary>What a caller may do, decided without I/O. Each method answers null (allowed) or the 403 to return.
/// </summary>
public sealed class AccessPolicy(Microsoft.Extensions.Options.IOptions<ManagementSecurityOptions> options)
{
    /// <summary>Reading every asset, the audit trail, reports: admins and auditors.</summary>
    public Problem? ReadAll(Caller caller) =>
        caller.IsAdmin || caller.IsAuditor
            ? null
            : Problem.Forbidden("Requires the Inventory.Admin or Inventory.Auditor role.");

    /// <summary>Reading one asset: admins and auditors; a department lead within their departments; the asset's
    /// owner.</summary>
    public Problem? ReadAsset(Caller caller, string? department, string? ownerObjectId) =>
        caller.IsAdmin
        || caller.IsAuditor
        || LeadsDepartment(caller, department)
        || (
            ownerObjectId is not null
            && string.Equals(ownerObjectId, caller.ObjectId, StringComparison.OrdinalIgnoreCase)
        )
            ? null
            : Problem.Forbidden("This asset is outside what your roles let you read.");

    /// <summary>Changing an asset: admins; a department lead within their departments. Needs MFA.</summary>
    public Problem? WriteAsset(Caller caller, string? department) =>
        caller.IsAdmin || LeadsDepartment(caller, department)
            ? Mfa(caller)
            : Problem.Forbidden(
                "Requires the Inventory.Admin role, or Inventory.DepartmentLead for this asset's department."
            );

    /// <summary>Device credentials, enrollment secrets, taxonomy: admins only. Needs MFA.</summary>
    public Problem? Administer(Caller caller) =>
        caller.IsAdmin ? Mfa(caller) : Problem.Forbidden("Requires the Inventory.Admin role.");

    /// <summary>Reading the people directory: admins and auditors; a department lead for the people of their
    /// departments (a listing must name one of them).</summary>
    public Problem? ReadPeople(Caller caller, string? department) =>
        caller.IsAdmin || caller.IsAuditor || LeadsDepartment(caller, department)
            ? null
            : Problem.Forbidden(
                "Requires the Inventory.Admin or Inventory.Auditor role, or "
                    + "Inventory.DepartmentLead for this department."
            );

    /// <summary>Running audits: admins and auditors (an audit changes no inventory data).</summary>
    public Problem? RunAudit(Caller caller) => ReadAll(caller);

    /// <summary>Reading findings: admins and auditors; a department lead for the findings of their departments.
    /// </summary>
    public Problem? ReadFindings(Caller caller, string? department) =>
        caller.IsAdmin || caller.IsAuditor || LeadsDepartment(caller, department)
            ? null
            : Problem.Forbidden(
                "Requires the Inventory.Admin or Inventory.Auditor role, or "
                    + "Inventory.DepartmentLead for this finding's department."
            );

    /// <summary>Acting on findings (acknowledge, assign, snooze, resolve): admins; a department lead within their
    /// departments (null: any of them, before the finding is read). Auditors read only. Needs MFA.</summary>
    public Problem? ActOnFindings(Caller caller, string? department) =>
        caller.IsAdmin || (caller.IsDepartmentLead && (department is null || LeadsDepartment(caller, department)))
            ? Mfa(caller)
            : Problem.Forbidden(
                "Requires the Inventory.Admin role, or Inventory.DepartmentLead for this finding's department."
            );

    /// <summary>Reading KPI snapshots: admins and auditors, every scope; a department lead, the snapshots of their
    /// departments (the whole inventory's, department null, is not theirs).</summary>
    public Problem? ReadKpis(Caller caller, string? department) =>
        caller.IsAdmin || caller.IsAuditor || LeadsDepartment(caller, department)
            ? null
            : Problem.Forbidden(
                "Requires the Inventory.Admin or Inventory.Auditor role, or "
                    + "Inventory.DepartmentLead with a department of yours named in 'department'."
            );

    private static bool LeadsDepartment(Caller caller, string? department) =>
        caller.IsDepartmentLead && department is not null && caller.Departments.Contains(department);

    private Problem? Mfa(Caller caller) =>
        !options.Value.RequireMfaForWrites || caller.HasMfa
            ? null
            : Problem.Forbidden(
                "Changes require multi-factor authentication: sign in again with MFA "
                    + "(the token's 'amr' claim must contain 'mfa')."
            );
}
