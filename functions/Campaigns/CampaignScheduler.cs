using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Campaigns;

/// <summary>The daily check that opens the scheduled spot and full audits (see <see cref="CampaignOptions"/>).
/// </summary>
public sealed class CampaignScheduler(
    CampaignService campaigns,
    IOptions<CampaignOptions> options,
    TimeProvider clock,
    ILogger<CampaignScheduler> logger
)
{
    public const string Actor = "campaign-schedule";

    /// <summary>Opens each campaign due today that does not exist yet (a campaign left half-created by a crash is
    /// completed); answers the ids it opened. Idempotent: a second run the same day (or month) opens nothing.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var opened = new List<string>();
        foreach (var due in CampaignSchedulePlan.Due(options.Value, today))
        {
            var existing = await campaigns.HeaderAsync(due.Id, cancellationToken);
            if (existing is not null && existing.Status != nameof(CampaignStatus.Creating))
                continue;
            var result = await campaigns.OpenAsync(
                due.Id,
                due.Definition,
                "schedule",
                due.Period,
                AuditActor.System(Actor),
                "schedule-" + due.Id,
                cancellationToken
            );
            if (result.Failed)
            {
                logger.LogWarning(
                    "Scheduled campaign {CampaignId} not opened: {Detail}",
                    due.Id,
                    result.Problem.Detail
                );
                continue;
            }
            opened.Add(due.Id);
        }
        return opened;
    }
}
