using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Assets;

/// <summary>
/// Applies a <see cref="LinkPlan"/> for the host whose inventory is being processed: creates the agentless assets of
/// monitors, peripherals and virtual machines it reports for the first time, links to it those another host reported
/// before (the link moves), and unlinks those it no longer reports. Called only when the plan has work, i.e. when the
/// set of linkable items changed, before the host's own final batch: a redelivery finds everything done and changes
/// nothing.
/// <para>What a host may do: create agentless assets (<see cref="Source"/> <c>linked</c>, no credential) and set or
/// clear their <see cref="AssetDetailEntity.LinkedTo"/>, never to another host than itself. An identity held by any
/// other asset (a computer, a virtual machine that enrolled with its own agent, an asset created through the API) is
/// only reported back: that record is never written.</para>
/// <para>Order of writes: the link index rows (<see cref="TableKeys.LinkPartition"/>) first, then the linked asset's
/// detail merge (<c>If-Match</c>) with its history row and its outbox row (audit record and
/// <c>itinventory.asset.changed</c>) in one batch. A crash in between is repaired by the redelivery; a concurrent move
/// fails the merge (412) and the message is retried.</para>
/// </summary>
public sealed class LinkedAssetService(
    InventoryStore store,
    AssetRegistry registry,
    Outbox outbox,
    ILogger<LinkedAssetService> logger
)
{
    /// <summary><see cref="AssetDetailEntity.Source"/> of an agentless asset a host reported.</summary>
    public const string Source = "linked";

    /// <summary>Rounds of look-up and creation when another host creates the same asset concurrently.</summary>
    private const int MaxRounds = 3;

    /// <summary>Answers identity key → asset id for every linkable item now reported (and for the items of a section
    /// that was not reported, as stored), and the host's own change (ids unlinked, ids linked), if any.</summary>
    public async Task<(IReadOnlyDictionary<string, string> AssetIds, FieldChange? Change)> ApplyAsync(
        AssetDetailEntity host,
        LinkPlan plan,
        string checkinId,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var ids = new Dictionary<string, string>(plan.Carried, StringComparer.Ordinal);
        var linked = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var item in plan.Added)
        {
            if (await LinkAsync(host, item, checkinId, at, cancellationToken) is { } resolved)
            {
                ids[item.Key] = resolved.AssetId;
                if (resolved.Linked)
                    linked.Add(resolved.AssetId);
            }
        }
        var unlinked = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, assetId) in plan.Removed)
        {
            if (await UnlinkAsync(host.PartitionKey, assetId, checkinId, at, cancellationToken))
                unlinked.Add(assetId);
        }
        var change =
            linked.Count == 0 && unlinked.Count == 0
                ? null
                : new FieldChange(
                    "LinkedAssets",
                    unlinked.Count == 0 ? null : "unlinked " + string.Join(",", unlinked),
                    linked.Count == 0 ? null : "linked " + string.Join(",", linked)
                );
        return (ids, change);
    }

    /// <summary>The asset an item is, and whether it is (now) linked to the host; null when it is none.</summary>
    private async Task<(string AssetId, bool Linked)?> LinkAsync(
        AssetDetailEntity host,
        LinkedItem item,
        string checkinId,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var hostId = host.PartitionKey;
        for (var round = 0; round < MaxRounds; round++)
        {
            var holder = (
                await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                    item.Key,
                    TableKeys.IdentityRow,
                    [nameof(AssetIdentityEntity.AssetId)],
                    cancellationToken
                )
            ).OrNull();
            if (holder is not { AssetId.Length: > 0 })
            {
                if (await CreateAsync(host, item, checkinId, at, cancellationToken) is { } created)
                    return (created, true);
                continue; // another host created it meanwhile: link that one
            }
            if (holder.AssetId == hostId)
                return null;
            var found = (
                await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                    holder.AssetId,
                    TableKeys.AssetDetailRow,
                    cancellationToken: cancellationToken
                )
            ).OrNull();
            if (found is null)
                return null;
            if (found.Source != Source)
            {
                logger.LogInformation(
                    "{Item} reported by {HostId} is asset {AssetId}, which is not agentless; left unchanged",
                    item.Label,
                    hostId,
                    found.PartitionKey
                );
                return (found.PartitionKey, false);
            }
            if (found.LinkedTo == hostId)
            {
                // Linked by an earlier delivery of this check-in: make sure its index row exists too.
                await store.Identities.UpsertEntityAsync(
                    LinkRow(hostId, found.PartitionKey, at),
                    cancellationToken: cancellationToken
                );
                return (found.PartitionKey, true);
            }
            await MoveAsync(host, found, checkinId, at, cancellationToken);
            return (found.PartitionKey, true);
        }
        throw new RequestFailedException(409, $"The asset of {item.Label} is being created concurrently; retry.");
    }

    private async Task<string?> CreateAsync(
        AssetDetailEntity host,
        LinkedItem item,
        string checkinId,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var hostId = host.PartitionKey;
        var assetId = TableKeys.NewAssetId();
        var detail = new AssetDetailEntity
        {
            PartitionKey = assetId,
            Kind = AssetTypes.KindOf(item.Type).ToString(),
            Type = item.Type.ToString(),
            State = nameof(LifecycleState.Discovered),
            Source = Source,
            CreatedAt = at,
            Name = item.Name,
            Manufacturer = item.Manufacturer,
            Model = item.Model,
            SerialNumber = item.SerialNumber,
            SmbiosUuid = item.Uuid,
            // Where the host is, its monitors and guests are: the reviewer corrects it if not.
            Department = host.Department,
            Location = host.Location,
            LinkedTo = hostId,
        };
        var history = AssetChanges.HistoryRow(
            assetId,
            at,
            "checkin",
            checkinId,
            $"Discovered: {item.Label}, reported by host {hostId} ({host.Hostname}) and linked to it; awaiting "
                + "review.",
            null
        );
        var audit = new AuditEvent(
            AuditActor.Device(hostId),
            "asset",
            assetId,
            "discover",
            [
                new(nameof(AssetDetailEntity.State), null, detail.State),
                new(nameof(AssetDetailEntity.Type), null, detail.Type),
                new(nameof(AssetDetailEntity.SerialNumber), null, detail.SerialNumber),
                new(nameof(AssetDetailEntity.SmbiosUuid), null, detail.SmbiosUuid),
                new(nameof(AssetDetailEntity.Department), null, detail.Department),
                new(nameof(AssetDetailEntity.LinkedTo), null, hostId),
            ],
            checkinId
        );
        // The index row first: once the identity is claimed, whoever finds the asset also finds it in the host's list.
        await store.Identities.UpsertEntityAsync(LinkRow(hostId, assetId, at), cancellationToken: cancellationToken);
        var (_, lost) = await registry.CreateAsync(
            detail,
            history,
            AssetSummaries.FromDetail(detail),
            [item.Key],
            at,
            cancellationToken,
            AssetEvents.Discovered(outbox.Entry(), audit, detail.State, detail.Department)
        );
        if (lost is not null)
        {
            await DeleteLinkRowAsync(hostId, assetId, cancellationToken);
            return null;
        }
        logger.LogInformation("{Item} reported by {HostId} is new asset {AssetId}", item.Label, hostId, assetId);
        return assetId;
    }

    /// <summary>Links an agentless asset to the host: from no host, or from the host that reported it last.</summary>
    private async Task MoveAsync(
        AssetDetailEntity host,
        AssetDetailEntity linked,
        string checkinId,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var hostId = host.PartitionKey;
        var assetId = linked.PartitionKey;
        var from = string.IsNullOrEmpty(linked.LinkedTo) ? null : linked.LinkedTo;
        if (from is not null)
            await DeleteLinkRowAsync(from, assetId, cancellationToken);
        await store.Identities.UpsertEntityAsync(LinkRow(hostId, assetId, at), cancellationToken: cancellationToken);
        await WriteLinkAsync(
            linked,
            hostId,
            hostId,
            from is null ? "link" : "move",
            from is null
                ? $"Linked to host {hostId} ({host.Hostname}), which reported it."
                : $"Moved from host {from} to host {hostId} ({host.Hostname}), which reported it.",
            checkinId,
            at,
            cancellationToken
        );
        logger.LogInformation("Asset {AssetId} moved from {From} to {HostId}", assetId, from ?? "no host", hostId);
    }

    /// <summary>The host no longer reports the asset: its index row goes, and the asset is unlinked if it is still
    /// linked to this host (never deleted). Answers whether it was.</summary>
    private async Task<bool> UnlinkAsync(
        string hostId,
        string assetId,
        string checkinId,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        await DeleteLinkRowAsync(hostId, assetId, cancellationToken);
        var found = (
            await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                assetId,
                TableKeys.AssetDetailRow,
                cancellationToken: cancellationToken
            )
        ).OrNull();
        if (found is null || found.Source != Source || found.LinkedTo != hostId)
            return false; // moved to another host meanwhile, or never linked: nothing of it is ours to change
        await WriteLinkAsync(
            found,
            hostId,
            "",
            "unlink",
            $"Unlinked from host {hostId}: no longer reported by it.",
            checkinId,
            at,
            cancellationToken
        );
        logger.LogInformation("Asset {AssetId} unlinked from {HostId}", assetId, hostId);
        return true;
    }

    private async Task WriteLinkAsync(
        AssetDetailEntity linked,
        string hostId,
        string to,
        string action,
        string summary,
        string checkinId,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        var assetId = linked.PartitionKey;
        FieldChange[] changes =
        [
            new(
                nameof(AssetDetailEntity.LinkedTo),
                string.IsNullOrEmpty(linked.LinkedTo) ? null : linked.LinkedTo,
                to.Length == 0 ? null : to
            ),
        ];
        var history = AssetChanges.HistoryRow(
            assetId,
            at,
            "checkin",
            checkinId,
            summary,
            new AssetChanges { Fields = changes }
        );
        var audit = new AuditEvent(AuditActor.Device(hostId), "asset", assetId, action, changes, checkinId);
        await outbox.WriteAsync(
            store.Assets,
            [
                // If-Match: a concurrent move or an edit fails this batch, and the check-in is retried on what won.
                new(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(assetId, TableKeys.AssetDetailRow) { [nameof(AssetDetailEntity.LinkedTo)] = to },
                    linked.ETag
                ),
                new(TableTransactionActionType.Add, history),
            ],
            AssetEvents.Stage(outbox.Entry(), audit, linked, changes),
            cancellationToken
        );
    }

    private static TableEntity LinkRow(string hostId, string assetId, DateTimeOffset at) =>
        new(TableKeys.LinkPartition(hostId), assetId) { ["LinkedAt"] = at };

    private async Task DeleteLinkRowAsync(string hostId, string assetId, CancellationToken cancellationToken)
    {
        try
        {
            await store.Identities.DeleteEntityAsync(
                TableKeys.LinkPartition(hostId),
                assetId,
                ETag.All,
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 404) { }
    }
}
