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

    /// <summary>Development only: the issuer of the development identity provider (tools/DevIdentity), e.g.
    /// <c>http://127.0.0.1:7072/</c>. When set, tokens are validated against it instead of Entra ID. Accepted only on a
    /// loopback address and never on Azure (the app refuses to start); infra never sets it.</summary>
    public string? DevelopmentAuthority { get; set; }

    /// <summary>Environment variable Azure App Service and Functions set on every instance.</summary>
    public const string AzureInstanceVariable = "WEBSITE_INSTANCE_ID";

    /// <summary>Why <paramref name="authority"/> cannot be the development authority, or null when it can.</summary>
    public static string? DevelopmentAuthorityProblem(string? authority, bool runningInAzure)
    {
        if (string.IsNullOrEmpty(authority))
            return null;
        if (runningInAzure)
            return "ManagementSecurity:DevelopmentAuthority is set on Azure: the development identity provider is "
                + "for a developer's machine only.";
        return
            Uri.TryCreate(authority, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.IsLoopback
            && uri.Host != "localhost"
            ? null
            : $"ManagementSecurity:DevelopmentAuthority '{authority}' must be an http(s) address on a loopback IP "
                + "(e.g. http://127.0.0.1:7072/).";
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var inAzure = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AzureInstanceVariable));
        if (DevelopmentAuthorityProblem(DevelopmentAuthority, inAzure) is { } development)
        {
            yield return new ValidationResult(development, [nameof(DevelopmentAuthority)]);
        }
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
