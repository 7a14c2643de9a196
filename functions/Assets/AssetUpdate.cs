using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Assets;

/// <summary>The body of <c>PATCH /api/assets/{assetId}</c>: classification and ownership; absent fields stay as they are,
/// an empty string clears a field.</summary>
public sealed record AssetPatch
{
    public string? Category { get; init; }
    public string? Owner { get; init; }
    public string? ItStakeholder { get; init; }
    public string? Department { get; init; }
    public string? Location { get; init; }
    /// <summary>Unassigned, Low, Medium, High or MissionCritical.</summary>
    public string? Criticality { get; init; }
}

/// <summary>
/// Changes an asset's classification under optimistic concurrency: the caller's <c>If-Match</c> ETag must be the
/// detail row's current one, so an edit never overwrites a check-in (or another edit) it has not seen. The detail
/// row and its history row are written in one batch; the summary row mirrors the fields scans read.
/// </summary>
public sealed class AssetUpdateService(InventoryStore store, AccessPolicy policy, Catalogue.TaxonomyService taxonomy, Audit.AuditTrail audit, TimeProvider clock, ILogger<AssetUpdateService> logger)
{
    public async Task<Outcome<(AssetView Asset, ETag ETag)>> UpdateAsync(Caller caller, string assetId, string? ifMatch, AssetPatch patch, string? correlationId, CancellationToken cancellationToken)
    {
        if (Validate(patch) is { } invalid) return invalid;
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Problem.PreconditionRequired("the ETag from GET /api/assets/{assetId}");
        }

