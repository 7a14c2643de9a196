using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;

namespace ItInventory.Functions.Campaigns;

/// <summary>Who may read and record in a campaign, decided without I/O (creating and closing are
/// <see cref="AccessPolicy.Administer"/>: admins with MFA). Each method answers null (allowed) or the 403.</summary>
public static class CampaignAccess
{
    /// <summary>Whether the caller sees only their departments' part of campaigns (a department lead who is neither
    /// admin nor auditor).</summary>
    public static bool LimitedToDepartments(Caller caller) =>
        !caller.IsAdmin && !caller.IsAuditor && caller.IsDepartmentLead;

    /// <summary>Reading a campaign: admins and auditors; a lead when the campaign can hold their departments' assets
    /// (scope all, location or category, or one of their departments).</summary>
    public static Problem? Read(Caller caller, CampaignEntity campaign)
    {
        if (caller.IsAdmin || caller.IsAuditor)
            return null;
        if (
            caller.IsDepartmentLead
            && (
                campaign.Scope != nameof(ScopeKind.Department)
                || (campaign.ScopeValue is { } department && caller.Departments.Contains(department))
            )
        )
        {
            return null;
        }
        return Problem.Forbidden(
            "Requires the Inventory.Admin or Inventory.Auditor role, or Inventory.DepartmentLead "
                + "for a department this campaign covers."
        );
    }

    /// <summary>Recording an asset: admins and auditors; a lead for the assets of their departments (and unknown
    /// tags, which belong to no department) in a campaign they may read.</summary>
    public static Problem? Record(Caller caller, CampaignEntity campaign, bool knownAsset, string? department)
    {
        if (Read(caller, campaign) is { } denied)
            return denied;
        if (caller.IsAdmin || caller.IsAuditor || !knownAsset)
            return null;
        return department is not null && caller.Departments.Contains(department)
            ? null
            : Problem.Forbidden("A department lead records only the assets of their departments.");
    }

    /// <summary>Whether a lead-limited caller sees a row of this department.</summary>
    public static bool Sees(Caller caller, string? department) =>
        !LimitedToDepartments(caller) || (department is not null && caller.Departments.Contains(department));
}
