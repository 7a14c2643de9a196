using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Catalogue;

/// <summary>The managed taxonomy entries of a kind, loaded once (an import checks every row against it).</summary>
public sealed class TaxonomySnapshot(
    IReadOnlyDictionary<TaxonomyKind, IReadOnlyDictionary<string, TaxonomyEntity>> entries
)
{
    public TaxonomyEntity? Find(TaxonomyKind kind, string code) =>
        entries.TryGetValue(kind, out var codes) && codes.TryGetValue(code, out var entity) ? entity : null;
}

/// <summary>
/// The classification taxonomy: lists (managed entries from table <c>taxonomy</c>, built-in types and criticality
/// levels),
/// admin upserts and deletes (audited), and reference checks used by asset create, PATCH, check-in and import.
/// </summary>
public sealed class TaxonomyService(
    InventoryStore store,
    PeopleService people,
    Events.Outbox outbox,
    TimeProvider clock,
    ILogger<TaxonomyService> logger
)
{
    /// <summary>422 naming each field whose reference is unknown or inactive.</summary>
    public static Problem ReferenceProblem(IReadOnlyDictionary<string, string[]> errors) =>
        Problem.UnknownReference(
            $"{errors.Count} field(s) name something that does not exist or may not be used; see 'errors'.",
            errors
        );

    public async Task<Outcome<TaxonomyList>> ListAsync(string kindText, CancellationToken cancellationToken)
    {
        if (!TaxonomyRules.TryParseKind(kindText, out var kind))
            return UnknownKind(kindText);
        if (!TaxonomyRules.IsManaged(kind))
            return new TaxonomyList(kindText, TaxonomyRules.BuiltIn(kind));
        var items = new List<TaxonomyEntryView>();
        await foreach (
            var e in store.Taxonomy.QueryAsync<TaxonomyEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.TaxonomyPartition(kindText)}"),
                cancellationToken: cancellationToken
            )
        )
        {
            items.Add(View(kind, e));
        }
        return new TaxonomyList(kindText, items.OrderBy(i => i.Code, StringComparer.Ordinal).ToList());
    }

    /// <summary>Creates or replaces a category or location. Answers the entry and whether it was created.</summary>
    public async Task<Outcome<(TaxonomyEntryView Entry, bool Created)>> PutAsync(
        Caller caller,
        string kindText,
        string code,
        TaxonomyEntryRequest body,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (!TaxonomyRules.TryParseKind(kindText, out var kind))
            return UnknownKind(kindText);
        if (!TaxonomyRules.IsManaged(kind))
            return BuiltInKind(kind);
        var errors = TaxonomyRules.Validate(kind, code, body);
        if (errors.Count > 0)
            return Problem.BadRequest($"The entry has {errors.Count} invalid field(s); see 'errors'.", errors);

        var parent = string.IsNullOrEmpty(body.Parent) ? null : body.Parent;
        if (parent is not null)
        {
            var locations = new Dictionary<string, string?>(StringComparer.Ordinal);
            await foreach (
                var e in store.Taxonomy.QueryAsync<TaxonomyEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {kindText}"),
                    select: ["RowKey", nameof(TaxonomyEntity.Parent)],
                    cancellationToken: cancellationToken
                )
            )
            {
                locations[e.RowKey] = e.Parent;
            }
            if (!locations.ContainsKey(parent))
                return ReferenceProblem(
                    new Dictionary<string, string[]> { ["parent"] = [$"There is no location '{parent}'."] }
                );
            if (TaxonomyRules.CreatesCycle(code, parent, c => locations.GetValueOrDefault(c)))
            {
                return Problem.BadRequest(
                    $"Making '{parent}' the parent of '{code}' would nest locations in a loop or deeper than "
                        + $"{TaxonomyRules.MaxLocationDepth} levels.",
                    new Dictionary<string, string[]> { ["parent"] = ["Loop or too deep."] }
                );
            }
        }

        var partition = TableKeys.TaxonomyPartition(kindText);
        var row = TableKeys.TaxonomyRow(code);
        var existing = await store.Taxonomy.GetEntityIfExistsAsync<TaxonomyEntity>(
            partition,
            row,
            cancellationToken: cancellationToken
        );
        var current = existing.HasValue ? existing.Value : null;
        var entity = new TaxonomyEntity
        {
            PartitionKey = partition,
            RowKey = row,
            DisplayName = body.DisplayName!.Trim(),
            Description = string.IsNullOrEmpty(body.Description) ? null : body.Description,
            Parent = parent,
            Active = body.Active ?? current?.Active ?? true,
            UpdatedAt = clock.GetUtcNow(),
            UsefulLifeMonths = body.UsefulLifeMonths,
        };
        var changes = new List<FieldChange>();
        void Compare(string field, string? before, string? after)
        {
            if (before != after)
                changes.Add(new FieldChange(field, before, after));
        }
        Compare("displayName", current?.DisplayName, entity.DisplayName);
        Compare("description", current?.Description, entity.Description);
        Compare("parent", current?.Parent, entity.Parent);
        Compare("usefulLifeMonths", current?.UsefulLifeMonths?.ToString(), entity.UsefulLifeMonths?.ToString());
        Compare(
            "active",
            current is null ? null
                : current.Active ? "true"
                : "false",
            entity.Active ? "true" : "false"
        );
        if (current is not null && changes.Count == 0)
            return (View(kind, current), false);

        // Written ahead (the taxonomy's partitions are read whole, so no outbox row can join them); a refusal
        // abandons the entry, a crash before the write leaves the record of an attempted change.
        var entry = outbox
            .Entry()
            .Audit(
                new Audit.AuditEvent(
                    caller.AuditActor,
                    "taxonomy",
                    $"{kindText}/{code}",
                    current is null ? "create" : "update",
                    changes,
                    correlationId
                )
            );
        await entry.WriteAheadAsync(cancellationToken);
        try
        {
            if (current is null)
                await store.Taxonomy.AddEntityAsync(entity, cancellationToken);
            else
                await store.Taxonomy.UpdateEntityAsync(
                    entity,
                    current.ETag,
                    TableUpdateMode.Replace,
                    cancellationToken
                );
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            await entry.AbandonAsync(cancellationToken);
            return Problem.Conflict($"The {kindText} '{code}' was changed concurrently; retry.");
        }
        await entry.CommittedAsync(cancellationToken);
        logger.LogInformation(
            "Taxonomy {Kind} {Code} {Action} by {Actor}",
            kindText,
            code,
            current is null ? "created" : "updated",
            caller.Actor
        );
        return (View(kind, entity), current is null);
    }

    /// <summary>Deletes a category or location no asset (and no child location) refers to; otherwise 409 — deactivate
    /// it instead (<c>active: false</c>), which keeps existing references but refuses new ones.</summary>
    public async Task<Problem?> DeleteAsync(
        Caller caller,
        string kindText,
        string code,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (!TaxonomyRules.TryParseKind(kindText, out var kind))
            return UnknownKind(kindText);
        if (!TaxonomyRules.IsManaged(kind))
            return BuiltInKind(kind);
        if (!TaxonomyRules.IsCode(code))
            return Problem.NotFound($"There is no {kindText} '{code}'.");
        var current = await store
            .Taxonomy.GetEntityIfExistsAsync<TaxonomyEntity>(
                TableKeys.TaxonomyPartition(kindText),
                TableKeys.TaxonomyRow(code),
                cancellationToken: cancellationToken
            )
            .OrNull();
        if (current is null)
            return Problem.NotFound($"There is no {kindText} '{code}'.");

        var field =
            kind == TaxonomyKind.Category ? nameof(AssetSummaryEntity.Category) : nameof(AssetSummaryEntity.Location);
        var filter =
            kind == TaxonomyKind.Category
                ? TableClient.CreateQueryFilter($"Category eq {code}")
                : TableClient.CreateQueryFilter($"Location eq {code}");
        await foreach (
            var page in store.Summaries.QueryAsync<TableEntity>(filter, 1, ["RowKey"], cancellationToken).AsPages()
        )
        {
            if (page.Values.Count > 0)
            {
                return Problem.Conflict(
                    $"Asset {page.Values[0].RowKey} (and maybe others) has {field} '{code}': reassign them first, or "
                        + "deactivate the entry (PUT with \"active\": false)."
                );
            }
        }
        if (kind == TaxonomyKind.Location)
        {
            await foreach (
                var child in store.Taxonomy.QueryAsync<TaxonomyEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {kindText} and Parent eq {code}"),
                    1,
                    ["RowKey"],
                    cancellationToken
                )
            )
            {
                return Problem.Conflict($"Location '{child.RowKey}' is inside '{code}': move or delete it first.");
            }
        }

        var entry = outbox
            .Entry()
            .Audit(
                new Audit.AuditEvent(
                    caller.AuditActor,
                    "taxonomy",
                    $"{kindText}/{code}",
                    "delete",
                    [
                        new FieldChange("displayName", current.DisplayName, null),
                        new FieldChange("active", current.Active ? "true" : "false", null),
                    ],
                    correlationId
                )
            );
        await entry.WriteAheadAsync(cancellationToken);
        try
        {
            await store.Taxonomy.DeleteEntityAsync(
                current.PartitionKey,
                current.RowKey,
                current.ETag,
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            await entry.AbandonAsync(cancellationToken);
            return Problem.Conflict($"The {kindText} '{code}' was changed concurrently; retry.");
        }
        await entry.CommittedAsync(cancellationToken);
        logger.LogInformation("Taxonomy {Kind} {Code} deleted by {Actor}", kindText, code, caller.Actor);
        return null;
    }

    /// <summary>All managed entries (one query per kind): what an import checks its rows against.</summary>
    public async Task<TaxonomySnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var all = new Dictionary<TaxonomyKind, IReadOnlyDictionary<string, TaxonomyEntity>>();
        foreach (var kind in new[] { TaxonomyKind.Category, TaxonomyKind.Location })
        {
            var codes = new Dictionary<string, TaxonomyEntity>(StringComparer.Ordinal);
            await foreach (
                var e in store.Taxonomy.QueryAsync<TaxonomyEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {TaxonomyRules.WireName(kind)}"),
                    cancellationToken: cancellationToken
                )
            )
            {
                codes[e.RowKey] = e;
            }
            all[kind] = codes;
        }
        return new TaxonomySnapshot(all);
    }

    /// <summary>Why a category or location code may not be assigned (null: it may). Pure.</summary>
    public static string? ReferenceError(TaxonomyKind kind, string code, TaxonomyEntity? entry)
    {
        var name = TaxonomyRules.WireName(kind);
        if (!TaxonomyRules.IsCode(code) || entry is null)
            return $"Unknown {name} '{code}': see GET /api/taxonomy/{name}.";
        return entry.Active ? null : $"The {name} '{code}' is inactive: it may no longer be assigned.";
    }

    /// <summary>Checks category/location references with point reads; empty or null values are not checked.</summary>
    public async Task<Dictionary<string, string[]>> CheckAsync(
        IEnumerable<(string Field, TaxonomyKind Kind, string? Code)> references,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, kind, code) in references)
        {
            if (string.IsNullOrEmpty(code))
                continue;
            TaxonomyEntity? entry = null;
            if (TaxonomyRules.IsCode(code))
            {
                var found = await store.Taxonomy.GetEntityIfExistsAsync<TaxonomyEntity>(
                    TableKeys.TaxonomyPartition(TaxonomyRules.WireName(kind)),
                    TableKeys.TaxonomyRow(code),
                    cancellationToken: cancellationToken
                );
                entry = found.HasValue ? found.Value : null;
            }
            if (ReferenceError(kind, code, entry) is { } error)
                errors[field] = [error];
        }
        return errors;
    }

    /// <summary>Checks people references (owner, IT stakeholder): a GUID of an Active person in the
    /// directory.</summary>
    public async Task<Dictionary<string, string[]>> CheckPeopleAsync(
        IEnumerable<(string Field, string? ObjectId)> references,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, objectId) in references)
        {
            if (string.IsNullOrEmpty(objectId))
                continue;
            if (PeopleCsv.NormaliseObjectId(objectId) is not { } id)
            {
                errors[field] = ["Must be a person's Entra object id (GUID)."];
                continue;
            }
            var person = await people.FindAsync(id, cancellationToken);
            if (PersonError(id, person) is { } error)
                errors[field] = [error];
        }
        return errors;
    }

    /// <summary>Why a person may not be assigned (null: they may). Pure.</summary>
    public static string? PersonError(string objectId, PersonEntity? person) =>
        person is null ? $"There is no person '{objectId}' in the directory (import people first)."
        : person.Status != nameof(PersonStatus.Active) ? $"The person '{objectId}' has departed."
        : null;

    private static TaxonomyEntryView View(TaxonomyKind kind, TaxonomyEntity e) =>
        new(TaxonomyRules.WireName(kind), e.RowKey, e.DisplayName, e.Description, e.Parent, e.Active, false, null)
        {
            UsefulLifeMonths = e.UsefulLifeMonths,
        };

    private static Problem UnknownKind(string kind) =>
        Problem.NotFound($"There is no taxonomy kind '{kind}': use category, type, location or criticality.");

    private static Problem BuiltInKind(TaxonomyKind kind) =>
        Problem.BadRequest(
            $"The {TaxonomyRules.WireName(kind)} entries are built in (the app's code relies on them) and cannot be "
                + "changed; categories and locations are managed."
        );
}
