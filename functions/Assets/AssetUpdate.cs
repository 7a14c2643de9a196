using Azure;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Management.Security;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Assets;

/// <summary>
/// Changes an asset's classification under optimistic concurrency through <see cref="AssetWriter"/>: its preconditions
/// (428, 404, 403 — also for the department the asset is moved to —, 412, 409 terminal), then the references (422);
/// the detail row and its history row are written in one batch, the summary row mirrors the fields scans read.
/// </summary>
public sealed class AssetUpdateService(
    AssetWriter writer,
    AccessPolicy policy,
    Catalogue.TaxonomyService taxonomy,
    ILogger<AssetUpdateService> logger
)
{
    public async Task<Outcome<(AssetView Asset, ETag ETag)>> UpdateAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        AssetPatch patch,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (Validate(patch) is { } invalid)
            return invalid;
        var loaded = await writer.LoadAsync(
            caller,
            assetId,
            ifMatch,
            _ =>
                patch.Department is { Length: > 0 } target && policy.WriteAsset(caller, target) is { } cannotMove
                    ? cannotMove with
                    {
                        Detail = $"You may not move an asset into department '{target}'.",
                    }
                    : null,
            cancellationToken
        );
        if (loaded.Failed)
            return loaded.Problem;
        var asset = loaded.Value;
        var detail = asset.Detail;
        // Category and location must name active taxonomy entries (an empty string clears them).
        var references = await taxonomy.CheckAsync(
            [
                (
                    "category",
                    Catalogue.TaxonomyKind.Category,
                    patch.Category?.Trim() is { } category && category != detail.Category ? category : null
                ),
                (
                    "location",
                    Catalogue.TaxonomyKind.Location,
                    patch.Location?.Trim() is { } location && location != detail.Location ? location : null
                ),
            ],
            cancellationToken
        );
        if (references.Count > 0)
            return Catalogue.TaxonomyService.ReferenceProblem(references);
        // Owner and IT stakeholder must be active people of the directory; ids are stored normalised (lower-case GUID).
        var owner = PersonReference(patch.Owner);
        var stakeholder = PersonReference(patch.ItStakeholder);
        var people = await taxonomy.CheckPeopleAsync(
            [
                ("owner", owner is { Length: > 0 } && owner != detail.Owner ? owner : null),
                (
                    "itStakeholder",
                    stakeholder is { Length: > 0 } && stakeholder != detail.ItStakeholder ? stakeholder : null
                ),
            ],
            cancellationToken
        );
        if (people.Count > 0)
            return Catalogue.TaxonomyService.ReferenceProblem(people);

        var changes = new List<FieldChange>();
        var fields = new Dictionary<string, object?>();
        void Set(string field, string? stored, string? incoming)
        {
            if (incoming is null || incoming == (stored ?? ""))
                return;
            changes.Add(new FieldChange(field, stored, incoming.Length == 0 ? null : incoming));
            fields[field] = incoming;
        }
        Set(nameof(AssetDetailEntity.Category), detail.Category, patch.Category?.Trim());
        Set(nameof(AssetDetailEntity.Owner), detail.Owner, owner);
        Set(nameof(AssetDetailEntity.ItStakeholder), detail.ItStakeholder, stakeholder);
        Set(nameof(AssetDetailEntity.Department), detail.Department, patch.Department?.Trim());
        Set(nameof(AssetDetailEntity.Location), detail.Location, patch.Location?.Trim());
        Set(
            nameof(AssetDetailEntity.Criticality),
            detail.Criticality,
            patch.Criticality is null ? null : Enum.Parse<Criticality>(patch.Criticality).ToString()
        );
        if (patch.Financials is { } financials)
        {
            var normalised = FinancialRules.Normalise(financials, "", new Dictionary<string, string[]>());
            Set(nameof(AssetDetailEntity.Financials), detail.Financials, AssetFinancials.Serialize(normalised));
        }
        if (changes.Count == 0)
            return await writer.ViewAsync(asset, cancellationToken);

        var recorded = new AssetChanges { Fields = changes };
        var saved = await writer.SaveAsync(
            caller,
            asset,
            new AssetWrite
            {
                Action = "update",
                Summary = $"Changed by {caller.Actor}: {recorded.Describe()}",
                Changes = changes,
                Fields = fields,
            },
            correlationId,
            cancellationToken
        );
        if (saved.Failed)
            return saved.Problem;
        logger.LogInformation(
            "Asset {AssetId} changed by {Actor}: {Changes}",
            assetId,
            caller.Actor,
            recorded.Describe()
        );
        return await writer.ViewAsync(assetId, cancellationToken);
    }

    /// <summary>A person reference as stored: the normalised object id, the raw text when it is not a GUID (refused by
    /// the directory check), empty to clear, null when absent.</summary>
    private static string? PersonReference(string? value) =>
        value?.Trim() is { Length: > 0 } text ? People.PeopleCsv.NormaliseObjectId(text) ?? text : value?.Trim();

    private static Problem? Validate(AssetPatch patch)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (
            var (field, value) in new[]
            {
                ("category", patch.Category),
                ("owner", patch.Owner),
                ("itStakeholder", patch.ItStakeholder),
                ("department", patch.Department),
                ("location", patch.Location),
            }
        )
        {
            if (!ContractFormats.IsShortText(value))
            {
                errors[field] = [$"At most {CheckinLimits.MaxShortString} characters, no control characters."];
            }
        }
        if (
            patch.Criticality is not null
            && (
                !Enum.TryParse<Criticality>(patch.Criticality, ignoreCase: false, out _)
                || int.TryParse(patch.Criticality, out _)
            )
        )
        {
            errors["criticality"] = [$"Must be one of: {string.Join(", ", Enum.GetNames<Criticality>())}."];
        }
        if (patch.Financials is { } financials)
            FinancialRules.Normalise(financials, "financials.", errors);
        return errors.Count == 0
            ? null
            : Problem.BadRequest($"The change has {errors.Count} invalid field(s); see 'errors'.", errors);
    }
}
