using ItInventory.Functions.Tags;

namespace ItInventory.Console.Services;

/// <summary>What a scan read, as the campaign record takes it: a tag (what a QR label's first line holds, or what
/// was typed), or the asset id from the label's URL when there is no tag line.</summary>
public sealed record ScanInput(string? Tag, string? AssetId)
{
    /// <summary>Reads a QR label's text (<c>ITI-000123\nhttps://…/api/assets/&lt;id&gt;</c>) or a typed tag; null
    /// when it holds neither.</summary>
    public static ScanInput? Read(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var lines = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var first = lines[0].ToUpperInvariant();
        if (AssetTagFormat.IsTag(first))
            return new(first, null);
        foreach (var line in lines)
        {
            if (
                Uri.TryCreate(line, UriKind.Absolute, out var uri)
                && uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) is [.., "api", "assets", var id]
            )
                return new(null, Uri.UnescapeDataString(id));
        }
        return null;
    }

    public string Label => Tag ?? AssetId ?? "";
}
