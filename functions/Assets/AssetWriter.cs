using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>An asset read for a change: its detail row, its state, and the ETag the caller sent (already found to be
/// the row's current one).</summary>
public sealed record AssetForWrite(AssetDetailEntity Detail, LifecycleState State, ETag ETag)
{
    public string AssetId => Detail.PartitionKey;
}

/// <summary>One change of an asset, as <see cref="AssetWriter.SaveAsync"/> commits it.</summary>
public sealed record AssetWrite
{
    /// <summary>The audit action: <c>update</c>, <c>checkout</c>, <c>transition</c>, <c>dispose</c>, …</summary>
    public required string Action { get; init; }

    /// <summary>The history row's one-line summary.</summary>
    public required string Summary { get; init; }

    /// <summary>What changed: the history row's and (unless <see cref="AuditChanges"/> says more) the audit
    /// record's fields.</summary>
    public required IReadOnlyList<FieldChange> Changes { get; init; }

    /// <summary>The detail row's properties the change writes, by name. Empty: the row is only touched, so its ETag
    /// moves and the change is ordered with every other change of the asset.</summary>
    public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();

    /// <summary>Further rows of the asset's partition, written in the same batch (an assignment, a decommissioning
    /// record).</summary>
    public IReadOnlyList<TableTransactionAction> Rows { get; init; } = [];

    /// <summary>The audit record's fields when they say more than the history row's (e.g. the assignment id).</summary>
    public IReadOnlyList<FieldChange>? AuditChanges { get; init; }
}

/// <summary>
/// The one write path for changes of an asset through the management API: PATCH, check-out and check-in, lifecycle
/// transitions and review, and the decommissioning records (sanitisation, disposal). Each operation validates its
/// body first (400, no I/O), then <see cref="LoadAsync(Caller, string, string?, CancellationToken)"/> checks the
/// preconditions in this one order — the first that fails answers, on every endpoint alike:
/// <list type="number">
/// <item>428 — no <c>If-Match</c>: a change must name the version it is based on (asked before anything is
/// read);</item>
/// <item>404 — no such asset (a malformed id included);</item>
/// <item>403 — the caller may not change it: <see cref="AccessPolicy.WriteAsset"/> for its department, then the
/// operation's own check (PATCH: the department it moves the asset to);</item>
/// <item>412 — the <c>If-Match</c> ETag is not the detail row's current one (a check-in or another change came
/// first);</item>
/// <item>409 — the asset is in a terminal state (Disposed, Rejected: kept as it was, for the record), or its stored
/// state is unknown.</item>
/// </list>
/// Then come the operation's own rules (422 unknown references, 409 refused transitions), and
/// <see cref="SaveAsync"/>: the detail row's properties under the caller's ETag, the history row and the operation's
/// further rows in one batch transaction of the asset's partition — atomic, so a change never overwrites a check-in it
/// has not seen (412) and a failed batch writes nothing; then the summary row's mirrored fields
/// (<see cref="AssetSummaries.MirrorOf"/>) and the audit record. (Licence seats are rows of the licence tables:
/// assigning one to an asset reads its summary row and changes nothing of the asset, so it does not come here.)
/// </summary>
public sealed class AssetWriter(InventoryStore store, AccessPolicy policy, Outbox outbox, TimeProvider clock)
{
    public Task<Outcome<AssetForWrite>> LoadAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        CancellationToken cancellationToken
    ) => LoadAsync(caller, assetId, ifMatch, null, cancellationToken);

    /// <param name="authorise">The operation's own authorisation, asked after the department's (null: allowed).</param>
    public async Task<Outcome<AssetForWrite>> LoadAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        Func<AssetDetailEntity, Problem?>? authorise,
        CancellationToken cancellationToken
    )
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Problem.PreconditionRequired("the ETag from GET /api/assets/{assetId}");
        }
        var found = await AuthoriseAsync(caller, assetId, cancellationToken);
        if (found.Failed)
            return found.Problem;
        var detail = found.Value;
        if (authorise?.Invoke(detail) is { } denied)
            return denied;
        var etag = new ETag(ifMatch.Trim());
        if (etag != detail.ETag)
            return Stale();
        if (!LifecycleRules.TryParseState(detail.State, out var state))
        {
            return Problem.Conflict($"The asset's stored state '{detail.State}' is unknown; ask an administrator.");
        }
        if (LifecycleStateMachine.IsTerminal(state))
        {
            return Problem.Conflict(
                $"The asset is {state}: a terminal state, kept as it was for the record, "
                    + "so nothing changes it any more."
            );
        }
        return new AssetForWrite(detail, state, etag);
    }

    /// <summary>Steps 2 and 3 alone (404, then 403), for a change that writes no field of the detail row and so needs
    /// no <c>If-Match</c> (e.g. retrying decommissioning steps).</summary>
    public async Task<Outcome<AssetDetailEntity>> AuthoriseAsync(
        Caller caller,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        if (!TableKeys.IsAssetId(assetId))
            return NotFound(assetId);
        var row = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
            assetId,
            TableKeys.AssetDetailRow,
            cancellationToken: cancellationToken
        );
        if (!row.HasValue || row.Value is not { } detail)
            return NotFound(assetId);
        if (policy.WriteAsset(caller, detail.Department) is { } denied)
            return denied;
        return detail;
    }

    /// <summary>Commits a change of an asset loaded with <see cref="LoadAsync(Caller, string, string?,
    /// CancellationToken)"/>; answers the detail row's new ETag, 412 when the asset changed since it was loaded, 409
    /// when a row the change inserts exists already.</summary>
    public async Task<Outcome<ETag>> SaveAsync(
        Caller caller,
        AssetForWrite asset,
        AssetWrite write,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var merge = new TableEntity(asset.AssetId, TableKeys.AssetDetailRow);
        foreach (var (field, value) in write.Fields)
            merge[field] = value;
        if (write.Fields.Count == 0)
            merge[nameof(AssetDetailEntity.State)] = asset.Detail.State;
        var now = clock.GetUtcNow();
        var history = AssetChanges.HistoryRow(
            asset.AssetId,
            now,
            "api",
            null,
            write.Summary,
            new AssetChanges { Fields = write.Changes }
        );
        // The audit record and the event travel in the change's own batch (outbox row in the asset's partition).
        var entry = AssetEvents.Stage(
            outbox.Entry(),
            new AuditEvent(
                caller.AuditActor,
                "asset",
                asset.AssetId,
                write.Action,
                write.AuditChanges ?? write.Changes,
                correlationId
            ),
            asset.Detail,
            write.Changes
        );
        ETag etag;
        try
        {
            var response = await store.Assets.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.UpdateMerge, merge, asset.ETag),
                    new(TableTransactionActionType.Add, history),
                    .. write.Rows,
                    await entry.StageAsync(store.Assets, asset.AssetId, cancellationToken),
                ],
                cancellationToken
            );
            etag = response.Value[0].Headers.ETag ?? asset.ETag;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 412)
        {
            await entry.AbandonAsync(cancellationToken);
            return Stale();
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409)
        {
            await entry.AbandonAsync(cancellationToken);
            return Problem.Conflict("The record was written concurrently by another request; read the asset again.");
        }

        var summaryMerge = AssetSummaries.WithScanFacts(
            AssetSummaries.MirrorOf(asset.Detail, write.Fields),
            asset.AssetId,
            write.Fields
        );
        if (LifecycleTimestamps.With(summaryMerge, asset.AssetId, asset.Detail.State, write.Fields, now) is { } mirror)
        {
            try
            {
                await store.Summaries.UpdateEntityAsync(mirror, ETag.All, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // No summary row (an asset written before summary rows existed for every asset): nothing to mirror to.
            }
        }
        await entry.CommittedAsync(cancellationToken);
        return etag;
    }

    /// <summary>The asset as the API shows it after a change, with the ETag of the detail row read for it.</summary>
    public async Task<(AssetView Asset, ETag ETag)> ViewAsync(string assetId, CancellationToken cancellationToken)
    {
        var detail = (
            await store.Assets.GetEntityAsync<AssetDetailEntity>(
                assetId,
                TableKeys.AssetDetailRow,
                cancellationToken: cancellationToken
            )
        ).Value;
        var summary = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(assetId),
            assetId,
            cancellationToken: cancellationToken
        );
        return (AssetView.From(detail, summary.HasValue ? summary.Value : null), detail.ETag);
    }

    /// <summary>The asset as loaded, for a change that turned out to change nothing (one read: the summary
    /// row).</summary>
    public async Task<(AssetView Asset, ETag ETag)> ViewAsync(AssetForWrite asset, CancellationToken cancellationToken)
    {
        var summary = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(asset.AssetId),
            asset.AssetId,
            cancellationToken: cancellationToken
        );
        return (AssetView.From(asset.Detail, summary.HasValue ? summary.Value : null), asset.ETag);
    }

    private static Problem NotFound(string assetId) => Problem.NotFound($"There is no asset '{assetId}'.");

    private static Problem Stale() => Problem.PreconditionFailed("asset", "a device check-in or another change");
}
