using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Campaigns;

/// <summary>Turns a closed campaign's discrepancies into findings.</summary>
public sealed class CampaignFindings(ILogger<CampaignFindings> logger)
{
    // Until the findings store is merged, discrepancies are only logged (and shown by GET /api/campaigns/{id}).
    public Task RaiseAsync(string campaignId, IReadOnlyList<CampaignDiscrepancy> discrepancies,
        CancellationToken cancellationToken)
    {
        logger.LogInformation("Campaign {CampaignId}: {Count} discrepancy(ies)", campaignId, discrepancies.Count);
        return Task.CompletedTask;
    }
}
