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
