using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>Reads one asset: its detail row and its summary row (two point reads).</summary>
public sealed class AssetReader(InventoryStore store)
{
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
}
