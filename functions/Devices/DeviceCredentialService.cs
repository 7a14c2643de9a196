using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Devices;

/// <summary>Administrative actions on a device's credential and requests to it (delivered with its next
/// check-in).</summary>
public sealed class DeviceCredentialService(
    InventoryStore store,
    AuditTrail audit,
    TimeProvider clock,
    ILogger<DeviceCredentialService> logger
)
{
    /// <summary>Revokes the device's credential: its check-ins get 401 from now on. With <paramref
    /// name="blockReenrollment"/>
    /// the machine also cannot enroll again until an administrator allows it.</summary>
    public async Task<bool> RevokeAsync(
        string deviceId,
        bool blockReenrollment,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var merge = new TableEntity(TableKeys.SummaryPartition(deviceId), deviceId)
        {
            [nameof(AssetSummaryEntity.CredentialRevoked)] = true,
        };
        if (blockReenrollment)
            merge[nameof(AssetSummaryEntity.EnrollmentBlocked)] = true;
        if (!await MergeIfExistsAsync(merge, cancellationToken))
            return false;

        await store.Assets.AddEntityAsync(
            AssetChanges.HistoryRow(
                deviceId,
                clock.GetUtcNow(),
                "api",
                null,
                "Device credential revoked by "
                    + $"{actor.Name ?? actor.Id}{(blockReenrollment ? "; re-enrollment blocked" : "")}.",
                null
            ),
            cancellationToken
        );
        List<FieldChange> changes = [new(nameof(AssetSummaryEntity.CredentialRevoked), null, "true")];
        if (blockReenrollment)
            changes.Add(new(nameof(AssetSummaryEntity.EnrollmentBlocked), null, "true"));
        await audit.AppendAsync(
            new AuditEvent(actor, "device", deviceId, "revoke-credential", changes, correlationId),
            cancellationToken
        );
        logger.LogInformation(
            "Revoked credential of device {DeviceId} (block re-enrollment: {Block})",
            deviceId,
            blockReenrollment
        );
        return true;
    }

    /// <summary>Asks the device for a full inventory in the answer to its next check-in.</summary>
    public async Task<bool> RequestFullInventoryAsync(
        string deviceId,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (
            !await MergeIfExistsAsync(
                new TableEntity(TableKeys.SummaryPartition(deviceId), deviceId)
                {
                    [nameof(AssetSummaryEntity.FullInventoryRequested)] = true,
                },
                cancellationToken
            )
        )
        {
            return false;
        }
        await audit.AppendAsync(
            new AuditEvent(
                actor,
                "device",
                deviceId,
                "request-full-inventory",
                [new(nameof(AssetSummaryEntity.FullInventoryRequested), null, "true")],
                correlationId
            ),
            cancellationToken
        );
        return true;
    }

    private async Task<bool> MergeIfExistsAsync(TableEntity merge, CancellationToken cancellationToken)
    {
        try
        {
            // If-Match * makes the merge fail on a missing row instead of creating one.
            await store.Summaries.UpdateEntityAsync(merge, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }
}