        var current = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow, cancellationToken: cancellationToken);
        if (!TableKeys.IsAssetId(assetId) || !current.HasValue) return Problem.NotFound($"There is no asset '{assetId}'.");
        var detail = current.Value!;
        if (policy.WriteAsset(caller, detail.Department) is { } denied) return denied;
        if (patch.Department is { Length: > 0 } target && policy.WriteAsset(caller, target) is { } cannotMove)
        {
            return cannotMove with { Detail = $"You may not move an asset into department '{target}'." };
        }
        var etag = new ETag(ifMatch.Trim());
        if (etag != detail.ETag) return PreconditionFailed();
        // Category and location must name active taxonomy entries (an empty string clears them).
        var references = await taxonomy.CheckAsync(
        [
            ("category", Catalogue.TaxonomyKind.Category, patch.Category?.Trim() is { } category && category != detail.Category ? category : null),
            ("location", Catalogue.TaxonomyKind.Location, patch.Location?.Trim() is { } location && location != detail.Location ? location : null),
        ], cancellationToken);
        if (references.Count > 0) return Catalogue.TaxonomyService.ReferenceProblem(references);
        if (Lifecycle.LifecycleStateMachine.IsTerminal(Enum.Parse<LifecycleState>(detail.State)))
        {
            return Problem.Conflict($"The asset is {detail.State}: a terminal state, kept as it was for the record, so it cannot be changed.");
        }
        // Owner and IT stakeholder must be active people of the directory; ids are stored normalised (lower-case GUID).
        var owner = PersonReference(patch.Owner);
        var stakeholder = PersonReference(patch.ItStakeholder);
        var people = await taxonomy.CheckPeopleAsync(
        [
            ("owner", owner is { Length: > 0 } && owner != detail.Owner ? owner : null),
            ("itStakeholder", stakeholder is { Length: > 0 } && stakeholder != detail.ItStakeholder ? stakeholder : null),
        ], cancellationToken);
        if (people.Count > 0) return Catalogue.TaxonomyService.ReferenceProblem(people);

        var changes = new List<FieldChange>();
        var merge = new TableEntity(assetId, TableKeys.AssetDetailRow);
        void Set(string field, string? stored, string? incoming)
        {
            if (incoming is null || incoming == (stored ?? "")) return;
            changes.Add(new FieldChange(field, stored, incoming.Length == 0 ? null : incoming));
            merge[field] = incoming;
        }
        Set(nameof(AssetDetailEntity.Category), detail.Category, patch.Category?.Trim());
        Set(nameof(AssetDetailEntity.Owner), detail.Owner, owner);
        Set(nameof(AssetDetailEntity.ItStakeholder), detail.ItStakeholder, stakeholder);
        Set(nameof(AssetDetailEntity.Department), detail.Department, patch.Department?.Trim());
        Set(nameof(AssetDetailEntity.Location), detail.Location, patch.Location?.Trim());
        Set(nameof(AssetDetailEntity.Criticality), detail.Criticality, patch.Criticality is null ? null : Enum.Parse<Criticality>(patch.Criticality).ToString());
        if (changes.Count == 0) return (AssetView.From(detail, await SummaryAsync(assetId, cancellationToken)), detail.ETag);

        var now = clock.GetUtcNow();
        var recorded = new AssetChanges { Fields = changes };
        try
        {
            var response = await store.Assets.SubmitTransactionAsync(
            [
                new(TableTransactionActionType.UpdateMerge, merge, etag),
                new(TableTransactionActionType.Add, AssetChanges.HistoryRow(assetId, now, "api", null, $"Changed by {caller.Actor}: {recorded.Describe()}", recorded)),
            ], cancellationToken);
            etag = response.Value[0].Headers.ETag ?? etag;
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 412)
        {
            return PreconditionFailed();
        }

        var mirror = new TableEntity(TableKeys.SummaryPartition(assetId), assetId);
        foreach (var field in new[] { nameof(AssetSummaryEntity.Category), nameof(AssetSummaryEntity.Owner), nameof(AssetSummaryEntity.Department), nameof(AssetSummaryEntity.Location), nameof(AssetSummaryEntity.Criticality) })
        {
            if (merge.TryGetValue(field, out var value)) mirror[field] = value;
        }
        if (mirror.Count > 2) await store.Summaries.UpdateEntityAsync(mirror, ETag.All, TableUpdateMode.Merge, cancellationToken);
        await audit.AppendAsync(new Audit.AuditEvent(caller.AuditActor, "asset", assetId, "update", changes, correlationId), cancellationToken);

        logger.LogInformation("Asset {AssetId} changed by {Actor}: {Changes}", assetId, caller.Actor, recorded.Describe());
        var updated = (await store.Assets.GetEntityAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow, cancellationToken: cancellationToken)).Value;
        return (AssetView.From(updated, await SummaryAsync(assetId, cancellationToken)), updated.ETag);
    }

    /// <summary>A person reference as stored: the normalised object id, the raw text when it is not a GUID (refused by
    /// the directory check), empty to clear, null when absent.</summary>
    private static string? PersonReference(string? value) =>
        value?.Trim() is { Length: > 0 } text ? People.PeopleCsv.NormaliseObjectId(text) ?? text : value?.Trim();

    private async Task<AssetSummaryEntity?> SummaryAsync(string assetId, CancellationToken cancellationToken)
    {
        var row = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(assetId), assetId, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private static Problem PreconditionFailed() => Problem.PreconditionFailed("asset", "a device check-in or another change");

    private static Problem? Validate(AssetPatch patch)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, value) in new[]
                 {
                     ("category", patch.Category), ("owner", patch.Owner), ("itStakeholder", patch.ItStakeholder),
                     ("department", patch.Department), ("location", patch.Location),
                 })
        {
            if (!ContractFormats.IsShortText(value))
            {
                errors[field] = [$"At most {CheckinLimits.MaxShortString} characters, no control characters."];
            }
        }
        if (patch.Criticality is not null && (!Enum.TryParse<Criticality>(patch.Criticality, ignoreCase: false, out _) || int.TryParse(patch.Criticality, out _)))
        {
            errors["criticality"] = [$"Must be one of: {string.Join(", ", Enum.GetNames<Criticality>())}."];
        }
        return errors.Count == 0 ? null : Problem.BadRequest($"The change has {errors.Count} invalid field(s); see 'errors'.", errors);
    }
}
