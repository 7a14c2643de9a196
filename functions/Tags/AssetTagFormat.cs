using System.Globalization;
using System.Text.RegularExpressions;

namespace ItInventory.Functions.Tags;

/// <summary>The tag format (<c>&lt;PREFIX&gt;-&lt;at least 6 digits&gt;</c>) and what a label encodes. Pure
/// functions.</summary>
public static partial class AssetTagFormat
{
    public const string PrefixPattern = "^[A-Z][A-Z0-9]{0,9}$";

    /// <summary>Numbers are zero-padded to this many digits (and grow beyond when needed).</summary>
    public const int Digits = 6;

    public static string Format(string prefix, long number) =>
        prefix + "-" + number.ToString(new string('0', Digits), CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="value"/> is a well-formed tag (any prefix: tags keep their prefix when it is
    /// reconfigured).</summary>
    public static bool IsTag(string? value) => value is { Length: <= 32 } && TagRegex().IsMatch(value);

    /// <summary>The asset's URL in the management API.</summary>
    public static string AssetUrl(string baseUrl, string assetId) => baseUrl.TrimEnd('/') + "/api/assets/" + assetId;

    /// <summary>What the QR code holds: the tag on the first line, the asset's URL on the second.</summary>
    public static string LabelPayload(string tag, string assetUrl) => tag + "\n" + assetUrl;

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,9}-[0-9]{6,18}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();
}
