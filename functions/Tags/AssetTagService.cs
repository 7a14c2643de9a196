using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tags;

/// <summary>The answer of <c>POST /api/assets/{assetId}/tag</c>.</summary>
public sealed record AssetTagResponse(string AssetId, string Tag);

/// <summary>The body of <c>POST /api/labels/sheet</c>.</summary>
public sealed record LabelSheetRequest
{
    public IReadOnlyList<string>? AssetIds { get; init; }
}

/// <summary>The tags table's counter row: the last allocated number.</summary>
public sealed class TagCounterEntity : ITableEntity
{
    public string PartitionKey { get; set; } = TableKeys.TagCounterPartition;
    public string RowKey { get; set; } = TableKeys.TagCounterRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Last { get; set; }
}

/// <summary>A claim (asset → tag) or index (tag → asset) row of the tags table.</summary>
public sealed class TagLinkEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AssetId { get; set; } = "";
    public string Tag { get; set; } = "";
    public DateTimeOffset AssignedAt { get; set; }
}

/// <summary>
/// Allocates asset tags without collisions and resolves them.
/// <list type="number">
/// <item>A number comes from the counter row, incremented under its ETag (412/409 → read again and retry): no two
/// allocations get the same number.</item>
/// <item>The claim row <c>asset|&lt;id&gt;</c> → tag is inserted with Add: the first claim wins, a concurrent
/// allocation for the same asset gets 409 and adopts the winner's tag (its number stays unused — numbers are
/// monotonic, not gap-free). An asset therefore never has two tags, even after a crash.</item>
/// <item>The index row <c>tag|&lt;tag&gt;</c> → asset is inserted with Add (409 for another asset → that number is
/// taken, e.g. by an import: the claim is withdrawn and a new number drawn).</item>
/// <item>The detail row gets the tag with its history row in one batch (under its ETag, so no concurrent check-in
/// or edit is overwritten), then the summary row mirrors it.</item>
/// </list>
/// Every step is idempotent: a call interrupted at any point is completed by the next one, which returns the same tag.
/// </summary>
public sealed class AssetTagService(
    InventoryStore store,
    AssetReader assets,
    AccessPolicy policy,
    Events.Outbox outbox,
    IOptions<AssetTagOptions> options,
    TimeProvider clock,
    ILogger<AssetTagService> logger
)
{
    private const int MaxAttempts = 64;

    public async Task<Outcome<AssetTagResponse>> AllocateAsync(
        Caller caller,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var found = await assets.FindAsync(assetId, cancellationToken);
        if (found is not { } asset)
            return Problem.NotFound($"There is no asset '{assetId}'.");
        if (policy.WriteAsset(caller, asset.Detail.Department) is { } denied)
            return denied;
        if (asset.Detail.Tag is { Length: > 0 } existing)
            return new AssetTagResponse(assetId, existing);
        return new AssetTagResponse(assetId, await AssignAsync(assetId, caller.AuditActor, null, cancellationToken));
    }

    /// <summary>Gives an existing asset its tag (the one it already has, or a newly drawn one) on behalf of
    /// <paramref name="actor"/>, without an access check: for the API above and for system jobs such as
    /// enrollment.</summary>
    public async Task<string> AssignAsync(
        string assetId,
        Audit.AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var claim = await ClaimAsync(assetId, cancellationToken);
            var indexed = await IndexAsync(claim, cancellationToken);
            if (!indexed)
            {
                // The number is already another asset's tag: withdraw this claim (only if still ours) and draw again.
                try
                {
                    await store.Tags.DeleteEntityAsync(claim.PartitionKey, claim.RowKey, claim.ETag, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412) { }
                continue;
            }
            await RecordOnAssetAsync(actor, assetId, claim.Tag, correlationId, cancellationToken);
            return claim.Tag;
        }
        throw new InvalidOperationException($"Could not allocate a tag for asset {assetId} in {MaxAttempts} attempts.");
    }

    /// <summary>The asset's claim row: the existing one, or a new one with a freshly drawn number.</summary>
    private async Task<TagLinkEntity> ClaimAsync(string assetId, CancellationToken cancellationToken)
    {
        var partition = TableKeys.AssetTagPartition(assetId);
        var existing = await store
            .Tags.GetEntityIfExistsAsync<TagLinkEntity>(
                partition,
                TableKeys.AssetTagRow,
                cancellationToken: cancellationToken
            )
            .OrNull();
        if (existing is not null)
            return existing;

        var tag = AssetTagFormat.Format(options.Value.Prefix, await NextNumberAsync(cancellationToken));
        var claim = new TagLinkEntity
        {
            PartitionKey = partition,
            RowKey = TableKeys.AssetTagRow,
            AssetId = assetId,
            Tag = tag,
            AssignedAt = clock.GetUtcNow(),
        };
        try
        {
            var response = await store.Tags.AddEntityAsync(claim, cancellationToken);
            claim.ETag = response.Headers.ETag ?? default;
            return claim;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // A concurrent allocation for the same asset claimed first: its tag is the asset's tag.
            return (
                await store.Tags.GetEntityAsync<TagLinkEntity>(
                    partition,
                    TableKeys.AssetTagRow,
                    cancellationToken: cancellationToken
                )
            ).Value;
        }
    }

    private async Task<long> NextNumberAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var counter = await store
                .Tags.GetEntityIfExistsAsync<TagCounterEntity>(
                    TableKeys.TagCounterPartition,
                    TableKeys.TagCounterRow,
                    cancellationToken: cancellationToken
                )
                .OrNull();
            try
            {
                if (counter is null)
                {
                    await store.Tags.AddEntityAsync(new TagCounterEntity { Last = 1 }, cancellationToken);
                    return 1;
                }
                counter.Last++;
                await store.Tags.UpdateEntityAsync(counter, counter.ETag, TableUpdateMode.Replace, cancellationToken);
                return counter.Last;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another allocation took this number: read the counter again.
                await Task.Delay(Random.Shared.Next(1, 20), cancellationToken);
            }
        }
    }

    /// <summary>Inserts the tag → asset index row; false when the tag already names another asset.</summary>
    private async Task<bool> IndexAsync(TagLinkEntity claim, CancellationToken cancellationToken)
    {
        var index = new TagLinkEntity
        {
            PartitionKey = TableKeys.TagIndexPartition(claim.Tag),
            RowKey = TableKeys.TagIndexRow,
            AssetId = claim.AssetId,
            Tag = claim.Tag,
            AssignedAt = claim.AssignedAt,
        };
        try
        {
            await store.Tags.AddEntityAsync(index, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var owner = await store.Tags.GetEntityAsync<TagLinkEntity>(
                index.PartitionKey,
                index.RowKey,
                cancellationToken: cancellationToken
            );
            return owner.Value.AssetId == claim.AssetId;
        }
    }

    /// <summary>Writes the tag on the detail row (with a history row, under the row's ETag) and the summary
    /// row.</summary>
    private async Task RecordOnAssetAsync(
        Audit.AuditActor actor,
        string assetId,
        string tag,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        while (true)
        {
            var detail = (
                await store.Assets.GetEntityAsync<AssetDetailEntity>(
                    assetId,
                    TableKeys.AssetDetailRow,
                    cancellationToken: cancellationToken
                )
            ).Value;
            if (detail.Tag == tag)
                break;
            var recorded = new AssetChanges
            {
                Fields = [new FieldChange(nameof(AssetDetailEntity.Tag), detail.Tag, tag)],
            };
            // The tag, its history row and its outbox row (audit record, asset.changed): one batch.
            var entry = Events.AssetEvents.Stage(
                outbox.Entry(),
                new Audit.AuditEvent(actor, "asset", assetId, "tag", recorded.Fields, correlationId),
                detail,
                recorded.Fields
            );
            try
            {
                await outbox.WriteAsync(
                    store.Assets,
                    [
                        new(
                            TableTransactionActionType.UpdateMerge,
                            new TableEntity(assetId, TableKeys.AssetDetailRow)
                            {
                                [nameof(AssetDetailEntity.Tag)] = tag,
                            },
                            detail.ETag
                        ),
                        new(
                            TableTransactionActionType.Add,
                            AssetChanges.HistoryRow(
                                assetId,
                                clock.GetUtcNow(),
                                "api",
                                null,
                                $"Tagged {tag} by "
                                    + (actor.Name is null ? $"{actor.Kind} {actor.Id}" : $"{actor.Name} ({actor.Id})"),
                                recorded
                            )
                        ),
                    ],
                    entry,
                    cancellationToken
                );
                logger.LogInformation(
                    "Asset {AssetId} tagged {Tag} by {ActorKind} {ActorId}",
                    assetId,
                    tag,
                    actor.Kind,
                    actor.Id
                );
                break;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412)
            {
                // A check-in or an edit changed the row meanwhile: read it again.
            }
        }
        var mirror = new TableEntity(TableKeys.SummaryPartition(assetId), assetId)
        {
            [nameof(AssetSummaryEntity.Tag)] = tag,
        };
        await store.Summaries.UpdateEntityAsync(mirror, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>The asset a tag names (null when the tag is unknown).</summary>
    public async Task<(AssetDetailEntity Detail, AssetSummaryEntity? Summary)?> ResolveAsync(
        string tag,
        CancellationToken cancellationToken
    )
    {
        var index = await store
            .Tags.GetEntityIfExistsAsync<TagLinkEntity>(
                TableKeys.TagIndexPartition(tag),
                TableKeys.TagIndexRow,
                cancellationToken: cancellationToken
            )
            .OrNull();
        if (index is null)
            return null;
        if (await assets.FindAsync(index.AssetId, cancellationToken) is not { } asset)
            return null;
        // An allocation interrupted before it wrote the tag on the asset: show the tag the index proves.
        if (asset.Detail.Tag is null)
            asset.Detail.Tag = tag;
        return asset;
    }

    /// <summary>The label of a tagged asset the caller may read.</summary>
    public async Task<Outcome<LabelContent>> LabelAsync(
        Caller caller,
        string assetId,
        string baseUrl,
        CancellationToken cancellationToken
    )
    {
        var found = await assets.FindAsync(assetId, cancellationToken);
        if (found is not { } asset)
            return Problem.NotFound($"There is no asset '{assetId}'.");
        if (policy.ReadAsset(caller, asset.Detail.Department, asset.Detail.Owner) is { } denied)
            return denied;
        if (asset.Detail.Tag is not { Length: > 0 } tag)
            return NotTagged([assetId]);
        return Label(tag, assetId, baseUrl);
    }

    public const int MaxSheetLabels = 100;

    /// <summary>The labels of many tagged assets, in the order asked; problems name every unknown, hidden or untagged
    /// id.</summary>
    public async Task<Outcome<IReadOnlyList<LabelContent>>> SheetAsync(
        Caller caller,
        LabelSheetRequest request,
        string baseUrl,
        CancellationToken cancellationToken
    )
    {
        var ids = request.AssetIds ?? [];
        if (ids.Count == 0 || ids.Count > MaxSheetLabels)
        {
            return Problem.BadRequest(
                $"Send 1 to {MaxSheetLabels} asset ids in 'assetIds' (got {ids.Count}).",
                new Dictionary<string, string[]> { ["assetIds"] = [$"Between 1 and {MaxSheetLabels} asset ids."] }
            );
        }
        var found = new List<(AssetDetailEntity Detail, AssetSummaryEntity? Summary)?>();
        foreach (var chunk in ids.Chunk(16))
        {
            found.AddRange(await Task.WhenAll(chunk.Select(id => assets.FindAsync(id, cancellationToken))));
        }

        var unknown = ids.Where((id, i) => found[i] is null).Distinct().ToList();
        if (unknown.Count > 0)
            return Problem.NotFound(
                $"There is no asset {string.Join(", ", unknown.Select(id => $"'{Truncate(id)}'"))}."
            );
        var assetsFound = found.Select(a => a!.Value).ToList();
        foreach (var asset in assetsFound)
        {
            if (policy.ReadAsset(caller, asset.Detail.Department, asset.Detail.Owner) is { } denied)
            {
                return denied with { Detail = $"You may not read asset '{asset.Detail.PartitionKey}'." };
            }
        }
        var untagged = assetsFound
            .Where(a => a.Detail.Tag is not { Length: > 0 })
            .Select(a => a.Detail.PartitionKey)
            .Distinct()
            .ToList();
        if (untagged.Count > 0)
            return NotTagged(untagged);
        return assetsFound.Select(a => Label(a.Detail.Tag!, a.Detail.PartitionKey, baseUrl)).ToList();
    }

    /// <summary>The base URL of label links: the configured one, or the scheme and host of the request.</summary>
    public string BaseUrl(string requestScheme, string requestHost) =>
        options.Value.LabelBaseUrl is { Length: > 0 } configured ? configured : $"{requestScheme}://{requestHost}";

    private static LabelContent Label(string tag, string assetId, string baseUrl) =>
        new(tag, AssetTagFormat.LabelPayload(tag, AssetTagFormat.AssetUrl(baseUrl, assetId)));

    private static Problem NotTagged(IReadOnlyList<string> assetIds) =>
        new(
            409,
            "Asset not tagged.",
            $"Asset(s) {string.Join(", ", assetIds.Select(id => $"'{id}'"))} have no tag yet: allocate one with POST "
                + "/api/assets/{assetId}/tag first.",
            "https://itinventory.dev/problems/asset-not-tagged"
        );

    private static string Truncate(string value) =>
        value.Length <= 40 ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..40]}…");
}
