using Azure;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Assets;

/// <summary>An identity another asset holds: the claim stayed where it was.</summary>
public readonly record struct ClaimConflict(IdentityKey Identity, string HolderAssetId);

/// <summary>
/// Claims identities for an existing asset in the identity index (new asset: <see cref="AssetRegistry"/>). Every claim
/// is an insert, so a claim never moves: an identity another asset holds stays with it and is reported back.
/// </summary>
public sealed class IdentityClaims(InventoryStore store, TimeProvider clock, ILogger<IdentityClaims> logger)
{
    /// <summary>Reads who holds each key (one point read per key, in parallel); absent keys are unheld.</summary>
    public async Task<IReadOnlyDictionary<string, string>> HoldersAsync(
        IEnumerable<IdentityKey> keys,
        CancellationToken cancellationToken
    )
    {
        var reads = keys.Select(async key =>
            (
                key.Key,
                Row: (
                    await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                        key.Key,
                        TableKeys.IdentityRow,
                        [nameof(AssetIdentityEntity.AssetId)],
                        cancellationToken
                    )
                ).OrNull()
            )
        );
        var holders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, row) in await Task.WhenAll(reads))
        {
            if (row is { AssetId.Length: > 0 })
                holders[key] = row.AssetId;
        }
        return holders;
    }

    /// <summary>Inserts an index row per key for <paramref name="assetId"/>; returns the keys another asset
    /// holds (a key this asset already holds is no conflict).</summary>
    public async Task<IReadOnlyList<ClaimConflict>> ClaimAsync(
        string assetId,
        IEnumerable<IdentityKey> keys,
        CancellationToken cancellationToken
    )
    {
        var conflicts = new List<ClaimConflict>();
        foreach (var key in keys)
        {
            try
            {
                await store.Identities.AddEntityAsync(
                    new AssetIdentityEntity
                    {
                        PartitionKey = key.Key,
                        AssetId = assetId,
                        CreatedAt = clock.GetUtcNow(),
                    },
                    cancellationToken
                );
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                var holder = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                    key.Key,
                    TableKeys.IdentityRow,
                    [nameof(AssetIdentityEntity.AssetId)],
                    cancellationToken
                );
                if (holder.OrNull() is { } other && other.AssetId != assetId)
                {
                    logger.LogInformation(
                        "Identity {IdentityKey} reported by {AssetId} belongs to asset {OtherAssetId}; left unchanged",
                        key.Key,
                        assetId,
                        other.AssetId
                    );
                    conflicts.Add(new(key, other.AssetId));
                }
            }
        }
        return conflicts;
    }
}
