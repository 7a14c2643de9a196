using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// Lifecycle changes of one asset: manual transitions, and the review of discovered devices (approve or reject). Each
/// change goes through <see cref="AssetWriter"/> (its preconditions in their one order, the detail row under the
/// caller's <c>If-Match</c> with a history row, the summary row mirrored, the audit record) and is checked by
/// <see cref="LifecycleRules"/> in between.
/// </summary>
public sealed class LifecycleService(
    InventoryStore store,
    AssetWriter writer,
    DeviceCredentialService credentials,
    ILogger<LifecycleService> logger
)
{
    public async Task<Outcome<(AssetView Asset, ETag ETag)>> TransitionAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        LifecycleTransitionRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (LifecycleRules.Validate(request, out var to) is { } invalid)
            return invalid;
        var loaded = await writer.LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var asset = loaded.Value;

        // Un-retiring is refused once a sanitisation is on record: one point read, only for that case.
        var sanitised =
            asset.State == LifecycleState.Retired
            && to == LifecycleState.InStock
            && (
                await store.Assets.GetEntityIfExistsAsync<TableEntity>(
                    assetId,
                    TableKeys.SanitisationRow,
                    select: ["RecordId"],
                    cancellationToken: cancellationToken
                )
            ).HasValue;
        if (LifecycleRules.CheckTransition(asset.State, to, sanitised) is { } refused)
            return refused;

        List<FieldChange> changes = [new(nameof(AssetDetailEntity.State), asset.State.ToString(), to.ToString())];
        if (request.Reason is { Length: > 0 } reason)
            changes.Add(new("Reason", null, reason));
        return await ChangeStateAsync(caller, asset, to, "transition", changes, correlationId, cancellationToken);
    }

    public async Task<Outcome<(AssetView Asset, ETag ETag)>> ApproveAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        ApproveAssetRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (LifecycleRules.Validate(request, out var to) is { } invalid)
            return invalid;
        var loaded = await writer.LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var asset = loaded.Value;
        if (LifecycleRules.CheckReview(asset.State, "approved") is { } refused)
            return refused;

        List<FieldChange> changes =
        [
            new(nameof(AssetDetailEntity.State), asset.State.ToString(), to.ToString()),
            new(nameof(AssetSummaryEntity.NeedsReview), "true", "false"),
        ];
        if (request.Note is { Length: > 0 } note)
            changes.Add(new("Note", null, note));
        return await ChangeStateAsync(caller, asset, to, "approve", changes, correlationId, cancellationToken);
    }

    /// <summary>Rejects a discovered device: state Rejected (terminal), its credential revoked (its check-ins get 401).
    /// With blockReenrollment (default) the machine may not enroll again; without, its hardware identities are released
    /// so a later enrollment becomes a new discovery to review, while the rejected asset stays on record.</summary>
    public async Task<Outcome<(AssetView Asset, ETag ETag)>> RejectAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        RejectAssetRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (LifecycleRules.Validate(request) is { } invalid)
            return invalid;
        var loaded = await writer.LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var asset = loaded.Value;
        if (LifecycleRules.CheckReview(asset.State, "rejected") is { } refused)
            return refused;

        var block = request.BlockReenrollment ?? true;
        List<FieldChange> changes =
        [
            new(nameof(AssetDetailEntity.State), asset.State.ToString(), nameof(LifecycleState.Rejected)),
            new(nameof(AssetSummaryEntity.NeedsReview), "true", "false"),
            new("Reason", null, request.Reason!.Trim()),
        ];
        if (!block)
            changes.Add(new("HardwareIdentities", "indexed", "released"));
        var changed = await ChangeStateAsync(
            caller,
            asset,
            LifecycleState.Rejected,
            "reject",
            changes,
            correlationId,
            cancellationToken
        );
        if (changed.Failed)
            return changed;

        await credentials.RevokeAsync(assetId, block, caller.AuditActor, correlationId, cancellationToken);
        if (!block)
            await ReleaseIdentitiesAsync(asset.Detail, cancellationToken);
        return (changed.Value.Asset with { CredentialRevoked = true }, changed.Value.ETag);
    }

    /// <summary>Moves the state; the summary row's review flag follows it (only Discovered awaits review).</summary>
    private async Task<Outcome<(AssetView Asset, ETag ETag)>> ChangeStateAsync(
        Caller caller,
        AssetForWrite asset,
        LifecycleState to,
        string action,
        IReadOnlyList<FieldChange> changes,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var why = changes.FirstOrDefault(c => c.Field is "Reason" or "Note") is { } reason ? $" ({reason.To})" : "";
        var saved = await writer.SaveAsync(
            caller,
            asset,
            new AssetWrite
            {
                Action = action,
                Summary = $"{action}: {asset.State} → {to} by {caller.Actor}{why}",
                Changes = changes,
                Fields = new Dictionary<string, object?> { [nameof(AssetDetailEntity.State)] = to.ToString() },
            },
            correlationId,
            cancellationToken
        );
        if (saved.Failed)
            return saved.Problem;
        logger.LogInformation(
            "Asset {AssetId} moved from {From} to {To} ({Action}) by {Actor}",
            asset.AssetId,
            asset.State,
            to,
            action,
            caller.Actor
        );
        return await writer.ViewAsync(asset.AssetId, cancellationToken);
    }

    /// <summary>Deletes the identity index rows that point at this asset (only those: an identity another asset holds
    /// stays).</summary>
    private async Task ReleaseIdentitiesAsync(AssetDetailEntity detail, CancellationToken cancellationToken)
    {
        var identity = HardwareIdentity.Of(detail);
        foreach (var key in identity.Keys)
        {
            var row = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                key.Key,
                TableKeys.IdentityRow,
                cancellationToken: cancellationToken
            );
            if (row.HasValue && row.Value is { } hit && hit.AssetId == detail.PartitionKey)
            {
                try
                {
                    await store.Identities.DeleteEntityAsync(
                        key.Key,
                        TableKeys.IdentityRow,
                        hit.ETag,
                        cancellationToken
                    );
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412) { }
            }
        }
    }
}
