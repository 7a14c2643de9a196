using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Tags;

/// <summary>Asset tags and their QR labels (section <c>AssetTags</c>).</summary>
public sealed class AssetTagOptions
{
    public const string SectionName = "AssetTags";

    /// <summary>Prefix of every tag: <c>ITI</c> gives <c>ITI-000123</c>. 1–10 upper-case letters or digits, starting
    /// with a letter.</summary>
    [Required, RegularExpression(AssetTagFormat.PrefixPattern)]
    public string Prefix { get; set; } = "ITI";

    /// <summary>Base URL the label's asset link starts with (e.g. <c>https://inventory.contoso.com</c>); when empty,
    /// the scheme and host of the request that asks for the label. Must be an absolute http(s) URL
    /// (checked at start-up by <see cref="TagsServiceCollectionExtensions.AddTags"/>).</summary>
    public string? LabelBaseUrl { get; set; }
}
