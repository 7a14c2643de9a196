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
    Events.Outbox outbox,
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
        List<FieldChange> changes = [new(nameof(AssetSummaryEntity.CredentialRevoked), null, "true")];
        if (blockReenrollment)
            changes.Add(new(nameof(AssetSummaryEntity.EnrollmentBlocked), null, "true"));
        if (
            !await MergeIfExistsAsync(
                merge,
                new AuditEvent(actor, "device", deviceId, "revoke-credential", changes, correlationId),
                cancellationToken
            )
        )
            return false;

        // The asset's history line follows the committed revocation (another table's partition).
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
        return await MergeIfExistsAsync(
            new TableEntity(TableKeys.SummaryPartition(deviceId), deviceId)
            {
                [nameof(AssetSummaryEntity.FullInventoryRequested)] = true,
            },
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
    }

    /// <summary>Merges into the device's summary row, if it exists, with its audit record in the same batch (the
    /// outbox row in the summary row's bucket partition).</summary>
    private async Task<bool> MergeIfExistsAsync(
        TableEntity merge,
        AuditEvent record,
        CancellationToken cancellationToken
    )
    {
        try
        {
            // If-Match * makes the merge fail on a missing row instead of creating one.
            await outbox.WriteAsync(
                store.Summaries,
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, merge, ETag.All),
                record,
                cancellationToken
            );
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }
}
