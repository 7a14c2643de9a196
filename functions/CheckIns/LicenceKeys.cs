using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ItInventory.Functions.Common;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.CheckIns;

/// <summary>Licence-key settings (section <c>LicenceKeys</c>).</summary>
public sealed class LicenceKeyOptions : IValidatableObject
{
    public const string SectionName = "LicenceKeys";

    /// <summary>The secret of the keyed hash of licence keys (a Key Vault reference in Azure). Without it keys are
    /// only masked and duplicates cannot be found. Changing it changes every hash from then on.</summary>
    [MinLength(32)]
    public string? HashSecret { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (HashSecret?.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true)
        {
            yield return new(
                "LicenceKeys:HashSecret is an unresolved Key Vault reference; check the app identity's access to the "
                    + "vault.",
                [nameof(HashSecret)]
            );
        }
    }
}

/// <summary>
/// Licence and product keys are never stored in clear: before a check-in is written anywhere (the claim-check blob
/// included), each key is replaced by its masked form (all but the last five characters hidden) and an HMAC-SHA-256
/// of its normalised form with the server's secret. The masked form lets people recognise a key; the hash finds the
/// same key on two machines; neither gives the key back, and without the secret the hash cannot be tested against
/// guessed keys. A <c>maskedKey</c> or <c>keyHash</c> the device sends is replaced (without a key, dropped): the
/// server's are the only ones.
/// </summary>
public sealed class LicenceKeyProtector(IOptions<LicenceKeyOptions> options)
{
    /// <summary>Characters a masked key shows (the end of the key, as vendors' own tools do).</summary>
    public const int VisibleCharacters = 5;

    /// <summary>A key with fewer letters and digits than this is masked whole: five of it would be most of it.
    /// </summary>
    public const int MinimumForVisible = 12;

    /// <summary>Group separators a key is written with; every other character counts (and is hidden).</summary>
    private static bool IsSeparator(char c) => c is '-' or ' ' or '.' or '/' or '_' or ':';

    private readonly byte[]? secret = options.Value.HashSecret is { Length: > 0 } s ? Encoding.UTF8.GetBytes(s) : null;

    /// <summary>The check-in with every licence key replaced (the same instance when it carries none); the payload
    /// is dropped, so the intake stores the protected request (serialised) and the blob holds no key either.</summary>
    public ReceivedCheckin Protect(ReceivedCheckin checkin)
    {
        if (checkin.Request.Inventory?.Licences is not { Count: > 0 } licences)
            return checkin;
        // An entry left without a key is dropped here, as the validator would drop it when the payload is read back.
        var protectedLicences = licences.Select(Protect).Where(l => l.MaskedKey is not null).ToList();
        var request = checkin.Request with
        {
            Inventory = checkin.Request.Inventory with { Licences = protectedLicences },
        };
        return checkin with { Request = request, Payload = null };
    }

    public LicenceKeyData Protect(LicenceKeyData licence)
    {
        // Without a key there is nothing the server vouches for: a device's own masked text could be a key in clear.
        if (Normalise(licence.Key) is not { Length: > 0 } key)
            return licence with { Key = null, MaskedKey = null, KeyHash = null };
        return licence with { Key = null, MaskedKey = Mask(licence.Key!), KeyHash = Hash(key) };
    }

    /// <summary>HMAC-SHA-256 of a normalised key, 64 hex digits; null without a configured secret.</summary>
    public string? Hash(string normalisedKey) =>
        secret is null
            ? null
            : Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(normalisedKey)));

    /// <summary>The key without separators, upper-cased: <c>abcde-12345</c> and <c>ABCDE12345</c> are one key.
    /// </summary>
    public static string? Normalise(string? key) =>
        key is null ? null : new string(key.Where(c => !IsSeparator(c)).Select(char.ToUpperInvariant).ToArray());

    /// <summary>Every character but the separators and the last five replaced by <c>*</c> (all of them for a
    /// short key); the separators (dashes) kept, so the masked key has the key's familiar shape.</summary>
    public static string Mask(string key)
    {
        var text = key.Trim();
        var significant = text.Count(c => !IsSeparator(c));
        var hidden = significant >= MinimumForVisible ? significant - VisibleCharacters : significant;
        var masked = new StringBuilder(text.Length);
        var seen = 0;
        foreach (var c in text)
        {
            if (IsSeparator(c))
                masked.Append(c);
            else
                masked.Append(seen++ < hidden ? '*' : char.ToUpperInvariant(c));
        }
        return masked.ToString();
    }
}
