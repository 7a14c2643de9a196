using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Campaigns;

/// <summary>
/// Audit campaign settings (section <c>Campaigns</c>): what the daily <c>CampaignSchedule</c> timer opens by itself.
/// In a due month it opens the spot audit (a stratified sample) and/or the full audit, once per month: the campaign id
/// is derived from the month (<c>spot-2026-10</c>, <c>full-2026-12</c>), so a second firing finds it and opens nothing.
/// </summary>
public sealed class CampaignOptions
{
    public const string SectionName = "Campaigns";

    /// <summary>Whether the timer opens campaigns at all.</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary>Months (1–12, comma-separated) in which the quarterly spot audit opens; empty: never.</summary>
    public string SpotMonths { get; set; } = "1,4,7,10";

    /// <summary>Assets in the spot audit's sample.</summary>
    [Range(1, CampaignRules.MaxSampleSize)]
    public int SpotSampleSize { get; set; } = 50;

    /// <summary>What the spot sample is stratified by: <c>department</c> or <c>category</c>.</summary>
    public StratifyBy SpotStratifyBy { get; set; } = StratifyBy.Department;

    /// <summary>The spot audit's scope: <c>all</c>, or <c>department:…</c>, <c>location:…</c>, <c>category:…</c>.
    /// </summary>
    public string SpotScope { get; set; } = "all";

    /// <summary>Months (1–12, comma-separated) in which the annual full audit opens; empty: never.</summary>
    public string FullMonths { get; set; } = "12";

    /// <summary>The full audit's scope (as <see cref="SpotScope"/>).</summary>
    public string FullScope { get; set; } = "all";
}

/// <summary>A campaign the schedule wants open.</summary>
public sealed record ScheduledCampaign(string Id, string Period, CampaignDefinition Definition);

/// <summary>Which campaigns are due on a day. Pure.</summary>
public static class CampaignSchedulePlan
{
    public static IReadOnlyList<ScheduledCampaign> Due(CampaignOptions options, DateOnly today)
    {
        if (!options.ScheduleEnabled)
            return [];
        var period = today.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var due = new List<ScheduledCampaign>();
        if (
            CampaignRules.TryParseMonths(options.SpotMonths, out var spot)
            && spot.Contains(today.Month)
            && CampaignRules.TryParseScope(options.SpotScope, out var spotScope, out var spotValue)
        )
        {
            var id = $"spot-{period}";
            due.Add(
                new ScheduledCampaign(
                    id,
                    period,
                    new CampaignDefinition(
                        $"Spot audit {period}",
                        spotScope,
                        spotValue,
                        CampaignMode.Sample,
                        options.SpotSampleSize,
                        options.SpotStratifyBy,
                        SeedOf(id)
                    )
                )
            );
        }
        if (
            CampaignRules.TryParseMonths(options.FullMonths, out var full)
            && full.Contains(today.Month)
            && CampaignRules.TryParseScope(options.FullScope, out var fullScope, out var fullValue)
        )
        {
            due.Add(
                new ScheduledCampaign(
                    $"full-{period}",
                    period,
                    new CampaignDefinition(
                        $"Full audit {period}",
                        fullScope,
                        fullValue,
                        CampaignMode.Full,
                        null,
                        null,
                        null
                    )
                )
            );
        }
        return due;
    }

    /// <summary>A scheduled sample's seed: derived from its id, so a run redone after a crash draws the same sample.
    /// </summary>
    public static long SeedOf(string id)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id));
        return (long)(BitConverter.ToUInt64(hash, 0) & CampaignRules.MaxSeed);
    }

    /// <summary>Why the settings are invalid (null when they are valid): checked at start-up.</summary>
    public static string? Invalid(CampaignOptions options)
    {
        const string scopes = "all, or department:…, location:…, category:…";
        if (!CampaignRules.TryParseMonths(options.SpotMonths, out _))
            return "Campaigns:SpotMonths: months 1-12.";
        if (!CampaignRules.TryParseMonths(options.FullMonths, out _))
            return "Campaigns:FullMonths: months 1-12.";
        if (!CampaignRules.TryParseScope(options.SpotScope, out _, out _))
            return "Campaigns:SpotScope: " + scopes;
        if (!CampaignRules.TryParseScope(options.FullScope, out _, out _))
            return "Campaigns:FullScope: " + scopes;
        return null;
    }
}
