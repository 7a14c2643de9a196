using ItInventory.Functions.Findings;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Campaigns;

/// <summary>Turns a closed campaign's discrepancies into findings (one <see cref="FindingService.RaiseAsync"/> each:
/// a finding's id comes from kind and subject, so a close redone after a crash confirms, never duplicates).</summary>
public sealed class CampaignFindings(FindingService findings, ILogger<CampaignFindings> logger)
{
    public async Task<FindingReconciliation> RaiseAsync(
        string campaignId,
        IReadOnlyList<CampaignDiscrepancy> discrepancies,
        CancellationToken cancellationToken
    )
    {
        var total = FindingReconciliation.None;
        var runId = "campaign:" + campaignId;
        foreach (var d in discrepancies)
        {
            total = total.Add(
                await findings.RaiseAsync(
                    new FindingCondition(
                        d.Kind,
                        d.SubjectType,
                        d.SubjectId,
                        CampaignFindingKinds.Severity(d.Kind),
                        d.Department,
                        d.Text,
                        d.Facts
                    ),
                    runId,
                    cancellationToken
                )
            );
        }
        logger.LogInformation(
            "Campaign {CampaignId} raised {Count} finding(s): {Opened} opened, {Reopened} reopened, "
                + "{Confirmed} confirmed",
            campaignId,
            discrepancies.Count,
            total.Opened,
            total.Reopened,
            total.Confirmed
        );
        return total;
    }
}
