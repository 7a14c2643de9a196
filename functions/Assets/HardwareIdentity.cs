using System.Globalization;

namespace ItInventory.Functions.Assets;

/// <summary>The kinds of hardware identity the inventory indexes, in the order they are trusted.</summary>
public enum IdentityKind
{
    Uuid,
    Serial,
    Mac,
}

/// <summary>One normalised identity value, e.g. <c>serial|PF3ABC12</c>; its <see cref="Key"/> is the index
/// PartitionKey.</summary>
public readonly record struct IdentityKey(IdentityKind Kind, string Value)
{
    public string Key =>
        Kind switch
        {
            IdentityKind.Uuid => "uuid|" + Value,
            IdentityKind.Serial => "serial|" + Value,
            _ => "mac|" + Value,
        };

    public override string ToString() => Key;
}

/// <summary>
/// A machine's identity, normalised so that the same machine is always found: serials upper-case alphanumerics
/// without placeholders, SMBIOS UUIDs as lower-case GUIDs (nil, all-F and well-known dummy values dropped), MACs as
/// 12 upper-case hex digits (broadcast, multicast, all-zero and locally administered — random or virtual — dropped).
/// </summary>
public sealed record HardwareIdentity(
    string? SerialNumber,
    string? SmbiosUuid,
    IReadOnlyList<string> MacAddresses,
    string? Hostname
)
{
    public static HardwareIdentity Normalise(
        string? serialNumber,
        string? smbiosUuid,
        IEnumerable<string?>? macAddresses,
        string? hostname
    ) =>
        new(
            NormaliseSerial(serialNumber),
            NormaliseUuid(smbiosUuid),
            (macAddresses ?? [])
                .Select(NormaliseMac)
                .OfType<string>()
                .Where(IsStableMac)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToArray(),
            string.IsNullOrWhiteSpace(hostname) ? null : hostname.Trim().ToLowerInvariant()
        );

    /// <summary>The keys to look up, most trusted first.</summary>
    public IEnumerable<IdentityKey> Keys
    {
        get
        {
            if (SmbiosUuid is not null)
                yield return new(IdentityKind.Uuid, SmbiosUuid);
            if (SerialNumber is not null)
                yield return new(IdentityKind.Serial, SerialNumber);
            // Network gear lists hundreds of MACs: only a few serve as identity rows (CheckinLimits).
            foreach (var mac in MacAddresses.Take(Common.CheckinLimits.MaxIdentityMacAddresses))
                yield return new(IdentityKind.Mac, mac);
        }
    }

    public bool IsEmpty => SerialNumber is null && SmbiosUuid is null && MacAddresses.Count == 0;

    private static readonly HashSet<string> PlaceholderSerials = new(StringComparer.Ordinal)
    {
        "TOBEFILLEDBYOEM",
        "SYSTEMSERIALNUMBER",
        "DEFAULTSTRING",
        "NONE",
        "NA",
        "NOTAPPLICABLE",
        "NOTSPECIFIED",
        "0123456789",
        "123456789",
        "1234567890",
        "SERIAL",
        "CHASSISSERIALNUMBER",
        "OEM",
        "INVALID",
        "UNKNOWN",
        "EMPTY",
        "NULL",
        "XXXXXXXXXX",
        "VMWARE",
        "PARALLELS",
    };

    private static readonly HashSet<string> PlaceholderUuids = new(StringComparer.Ordinal)
    {
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "03000200-0400-0500-0006-000700080009",
        "00020003-0004-0005-0006-000700080009",
    };

    public static string? NormaliseSerial(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        var cleaned = new string(value.Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        if (cleaned.Length < 3 || PlaceholderSerials.Contains(cleaned) || cleaned.Distinct().Count() == 1)
            return null;
        return cleaned;
    }

    public static string? NormaliseUuid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !Guid.TryParse(value.Trim(), out var guid))
            return null;
        var text = guid.ToString("D");
        return PlaceholderUuids.Contains(text) ? null : text;
    }

    /// <summary>Normalises a MAC written with ':', '-', '.' or no separators; null if it is not 6 octets.</summary>
    public static string? NormaliseMac(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        Span<char> hex = stackalloc char[12];
        var n = 0;
        foreach (var c in value.Trim())
        {
            if (c is ':' or '-' or '.')
                continue;
            if (!char.IsAsciiHexDigit(c) || n == 12)
                return null;
            hex[n++] = char.ToUpperInvariant(c);
        }
        return n == 12 ? new string(hex) : null;
    }

    /// <summary>True for a universally administered unicast MAC: worth using as an identity.</summary>
    public static bool IsStableMac(string normalisedMac)
    {
        var firstOctet = int.Parse(normalisedMac.AsSpan(0, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var multicast = (firstOctet & 0x01) != 0;
        var locallyAdministered = (firstOctet & 0x02) != 0;
        return !multicast && !locallyAdministered && normalisedMac != "000000000000";
    }
}
