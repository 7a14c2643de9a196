using Azure;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Catalogue;

/// <summary>
/// Creates assets that have no agent (peripherals, IoT devices, cloud resources): detail and first history row in one
/// batch, the summary row, then the serial and cloud resource id in the identity index (so a later enrollment of the
/// same serial finds this asset). A duplicate serial or resource id is a 409 and leaves nothing behind.
/// </summary>
public sealed class AssetCreateService(
    InventoryStore store,
    AssetRegistry registry,
    AccessPolicy policy,
    TaxonomyService taxonomy,
    Outbox outbox,
    TimeProvider clock,
    ILogger<AssetCreateService> logger
)
{
    public async Task<Outcome<(AssetView Asset, ETag ETag)>> CreateAsync(
        Caller caller,
        CreateAssetRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = AssetDrafts.Validate(request, out var draft);
        if (errors.Count > 0)
        {
            return Problem.BadRequest($"The asset has {errors.Count} invalid field(s); see 'errors'.", errors);
        }
        if (policy.WriteAsset(caller, draft!.Department) is { } denied)
        {
            return draft.Department is null && caller.IsDepartmentLead
                ? denied with
                {
                    Detail = "Name one of your departments in 'department': department leads create assets only there.",
                }
                : denied;
        }

        var references = await taxonomy.CheckAsync(
            [("category", TaxonomyKind.Category, draft.Category), ("location", TaxonomyKind.Location, draft.Location)],
            cancellationToken
        );
        var people = await taxonomy.CheckPeopleAsync(
            [("owner", draft.Owner), ("itStakeholder", draft.ItStakeholder)],
            cancellationToken
        );
        foreach (var (field, messages) in people)
        {
            references[field] = messages;
        }
        if (references.Count > 0)
            return TaxonomyService.ReferenceProblem(references);

        var created = await WriteAsync(draft, "api", $"Created by {caller.Actor}", cancellationToken, id =>
            new(caller.AuditActor, "asset", id, "create", AssetDrafts.CreatedFields(draft), correlationId)
        );
        if (created.Failed)
            return created.Problem;
        var (assetId, detail) = created.Value;
        logger.LogInformation("Asset {AssetId} ({Type}) created by {Actor}", assetId, draft.Type, caller.Actor);
        return (AssetView.From(detail, null), detail.ETag);
    }

    /// <summary>Writes a new asset from a validated draft whose references were checked; 409 when its serial or cloud
    /// resource id belongs to another asset (then nothing stays written).</summary>
    /// <param name="audit">The audit record of the new asset's id: committed with it, with the
    /// <c>itinventory.asset.discovered</c> event (outbox).</param>
    internal async Task<Outcome<(string AssetId, AssetDetailEntity Detail)>> WriteAsync(
        AssetDraft draft,
        string source,
        string summary,
        CancellationToken cancellationToken,
        Func<string, Audit.AuditEvent>? audit = null
    )
    {
        var identities = IdentityKeys(draft).ToList();
        foreach (var (key, field) in identities)
        {
            var existing = await store
                .Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                    key,
                    TableKeys.IdentityRow,
                    cancellationToken: cancellationToken
                )
                .OrNull();
            if (existing is not null)
                return Duplicate(field, existing.AssetId);
        }

        var assetId = TableKeys.NewAssetId();
        var now = clock.GetUtcNow();
        var detail = new AssetDetailEntity
        {
            PartitionKey = assetId,
            Kind = draft.Kind.ToString(),
            Type = draft.Type.ToString(),
            State = draft.State.ToString(),
            Source = source,
            CreatedAt = now,
            Name = draft.Name,
            CloudResourceId = draft.CloudResourceId,
            Category = draft.Category,
            Owner = draft.Owner,
            ItStakeholder = draft.ItStakeholder,
            Department = draft.Department,
            Location = draft.Location,
            Criticality = draft.Criticality.ToString(),
            SerialNumber = draft.SerialNumber,
            Manufacturer = draft.Manufacturer,
            Model = draft.Model,
            Financials = draft.Financials is null ? null : Financials.AssetFinancials.Serialize(draft.Financials),
        };
        var history = AssetChanges.HistoryRow(
            assetId,
            now,
            source,
            null,
            $"{summary}: a new {detail.Type} asset ({detail.State}).",
            new AssetChanges { Fields = AssetDrafts.CreatedFields(draft) }
        );
        var summaryRow = AssetSummaries.FromDetail(detail);
        var (etag, lost) = await registry.CreateAsync(
            detail,
            history,
            summaryRow,
            identities.Select(i => i.Key),
            now,
            cancellationToken,
            audit is null
                ? null
                : AssetEvents.Discovered(outbox.Entry(), audit(assetId), detail.State, detail.Department)
        );
        if (lost is not null)
        {
            // A concurrent create (or enrollment) took the identity between the check and the claim: nothing stays
            // written.
            var winner = await store
                .Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                    lost,
                    TableKeys.IdentityRow,
                    cancellationToken: cancellationToken
                )
                .OrNull();
            return Duplicate(identities.First(i => i.Key == lost).Field, winner?.AssetId ?? "another asset");
        }
        detail.ETag = etag;
        return (assetId, detail);
    }

    /// <summary>The identity index keys a draft claims, with the field each comes from.</summary>
    public static IEnumerable<(string Key, string Field)> IdentityKeys(AssetDraft draft)
    {
        if (draft.SerialNumber is { } serial)
        {
            yield return (new IdentityKey(IdentityKind.Serial, serial).Key, "serialNumber");
        }
        if (draft.CloudResourceId is { } cloud)
        {
            yield return (TableKeys.CloudResourceIdentity(cloud), "cloudResourceId");
        }
    }

    private static Problem Duplicate(string field, string assetId) =>
        Problem.Conflict($"The {field} already belongs to asset {assetId}.") with
        {
            Errors = new Dictionary<string, string[]> { [field] = [$"Already used by asset {assetId}."] },
        };
}
