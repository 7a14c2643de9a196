using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Events;
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
        CancellationToken cancellationToken,
        OutboxEntry? entry = null
    )
    {
        // The entry's outbox row (audit record, discovered event) joins the asset's first batch; it is handed to the
        // dispatcher only once every identity is claimed, and removed with the rest when a claim is lost.
        List<TableTransactionAction> rows =
        [
            new(TableTransactionActionType.Add, detail),
            new(TableTransactionActionType.Add, history),
        ];
        if (entry is not null)
            rows.Add(await entry.StageAsync(store.Assets, detail.PartitionKey, cancellationToken));
        var batch = await store.Assets.SubmitTransactionAsync(rows, cancellationToken);
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
                        .. rows.Select(r => new TableTransactionAction(
                            TableTransactionActionType.Delete,
                            r.Entity,
                            ETag.All
                        )),
                    ],
                    cancellationToken
                );
                if (entry is not null)
                    await entry.AbandonAsync(cancellationToken);
                return (default, key);
            }
        }
        if (entry is not null)
            await entry.CommittedAsync(cancellationToken);
        return (etag, null);
    }
}
