using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Lifecycle;

/// <summary>An asset read for a change: its detail row (with the ETag the caller sent, already checked) and its state.</summary>
public sealed record AssetForWrite(AssetDetailEntity Detail, LifecycleState State, ETag ETag)
{
    public string AssetId => Detail.PartitionKey;
}

/// <summary>
/// The write path every lifecycle change shares: authorise against the asset's department, check <c>If-Match</c>
/// against the detail row, then write the detail row (If-Match), the history row and any decommissioning rows in one
/// batch transaction of the asset's partition — so a change never overwrites a check-in (or another change) it has not
/// seen, and nothing is written when the batch fails.
/// </summary>
public sealed class AssetStateWriter(InventoryStore store, AccessPolicy policy)
{
    public async Task<Outcome<AssetForWrite>> LoadAsync(Caller caller, string assetId, string? ifMatch, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsAssetId(assetId)) return Problem.NotFound($"There is no asset '{assetId}'.");
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Problem.PreconditionRequired("the ETag from GET /api/assets/{assetId}");
        }
        var row = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow, cancellationToken: cancellationToken);
        if (!row.HasValue || row.Value is not { } detail) return Problem.NotFound($"There is no asset '{assetId}'.");
        if (policy.WriteAsset(caller, detail.Department) is { } denied) return denied;
        var etag = new ETag(ifMatch.Trim());
        if (etag != detail.ETag) return PreconditionFailed();
        if (!LifecycleRules.TryParseState(detail.State, out var state))
        {
            return Problem.Conflict($"The asset's stored state '{detail.State}' is unknown; ask an administrator.");
        }
        return new AssetForWrite(detail, state, etag);
    }

    /// <summary>Writes the detail merge (If-Match: the caller's ETag), a history row and <paramref name="extra"/> rows
    /// atomically; answers the new ETag, 412 when the asset changed meanwhile, 409 when an inserted row exists.</summary>
    public async Task<Outcome<ETag>> CommitAsync(AssetForWrite asset, TableEntity detailMerge, string historySummary, IReadOnlyList<FieldChange> changes,
        IEnumerable<TableTransactionAction> extra, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var history = AssetChanges.HistoryRow(asset.AssetId, now, "api", null, historySummary, new AssetChanges { Fields = changes });
        try
        {
            var response = await store.Assets.SubmitTransactionAsync(
                [new(TableTransactionActionType.UpdateMerge, detailMerge, asset.ETag), new(TableTransactionActionType.Add, history), .. extra], cancellationToken);
            return response.Value[0].Headers.ETag ?? asset.ETag;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 412)
        {
            return PreconditionFailed();
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            return Problem.Conflict("The record was written concurrently by another request; read the asset again.");
        }
    }

    /// <summary>Mirrors the state (and review flag) to the summary row that scans, heartbeats and enrollment read. A
    /// merge of these properties only: it never overwrites what a concurrent heartbeat writes.</summary>
    public async Task MirrorAsync(string assetId, LifecycleState state, bool clearReview, CancellationToken cancellationToken)
    {
        var mirror = new TableEntity(TableKeys.SummaryPartition(assetId), assetId) { [nameof(AssetSummaryEntity.State)] = state.ToString() };
        if (clearReview) mirror[nameof(AssetSummaryEntity.NeedsReview)] = false;
        try
        {
            await store.Summaries.UpdateEntityAsync(mirror, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // An asset created without a device (no summary row yet) has nothing to mirror to.
        }
    }

    public async Task<AssetView> ViewAsync(string assetId, CancellationToken cancellationToken)
    {
        var detail = (await store.Assets.GetEntityAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow, cancellationToken: cancellationToken)).Value;
        var summary = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(assetId), assetId, cancellationToken: cancellationToken);
        return AssetView.From(detail, summary.HasValue ? summary.Value : null);
    }

    public static Problem PreconditionFailed() => Problem.PreconditionFailed("asset", "a device check-in or another change");
}
