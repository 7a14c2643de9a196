using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Devices;

/// <summary>Authenticates a device from its <c>Authorization</c> header with one point read of its summary row.</summary>
public sealed class DeviceAuthenticator(InventoryStore store, ILogger<DeviceAuthenticator> logger)
{
    /// <summary>The device's summary row (with its ETag) when the credential is valid and not revoked.</summary>
    public async Task<Outcome<AssetSummaryEntity>> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (!DeviceSecrets.TryParseAuthorization(authorization, out var deviceId, out var secret))
        {
            return Problem.Unauthorized($"Send 'Authorization: {DeviceCredentialScheme.Name} <deviceId>.<deviceSecret>' with the credential returned by enrollment.");
        }

        var row = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(deviceId), deviceId, cancellationToken: cancellationToken);
        var summary = row.HasValue ? row.Value : null;
        if (summary is null || !DeviceSecrets.Matches(secret, summary.CredentialHash))
        {
            logger.LogWarning("Rejected device credential for {DeviceId}", deviceId);
            return Problem.Unauthorized("The device credential is not valid.");
        }
        // A rejected or disposed asset is terminal: its check-ins change nothing, even if the revocation that follows
        // the state change has not landed yet.
        if (summary.CredentialRevoked || summary.State is nameof(LifecycleState.Rejected) or nameof(LifecycleState.Disposed))
        {
            logger.LogWarning("Rejected revoked device credential for {DeviceId}", deviceId);
            return Problem.Unauthorized("The device credential has been revoked; the device must enroll again.");
        }
        return summary;
    }
}
