using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>Reads one asset: its detail row and its summary row (two point reads).</summary>
public sealed class AssetReader(InventoryStore store)
{
    /// <summary>404 when there is no such asset, the policy's 403 when the caller may not read it, null when it may:
    /// one point read of the detail row's department and owner.</summary>
    public async Task<Problem?> CheckReadAsync(
        Management.Security.AccessPolicy policy,
        Management.Security.Caller caller,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        if (!TableKeys.IsAssetId(assetId))
            return Problem.NotFound($"There is no asset '{assetId}'.");
        var found = await store
            .Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                assetId,
                TableKeys.AssetDetailRow,
                [nameof(AssetDetailEntity.Department), nameof(AssetDetailEntity.Owner)],
                cancellationToken
            )
            .OrNull();
        if (found is null)
            return Problem.NotFound($"There is no asset '{assetId}'.");
        return policy.ReadAsset(caller, found.Department, found.Owner);
    }

    public async Task<(AssetDetailEntity Detail, AssetSummaryEntity? Summary)?> FindAsync(
        string assetId,
        CancellationToken cancellationToken
    )
    {
        if (!TableKeys.IsAssetId(assetId))
            return null;
        var detailTask = store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
            assetId,
            TableKeys.AssetDetailRow,
            cancellationToken: cancellationToken
        );
        var summaryTask = store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(assetId),
            assetId,
            cancellationToken: cancellationToken
        );
        var (detail, summary) = (await detailTask, await summaryTask);
        return detail.OrNull() is { } found ? (found, summary.OrNull()) : null;
    }

    /// <summary><see cref="FindAsync"/> and the asset's view; a host that reported monitors, peripherals or virtual
    /// machines also lists the assets linked to it (one more query, of the link index).</summary>
    public async Task<(AssetDetailEntity Detail, AssetView View)?> FindViewAsync(
        string assetId,
        CancellationToken cancellationToken
    )
    {
        if (await FindAsync(assetId, cancellationToken) is not { } found)
            return null;
        var view = AssetView.From(found.Detail, found.Summary);
        if (
            string.IsNullOrEmpty(found.Detail.PeripheralsJson) && string.IsNullOrEmpty(found.Detail.VirtualMachinesJson)
        )
            return (found.Detail, view);
        var linked = new List<string>();
        await foreach (
            var row in store.Identities.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.LinkPartition(assetId)}"),
                select: ["RowKey"],
                cancellationToken: cancellationToken
            )
        )
        {
            linked.Add(row.RowKey);
        }
        return (found.Detail, view with { LinkedAssets = linked });
    }
}
