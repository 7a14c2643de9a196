using System.Globalization;
using ItInventory.Functions.Campaigns;

namespace ItInventory.Console.Services;

/// <summary>The campaign pages' words and links (pure code). Campaign ids travel in the query string, as finding
/// ids do: a client-side route with a dot would be taken for a file by the static host.</summary>
public static class CampaignPages
{
    public static string Detail(string id) => "campaigns/detail?id=" + Uri.EscapeDataString(id);

    public static string Scan(string id) => "campaigns/scan?id=" + Uri.EscapeDataString(id);

    public static string Scope(CampaignView campaign) =>
        campaign.ScopeValue is null ? campaign.Scope : $"{campaign.Scope}: {campaign.ScopeValue}";

    public static string Progress(CampaignView campaign) =>
        campaign.Progress is { } p ? $"{p.Recorded} of {p.Expected} recorded" : $"{campaign.Expected} expected";

    public static string Accuracy(double? rate) =>
        rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    public static bool IsOpen(CampaignView campaign) => campaign.Status == "open";
}

/// <summary>The new-campaign form as <see cref="CreateCampaignRequest"/>.</summary>
public sealed class CampaignForm
{
    public string? Name { get; set; }
    public string Scope { get; set; } = "all";
    public string? ScopeValue { get; set; }
    public string Mode { get; set; } = "full";
    public int? SampleSize { get; set; }

    public CreateCampaignRequest ToRequest() =>
        new()
        {
            Name = Name?.Trim(),
            Scope = Scope,
            ScopeValue = Scope == "all" || string.IsNullOrWhiteSpace(ScopeValue) ? null : ScopeValue.Trim(),
            Mode = Mode,
            SampleSize = Mode == "sample" ? SampleSize : null,
        };
}
