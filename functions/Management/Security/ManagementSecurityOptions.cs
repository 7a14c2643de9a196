using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Management.Security;

/// <summary>Authorisation settings of the management API and how Entra ID's metadata is fetched (section
/// <c>ManagementSecurity</c>), validated on start. Token validation itself is configured in the <c>AzureAd</c>
/// section (Microsoft.Identity.Web).</summary>
public sealed class ManagementSecurityOptions : IValidatableObject
{
    public const string SectionName = "ManagementSecurity";

    /// <summary>Writes require a token whose <c>amr</c> claim holds one of these values.</summary>
    public string[] MfaMethods { get; set; } = ["mfa"];

    /// <summary>Turn off only where MFA is enforced upstream and not reflected in tokens.</summary>
    public bool RequireMfaForWrites { get; set; } = true;

    /// <summary>Entra ID security group object id → department it makes a department lead responsible for
    /// (the token's <c>groups</c> claim).</summary>
    public Dictionary<string, string> DepartmentGroups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Longest wait, in seconds, for one fetch of Entra ID's OpenID metadata (discovery document and signing
    /// keys together). Concurrent requests share the one fetch.</summary>
    [Range(1, 60)]
    public int MetadataTimeoutSeconds { get; set; } = 5;

    /// <summary>After a failed metadata fetch, seconds before the next attempt. While no signing keys were ever
    /// fetched, management requests meanwhile answer 503 at once, with this as their Retry-After.</summary>
    [Range(1, 3600)]
    public int MetadataRetrySeconds { get; set; } = 15;

    /// <summary>Minutes after which the cached metadata is refreshed, in the background; if that fails, tokens keep
    /// being validated with the cached keys (minimum 5, the identity library's floor).</summary>
    [Range(5, 7 * 24 * 60)]
    public int MetadataRefreshMinutes { get; set; } = 12 * 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MfaMethods.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult(
                "ManagementSecurity:MfaMethods must not contain blank values.",
                [nameof(MfaMethods)]
            );
        }
        if (RequireMfaForWrites && MfaMethods.Length == 0)
        {
            yield return new ValidationResult(
                "ManagementSecurity:MfaMethods is empty while RequireMfaForWrites is on: no token could ever write.",
                [nameof(MfaMethods)]
            );
        }
        foreach (var (group, department) in DepartmentGroups)
        {
            if (string.IsNullOrWhiteSpace(group) || string.IsNullOrWhiteSpace(department))
            {
                yield return new ValidationResult(
                    $"ManagementSecurity:DepartmentGroups:{group} must map a group id to a department name.",
                    [nameof(DepartmentGroups)]
                );
            }
        }
    }
}
