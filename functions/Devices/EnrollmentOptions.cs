using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Devices;

/// <summary>Enrollment settings (section <c>Enrollment</c>).</summary>
public sealed class EnrollmentOptions : IValidatableObject
{
    public const string SectionName = "Enrollment";

    /// <summary>The bootstrap enrollment secret (Key Vault reference in Azure). Further secrets are created through
    /// the API and stored hashed; several are valid at once, which allows rotation.</summary>
    [MinLength(16)]
    public string? Secret { get; set; }

    /// <summary>Length of a throttling window, in seconds. Counters are per instance of the app (see
    /// docs/api.md, "Enrollment throttling").</summary>
    [Range(1, 3600)]
    public int ThrottleWindowSeconds { get; set; } = 60;

    /// <summary>Enrollment attempts per source address (an IPv6 source counts per /64) and window.</summary>
    [Range(1, 100_000)]
    public int MaxAttemptsPerSource { get; set; } = 60;

    /// <summary>Refused enrollment secrets per source address and window; beyond it the source gets 429 until the
    /// window ends.</summary>
    [Range(1, 10_000)]
    public int MaxFailuresPerSource { get; set; } = 10;

    /// <summary>Enrollment attempts per enrollment secret and window (a fleet rollout shares one secret: agents
    /// honour Retry-After and come back).</summary>
    [Range(1, 1_000_000)]
    public int MaxAttemptsPerSecret { get; set; } = 600;

    /// <summary>The header that names the client's address. <c>X-Forwarded-For</c>: its right-most entry, which the
    /// platform's own front end appends. Another header (e.g. <c>X-Azure-ClientIP</c> behind Azure Front Door; then
    /// let only Front Door reach the app) is read as a single address.</summary>
    [Required, MaxLength(64)]
    public string ClientAddressHeader { get; set; } = EnrollmentThrottle.ForwardedFor;

    /// <summary>An unresolved Key Vault reference (e.g. while a role assignment propagates) is public text, not a
    /// secret: the app refuses to start with it rather than accept it as an enrollment secret.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Secret?.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true)
        {
            yield return new(
                "Enrollment:Secret is an unresolved Key Vault reference; check the app identity's access to the vault.",
                [nameof(Secret)]
            );
        }
    }
}
