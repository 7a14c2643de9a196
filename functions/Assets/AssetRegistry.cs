using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>
/// Writes a new asset and claims its hardware/cloud identities in the identity index — for enrollment and for assets
/// created through the API or an import. The asset exists before any identity points at it (detail and first history
/// row in one batch, then the summary row), so whoever finds an identity also finds its asset. Identities are claimed
/// in the order given (most trusted first); one already taken by a concurrent writer makes this one remove everything
/// it wrote and report the key it lost.
/// </summary>
public sealed class AssetRegistry(InventoryStore store)
{
    /// <returns>The detail row's ETag, and the identity key that another asset holds (then nothing stays
    /// written).</returns>
    public async Task<(ETag DetailETag, string? LostKey)> CreateAsync(
        AssetDetailEntity detail,
        AssetHistoryEntity history,
        AssetSummaryEntity summary,
        IEnumerable<string> identityKeys,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var batch = await store.Assets.SubmitTransactionAsync(
            [new(TableTransactionActionType.Add, detail), new(TableTransactionActionType.Add, history)],
            cancellationToken
        );
        var etag = batch.Value[0].Headers.ETag ?? default;
        await store.Summaries.AddEntityAsync(summary, cancellationToken);

        var claimed = new List<string>();
        foreach (var key in identityKeys)
        {
            try
            {
                await store.Identities.AddEntityAsync(
                    new AssetIdentityEntity
                    {
                        PartitionKey = key,
                        AssetId = detail.PartitionKey,
                        CreatedAt = now,
                    },
                    cancellationToken
                );
                claimed.Add(key);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                foreach (var mine in claimed)
                {
                    await store.Identities.DeleteEntityAsync(mine, TableKeys.IdentityRow, ETag.All, cancellationToken);
                }
                await store.Summaries.DeleteEntityAsync(
                    summary.PartitionKey,
                    summary.RowKey,
                    ETag.All,
                    cancellationToken
                );
                await store.Assets.SubmitTransactionAsync(
                    [
                        new(TableTransactionActionType.Delete, detail, ETag.All),
                        new(TableTransactionActionType.Delete, history, ETag.All),
                    ],
                    cancellationToken
                );
                return (default, key);
            }
        }
        return (etag, null);
    }
}
