using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.CheckIns;

/// <summary>
/// Records a heartbeat with one conditional merge of the summary row the authenticator already read: two storage
/// requests in all. The answer tells the device when to come back, whether the server wants a full inventory, and
/// carries a rotated credential when an administrator asked for one.
/// </summary>
public sealed class HeartbeatService(
    InventoryStore store,
    HeartbeatAlerts alerts,
    DeviceStatusWriter status,
    IOptions<CheckinOptions> options,
    TimeProvider clock,
    ILogger<HeartbeatService> logger
)
{
    private const int MaxAttempts = 3;

    public async Task<Outcome<CheckinResponse>> RecordAsync(
        AssetSummaryEntity summary,
        CheckinRequest request,
        CancellationToken cancellationToken
    )
    {
        var heartbeat = request.Heartbeat!;
        // The authenticator appended the audit record of a credential switch: this write clears its flag.
        bool? switchAudited = summary.CredentialRotationAuditPending ? false : null;
        Devices.PendingCredential? issued;
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            issued = Devices.CredentialRotation.IssueIfRequested(summary);
            var usage = UtilisationTracker.Apply(
                summary,
                heartbeat,
                now,
                options.Value.IdleCpuThresholdPercent,
                request.SentAt
            );
            // Null values are left out of a merge: what the device did not report keeps its stored value.
            var merge = new TableEntity(summary.PartitionKey, summary.RowKey)
            {
                [nameof(AssetSummaryEntity.LastSeenAt)] = now,
                [nameof(AssetSummaryEntity.LastHeartbeatAt)] = now,
                [nameof(AssetSummaryEntity.CpuAveragePercent)] = heartbeat.CpuAveragePercent,
                [nameof(AssetSummaryEntity.MemoryUsedPercent)] = heartbeat.MemoryUsedPercent,
                [nameof(AssetSummaryEntity.DiskUsedPercent)] = heartbeat.DiskUsedPercent,
                [nameof(AssetSummaryEntity.UptimeSeconds)] = heartbeat.UptimeSeconds,
                [nameof(AssetSummaryEntity.LastInteractiveLogonAt)] = heartbeat.LastInteractiveLogonAt,
                [nameof(AssetSummaryEntity.IpAddresses)] = heartbeat.IpAddresses is { } ips
                    ? string.Join(',', ips)
                    : null,
                [nameof(AssetSummaryEntity.AgentVersion)] = request.Agent?.Version,
                [nameof(AssetSummaryEntity.UtilisationDay)] = usage.Day,
                [nameof(AssetSummaryEntity.UtilisationDaySamples)] = usage.Samples,
                [nameof(AssetSummaryEntity.UtilisationDayCpuSum)] = usage.CpuSum,
                [nameof(AssetSummaryEntity.UtilisationDayInteractiveMinutes)] = usage.InteractiveMinutes,
                [nameof(AssetSummaryEntity.BelowThresholdSince)] = usage.BelowThresholdSince,
                [nameof(AssetSummaryEntity.UtilisationLastSentAt)] = usage.LastSentAt,
                // A rotation: the new secret's hash rides on this conditional merge (no extra request).
                [nameof(AssetSummaryEntity.PendingCredentialHash)] = issued?.Hash,
                [nameof(AssetSummaryEntity.CredentialRotationAuditPending)] = switchAudited,
            };
            // Monitoring (functions/Monitoring): its flags ride on this merge. Only when one flips (back online,
            // disk or memory threshold crossed) are findings raised or resolved first: extra requests on that
            // heartbeat only, never on a normal one.
            var assessment = alerts.Assess(summary, heartbeat);
            HeartbeatAlerts.AddTo(merge, assessment);
            await alerts.ApplyAsync(summary, assessment, now, cancellationToken);
            try
            {
                // Conditional on the ETag read at authentication: a concurrent revocation or heartbeat is never
                // overwritten.
                await status.MergeAsync(merge, summary, assessment.CameBackOnline ? false : null, cancellationToken);
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                logger.LogDebug("Heartbeat of {DeviceId} raced another write; re-reading", summary.RowKey);
                var authenticatedWith = summary.CredentialHash;
                summary = (
                    await store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                        summary.PartitionKey,
                        summary.RowKey,
                        cancellationToken: cancellationToken
                    )
                ).Value;
                if (summary.CredentialRevoked || summary.CredentialHash != authenticatedWith)
                {
                    return Problem.DeviceUnauthorized(
                        "The device credential was revoked or replaced meanwhile; the device must enroll again."
                    );
                }
            }
        }

        var wantsInventory =
            summary.FullInventoryRequested
            || summary.InventoryHash is null
            || heartbeat.InventoryHash != summary.InventoryHash;
        return new CheckinResponse
        {
            DeviceId = summary.RowKey,
            Status = "accepted",
            NextCheckinSeconds = summary.ExpectedIntervalSeconds ?? options.Value.HeartbeatIntervalSeconds,
            FullInventoryRequested = wantsInventory,
            InventoryHash = summary.InventoryHash,
            Credential = issued?.ToResponse(summary.RowKey),
        };
    }
}
