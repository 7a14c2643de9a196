using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>What an agent presented: a device id with a secret (HTTP Basic) or with an access token (OAuth).
/// </summary>
public sealed record AgentCredential(string DeviceId, string? Secret, string? Token);

/// <summary>
/// The existing agents cannot send our <c>Authorization: Device …</c> header, but they do HTTP Basic after a
/// <c>401</c> with <c>WWW-Authenticate: Basic realm="…"</c>, and the GLPI Agent (≥ 1.10) OAuth2 client credentials.
/// Both carry the device id and secret from enrollment (Basic user/password; OAuth client id/secret), so both map onto
/// the one device credential.
/// <para>
/// Access tokens are stateless: <c>&lt;deviceId&gt;.&lt;expiry&gt;.&lt;mac&gt;</c>, the MAC an HMAC-SHA256 keyed with
/// the device's stored credential hash. Verifying one costs the same point read of the summary row as a Basic
/// credential; no key needs managing, and rotating or revoking the credential invalidates every token issued for it.
/// </para>
/// </summary>
public static class AgentCredentials
{
    /// <summary>Lifetime of an access token.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    /// <summary>Reads <c>Basic base64(deviceId:secret)</c>, <c>Bearer token</c> or the native <c>Device
    /// id.secret</c>; null when none of them.</summary>
    public static AgentCredential? Parse(string? authorization)
    {
        if (string.IsNullOrWhiteSpace(authorization) || authorization.Length > 1024)
            return null;
        if (Devices.DeviceSecrets.TryParseAuthorization(authorization, out var id, out var deviceSecret))
            return new AgentCredential(id, deviceSecret, null);
        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
            return null;
        var scheme = authorization[..space];
        var value = authorization[(space + 1)..].Trim();
        if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return ParseBasic(value);
        if (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            var dot = value.IndexOf('.', StringComparison.Ordinal);
            return dot > 0 && TableKeys.IsAssetId(value[..dot]) ? new AgentCredential(value[..dot], null, value) : null;
        }
        return null;
    }

    /// <summary>The device id and secret of a Basic credential (<c>user:password</c>, base64).</summary>
    public static AgentCredential? ParseBasic(string base64)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return null;
        }
        var text = Encoding.UTF8.GetString(bytes);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
            return null;
        var deviceId = text[..colon].Trim().ToLowerInvariant();
        return TableKeys.IsAssetId(deviceId) ? new AgentCredential(deviceId, text[(colon + 1)..], null) : null;
    }

    /// <summary>Whether the presented credential proves possession of the credential stored as this hash.</summary>
    public static bool Proves(AgentCredential credential, string? storedHash, DateTimeOffset now) =>
        credential.Secret is { } secret
            ? Devices.DeviceSecrets.Matches(secret, storedHash)
            : credential.Token is { } token && VerifyToken(token, credential.DeviceId, storedHash, now);

    /// <summary>A new access token for the device, bound to the credential hash it authenticated with.</summary>
    public static string IssueToken(string deviceId, string credentialHash, DateTimeOffset now)
    {
        var expires = (now + TokenLifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{deviceId}.{expires}.{Mac(deviceId, expires, credentialHash)}";
    }

    private static bool VerifyToken(string token, string deviceId, string? storedHash, DateTimeOffset now)
    {
        if (storedHash is not { Length: 64 })
            return false;
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0] != deviceId)
            return false;
        if (!long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return false;
        if (DateTimeOffset.FromUnixTimeSeconds(Math.Min(expires, 253402300799)) <= now)
            return false;
        var expected = Encoding.ASCII.GetBytes(Mac(deviceId, parts[1], storedHash));
        var presented = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private static string Mac(string deviceId, string expires, string credentialHash)
    {
        var key = Convert.FromHexString(credentialHash);
        var mac = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes($"glpi-agent-token|{deviceId}|{expires}"));
        return Base64Url.EncodeToString(mac);
    }
}
