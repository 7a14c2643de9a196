using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>
/// Binds an agent installation to the device credential on first use, so a copied configuration or a cloned
/// image (same credential, another agent) is refused instead of overwriting the real machine's record. The
/// agent's identity is its <c>GLPI-Agent-ID</c> header (a UUID the GLPI Agent keeps for life) or else its
/// <c>deviceid</c> (FusionInventory and OCS keep theirs in their state file). The pin carries a tag of the
/// credential it was made under: enrolling again (a new credential) lets the machine's new agent pin afresh.
/// </summary>
public sealed class AgentPins(InventoryStore store, FindingService findings, ILogger<AgentPins> logger)
{
    /// <summary>The identity an agent presents, or null when it presents none (it cannot be pinned yet).</summary>
    public static string? IdentityOf(string? agentIdHeader, string? deviceId)
    {
        if (Guid.TryParse(agentIdHeader?.Trim(), out var agentId))
            return "agent:" + agentId.ToString("D");
        var id = AgentInventoryMapper.Text(deviceId);
        return id is null ? null : "deviceid:" + id;
    }

    /// <summary>The pin for this credential and identity (the tag is 16 hex digits of the credential hash).
    /// </summary>
    public static string Pin(AssetSummaryEntity summary, string identity) =>
        (summary.CredentialHash ?? "")[..Math.Min(16, summary.CredentialHash?.Length ?? 0)] + "|" + identity;

    /// <summary>The pinned identity when it is still the current credential's; null when nothing is pinned.
    /// </summary>
    public static string? PinnedIdentity(AssetSummaryEntity summary)
    {
        if (string.IsNullOrEmpty(summary.AgentPin))
            return null;
        var bar = summary.AgentPin.IndexOf('|', StringComparison.Ordinal);
        return bar >= 0 && Pin(summary, "") == summary.AgentPin[..(bar + 1)] ? summary.AgentPin[(bar + 1)..] : null;
    }

    /// <summary>
    /// Accepts the agent when it is the pinned one, pins it when none is (one conditional merge of the summary
    /// row, on first use only), refuses it (409) and raises an <c>agent-identity-mismatch</c> finding otherwise.
    /// </summary>
    public async Task<Outcome<AssetSummaryEntity>> CheckAsync(
        AssetSummaryEntity summary,
        string? identity,
        CancellationToken cancellationToken
    )
    {
        if (identity is null)
            return summary;
        var pinned = PinnedIdentity(summary);
        if (pinned == identity)
            return summary;
        if (pinned is not null)
            return await RefuseAsync(summary, pinned, identity, cancellationToken);

        var pin = Pin(summary, identity);
        try
        {
            var response = await store.Summaries.UpdateEntityAsync(
                new TableEntity(summary.PartitionKey, summary.RowKey) { [nameof(summary.AgentPin)] = pin },
                summary.ETag,
                TableUpdateMode.Merge,
                cancellationToken
            );
            summary.AgentPin = pin;
            summary.ETag = response.Headers.ETag ?? summary.ETag;
            logger.LogInformation("Pinned agent {Identity} to device {DeviceId}", identity, summary.RowKey);
            return summary;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Another request pinned (or changed the row) meanwhile: read it again and decide on what it holds.
            var fresh = await store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                summary.PartitionKey,
                summary.RowKey,
                cancellationToken: cancellationToken
            );
            var now = PinnedIdentity(fresh.Value);
            if (now is null || now == identity)
                return now is null ? Problem.Conflict("The device record changed meanwhile; retry.") : fresh.Value;
            return await RefuseAsync(fresh.Value, now, identity, cancellationToken);
        }
    }

    private async Task<Outcome<AssetSummaryEntity>> RefuseAsync(
        AssetSummaryEntity summary,
        string pinned,
        string presented,
        CancellationToken cancellationToken
    )
    {
        logger.LogWarning(
            "Refused agent {Presented} for device {DeviceId}: the credential is pinned to {Pinned}",
            presented,
            summary.RowKey,
            pinned
        );
        await findings.RaiseAsync(
            new FindingCondition(
                FindingKinds.AgentIdentityMismatch,
                FindingSubjects.Asset,
                summary.RowKey,
                FindingSeverity.High,
                summary.Department,
                $"Another agent ({presented}) used the device credential of this asset, which belongs to "
                    + $"{pinned}: a cloned image or a copied agent configuration. Its inventory was refused.",
                new Dictionary<string, string> { ["pinnedAgent"] = pinned, ["presentedAgent"] = presented }
            ),
            "agent-pin:" + summary.RowKey,
            cancellationToken
        );
        return Problem.Conflict(
            "This device credential belongs to another agent installation (a cloned image or a copied "
                + "configuration?). Enroll this machine to get its own credential; the attempt was recorded."
        );
    }
}
