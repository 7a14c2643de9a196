using System.Security.Cryptography;
using System.Text;

namespace ItInventory.Functions.Common;

/// <summary>
/// The one continuation-token scheme of the API's listings: the storage position (e.g. a Table continuation token),
/// base64url, and a check value over it and the listing's scope (which listing, and its filter). A token that was
/// altered, or is replayed with other filters or on another listing, decodes to null (the listing answers 400). The
/// check value is not a secret: a forged token can only move the position inside the same filtered, access-scoped
/// query.
/// </summary>
public static class ContinuationTokens
{
    private const int MaxTokenLength = 4096;

    public static string Encode(string position, string scope) =>
        Base64Url(Encoding.UTF8.GetBytes(position)) + "." + Check(position, scope);

    /// <summary>The position a token holds, or null when it is malformed, altered or from another scope.</summary>
    public static string? Decode(string token, string scope)
    {
        var dot = token.IndexOf('.');
        if (dot <= 0 || token.Length > MaxTokenLength)
            return null;
        try
        {
            var position = Encoding.UTF8.GetString(FromBase64Url(token[..dot]));
            return string.Equals(Check(position, scope), token[(dot + 1)..], StringComparison.Ordinal)
                ? position
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string Check(string position, string scope) =>
        Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes("continuation-v1\n" + scope + "\n" + position))
        )[..16];

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        if (text.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            throw new FormatException("Not base64url.");
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch
        {
            2 => "==",
            3 => "=",
            0 => "",
            _ => throw new FormatException("Bad length."),
        };
        return Convert.FromBase64String(padded);
    }
}
