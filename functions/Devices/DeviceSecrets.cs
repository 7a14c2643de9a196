using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ItInventory.Functions.Devices;

/// <summary>
/// Generation and verification of high-entropy secrets (device credentials, enrollment secrets): 256 random bits,
/// base64url, stored only as a SHA-256 hash and compared in constant time. A slow password hash is not needed:
/// the secrets are random, not chosen by people, so a hash cannot be brute-forced.
/// </summary>
public static class DeviceSecrets
{
    public const int SecretBytes = 32;

    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Constant-time comparison of a presented secret with a stored hash.</summary>
    public static bool Matches(string presentedSecret, string? storedHash)
    {
        if (storedHash is not { Length: 64 })
        {
            return false;
        }
        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedSecret), presented);
        Span<byte> stored = stackalloc byte[32];
        return Convert.FromHexString(storedHash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    /// <summary>The value of the <c>Authorization</c> header a device sends: <c>Device
    /// &lt;deviceId&gt;.&lt;secret&gt;</c>.</summary>
    public static string AuthorizationHeader(string deviceId, string secret) =>
        $"{Common.DeviceCredentialScheme.Name} {deviceId}.{secret}";

    /// <summary>Splits <c>Device &lt;deviceId&gt;.&lt;secret&gt;</c>; false when the header is not of that
    /// form.</summary>
    public static bool TryParseAuthorization(string? header, out string deviceId, out string secret)
    {
        deviceId = secret = "";
        if (string.IsNullOrWhiteSpace(header))
            return false;
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        if (
            space <= 0
            || !header.AsSpan(0, space).Equals(Common.DeviceCredentialScheme.Name, StringComparison.OrdinalIgnoreCase)
        )
            return false;
        var token = header.AsSpan(space + 1).Trim();
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot == token.Length - 1 || token.Length > 200)
            return false;
        deviceId = token[..dot].ToString();
        secret = token[(dot + 1)..].ToString();
        return Storage.TableKeys.IsAssetId(deviceId);
    }
}
