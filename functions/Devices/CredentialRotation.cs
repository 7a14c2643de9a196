using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Devices;

/// <summary>A new device secret issued in a check-in answer, with the hash to store as the pending
/// credential.</summary>
public sealed record PendingCredential(string Secret, string Hash)
{
    public RotatedCredential ToResponse(string deviceId) =>
        new() { DeviceSecret = Secret, Authorization = DeviceSecrets.AuthorizationHeader(deviceId, Secret) };
}

/// <summary>
/// Device credential rotation, delivered in check-in answers. An administrator marks the device
/// (<see cref="AssetSummaryEntity.CredentialRotationRequested"/>); each check-in authenticated with the current secret
/// while the mark is
/// set gets a freshly generated secret whose hash is stored as the pending credential in the check-in's own write (no
/// extra request). The current secret keeps working until the device first authenticates with the pending one: then
/// the pending hash becomes the credential, the old secret stops working, and the switch is audited with the device as
/// actor (durably: the record rides in the switching batch through the outbox). A lost
/// answer therefore never locks a device out: the next check-in (still with the old secret) gets another new secret,
/// replacing the undelivered one. Only hashes are stored, so the same secret can never be sent twice.
/// </summary>
public sealed class CredentialRotation(
    InventoryStore store,
    AuditTrail audit,
    Events.Outbox outbox,
    TimeProvider clock,
    ILogger<CredentialRotation> logger
)
{
    private const int MaxAttempts = 3;

    /// <summary>A new pending credential when the device is marked for rotation, else null.</summary>
    public static PendingCredential? IssueIfRequested(AssetSummaryEntity summary)
    {
        if (!summary.CredentialRotationRequested)
            return null;
        var secret = DeviceSecrets.NewSecret();
        return new PendingCredential(secret, DeviceSecrets.Hash(secret));
    }

    /// <summary>Marks the device for rotation (audited). False when there is no such device.</summary>
    public async Task<bool> RequestAsync(
        string deviceId,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        try
        {
            // If-Match * makes the merge fail on a missing row instead of creating one; the record joins the merge's
            // batch (the outbox row in the summary row's bucket partition).
            await outbox.WriteAsync(
                store.Summaries,
                new TableTransactionAction(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(TableKeys.SummaryPartition(deviceId), deviceId)
                    {
                        [nameof(AssetSummaryEntity.CredentialRotationRequested)] = true,
                    },
                    ETag.All
                ),
                new AuditEvent(
                    actor,
                    "device",
                    deviceId,
                    "request-credential-rotation",
                    [new(nameof(AssetSummaryEntity.CredentialRotationRequested), null, "true")],
                    correlationId
                ),
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
        logger.LogInformation("Credential rotation requested for device {DeviceId}", deviceId);
        return true;
    }

    /// <summary>
    /// A switch made before the outbox (its row still has
    /// <see cref="AssetSummaryEntity.CredentialRotationAuditPending"/> set): appends its audit record once (keyed by
    /// the switch time); the check-in's own write then clears the flag.
    /// Switches made now carry their record in the switching batch (<see cref="CompleteAsync"/>) and never set it.
    /// </summary>
    public async Task AuditSwitchAsync(AssetSummaryEntity summary, CancellationToken cancellationToken)
    {
        var switchedAt = summary.CredentialIssuedAt;
        await audit.AppendOnceAsync(
            SwitchRecord(summary.RowKey, summary.PreviousCredentialIssuedAt, switchedAt),
            "rotation|"
                + summary.RowKey
                + "|"
                + (switchedAt?.UtcTicks ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            cancellationToken
        );
    }

    private static AuditEvent SwitchRecord(string deviceId, DateTimeOffset? previous, DateTimeOffset? switchedAt) =>
        new(
            AuditActor.Device(deviceId),
            "device",
            deviceId,
            "rotate-credential",
            [new(nameof(AssetSummaryEntity.CredentialIssuedAt), previous?.ToString("O"), switchedAt?.ToString("O"))],
            null
        );

    /// <summary>
    /// The device authenticated with its pending credential: make it the credential (conditional on the row read, so a
    /// concurrent revocation or re-enrollment wins) and audit the switch. Returns the updated summary (new ETag).
    /// </summary>
    public async Task<Outcome<AssetSummaryEntity>> CompleteAsync(
        AssetSummaryEntity summary,
        CancellationToken cancellationToken
    )
    {
        var pendingHash = summary.PendingCredentialHash!;
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            var previousIssuedAt = summary.CredentialIssuedAt;
            try
            {
                // The switch and its audit record (device as actor): one batch, the outbox row in the summary row's
                // bucket partition.
                var response = await outbox.WriteAsync(
                    store.Summaries,
                    new TableTransactionAction(
                        TableTransactionActionType.UpdateMerge,
                        new TableEntity(summary.PartitionKey, summary.RowKey)
                        {
                            [nameof(AssetSummaryEntity.CredentialHash)] = pendingHash,
                            [nameof(AssetSummaryEntity.PendingCredentialHash)] = "",
                            [nameof(AssetSummaryEntity.CredentialRotationRequested)] = false,
                            [nameof(AssetSummaryEntity.CredentialIssuedAt)] = now,
                            [nameof(AssetSummaryEntity.PreviousCredentialIssuedAt)] = previousIssuedAt,
                        },
                        summary.ETag
                    ),
                    SwitchRecord(summary.RowKey, previousIssuedAt, now),
                    cancellationToken
                );
                summary.CredentialHash = pendingHash;
                summary.PendingCredentialHash = "";
                summary.CredentialRotationRequested = false;
                summary.CredentialIssuedAt = now;
                summary.PreviousCredentialIssuedAt = previousIssuedAt;
                summary.ETag = response.Headers.ETag ?? summary.ETag;
                logger.LogInformation("Device {DeviceId} switched to its rotated credential", summary.RowKey);
                return summary;
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                summary = (
                    await store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                        summary.PartitionKey,
                        summary.RowKey,
                        cancellationToken: cancellationToken
                    )
                ).Value;
                if (summary.CredentialRevoked)
                {
                    return Problem.DeviceUnauthorized(
                        "The device credential has been revoked; the device must enroll again."
                    );
                }
                if (summary.CredentialHash == pendingHash)
                {
                    return summary; // a concurrent check-in with the new secret completed the switch
                }
                if (summary.PendingCredentialHash != pendingHash)
                {
                    return Problem.DeviceUnauthorized("The device credential is not valid.");
                }
            }
        }
    }
}
