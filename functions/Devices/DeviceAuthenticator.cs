using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Devices;

/// <summary>Authenticates a device from its <c>Authorization</c> header with one point read of its summary row. The
/// device's pending (rotated) credential is accepted too: its first use makes it the credential (<see
/// cref="CredentialRotation"/>).</summary>
public sealed class DeviceAuthenticator(
    InventoryStore store,
    CredentialRotation rotation,
    TimeProvider clock,
    ILogger<DeviceAuthenticator> logger
)
{
    /// <summary>The device's summary row (with its ETag) when the credential is valid and not revoked.</summary>
    public async Task<Outcome<AssetSummaryEntity>> AuthenticateAsync(
        string? authorization,
        CancellationToken cancellationToken
    )
    {
        if (!DeviceSecrets.TryParseAuthorization(authorization, out var deviceId, out var secret))
        {
            return Problem.DeviceUnauthorized(
                $"Send 'Authorization: {DeviceCredentialScheme.Name} <deviceId>.<deviceSecret>' with the credential "
                    + "returned by enrollment."
            );
        }
        return await AuthenticateAsync(deviceId, hash => DeviceSecrets.Matches(secret, hash), cancellationToken);
    }

    /// <summary>
    /// The same check for a credential presented in another form (the existing agents' HTTP Basic or OAuth token,
    /// functions/AgentProtocols): <paramref name="proves"/> answers whether the presented proof matches a stored
    /// credential hash (the current one or the pending rotated one).
    /// </summary>
    public async Task<Outcome<AssetSummaryEntity>> AuthenticateAsync(
        string deviceId,
        Func<string?, bool> proves,
        CancellationToken cancellationToken
    )
    {
        if (!TableKeys.IsAssetId(deviceId))
            return Problem.DeviceUnauthorized("The device credential is not valid.");
        var row = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(deviceId),
            deviceId,
            cancellationToken: cancellationToken
        );
        var summary = row.HasValue ? row.Value : null;
        var current = summary is not null && proves(summary.CredentialHash);
        var pending = summary is not null && !current && proves(summary.PendingCredentialHash);
        if (summary is null || !(current || pending))
        {
            logger.LogWarning("Rejected device credential for {DeviceId}", deviceId);
            return Problem.DeviceUnauthorized("The device credential is not valid.");
        }
        // An asset in a terminal state (rejected, disposed) changes no more: its check-ins change nothing, even if the
        // revocation that follows
        // the state change has not landed yet.
        if (
            summary.CredentialRevoked
            || (
                Enum.TryParse<LifecycleState>(summary.State, out var state)
                && Lifecycle.LifecycleStateMachine.IsTerminal(state)
            )
        )
        {
            logger.LogWarning("Rejected revoked device credential for {DeviceId}", deviceId);
            await RecordRefusalAsync(summary, cancellationToken);
            return Problem.DeviceUnauthorized("The device credential has been revoked; the device must enroll again.");
        }
        if (pending)
        {
            var switched = await rotation.CompleteAsync(summary, cancellationToken);
            if (switched.Failed)
                return switched;
            summary = switched.Value;
        }
        if (summary.CredentialRotationAuditPending)
        {
            // Appended before the check-in's write, which clears the flag (HeartbeatService, InventoryIntakeService).
            await rotation.AuditSwitchAsync(summary, cancellationToken);
        }
        return summary;
    }

    /// <summary>
    /// Leaves a trace of a refused check-in for the retired-checking-in audit: the day on the summary row, written
    /// only when it changes, so at most one write per device per day however often it calls. Only a caller holding
    /// the device's (revoked) secret gets here: a guessed id or secret writes nothing. Best effort: the answer stays
    /// 401 whatever happens to this write.
    /// </summary>
    private async Task RecordRefusalAsync(AssetSummaryEntity summary, CancellationToken cancellationToken)
    {
        var today = clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (summary.RefusedCheckinOn == today)
            return;
        try
        {
            await store.Summaries.UpdateEntityAsync(
                new TableEntity(summary.PartitionKey, summary.RowKey)
                {
                    [nameof(AssetSummaryEntity.RefusedCheckinOn)] = today,
                },
                ETag.All,
                TableUpdateMode.Merge,
                cancellationToken
            );
        }
        catch (RequestFailedException ex)
        {
            logger.LogWarning(ex, "Could not record the refused check-in of {DeviceId}", summary.RowKey);
        }
    }
}
