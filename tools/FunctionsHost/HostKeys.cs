using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FunctionsHost;

/// <summary>
/// Function and admin keys, as the real host checks them: a key comes in the <c>x-functions-key</c> header or the
/// <c>code</c> query parameter. The master key opens everything; a function key opens function-level endpoints —
/// a key named after the function opens that function only, the key named <c>default</c> opens every function.
/// </summary>
internal sealed class HostKeys(
    string masterKey,
    IReadOnlyDictionary<string, string> functionKeys,
    bool masterKeyGenerated
)
{
    public string MasterKey { get; } = masterKey;

    public bool MasterKeyGenerated { get; } = masterKeyGenerated;

    public IReadOnlyDictionary<string, string> FunctionKeys { get; } = functionKeys;

    public static HostKeys From(string? masterKey, IReadOnlyDictionary<string, string> functionKeys)
    {
        var generated = string.IsNullOrEmpty(masterKey);
        return new HostKeys(
            generated ? NewKey() : masterKey!,
            new Dictionary<string, string>(functionKeys, StringComparer.OrdinalIgnoreCase),
            generated
        );
    }

    public static string? KeyOf(HttpRequest request) =>
        request.Headers.TryGetValue("x-functions-key", out var header) && !string.IsNullOrEmpty(header)
            ? header.ToString()
        : request.Query.TryGetValue("code", out var code) && !string.IsNullOrEmpty(code) ? code.ToString()
        : null;

    public bool IsMaster(string? key) => key is not null && Same(key, MasterKey);

    /// <summary>Whether <paramref name="key"/> opens a function with <paramref name="authLevel"/> (anonymous, function,
    /// admin).</summary>
    public bool Authorizes(string? authLevel, string function, string? key)
    {
        switch (authLevel?.ToLowerInvariant())
        {
            case null or "" or "anonymous":
                return true;
            case "function":
                if (key is null)
                    return false;
                if (IsMaster(key))
                    return true;
                return (FunctionKeys.TryGetValue(function, out var own) && Same(key, own))
                    || (FunctionKeys.TryGetValue("default", out var shared) && Same(key, shared));
            default:
                // admin (and system/user, which need keys this host does not issue): the master key only.
                return IsMaster(key);
        }
    }

    private static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    private static string NewKey() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
