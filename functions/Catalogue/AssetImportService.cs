using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Catalogue;

/// <summary>
/// CSV import of assets, as the people import: every row is checked, valid rows are applied, invalid rows are reported
/// with their record number; a malformed file (quoting, header, too many rows) is a 400 and writes nothing. A row
/// matches an existing asset by <c>id</c>, else <c>tag</c>, else serial number, else cloud resource id, and then
/// updates
/// only the fields whose columns are present and differ (an unchanged row writes nothing, so re-importing a file is
/// idempotent). A row that matches nothing creates an asset, which needs a serial number or cloud resource id — so a
/// second import of the same file finds it instead of creating it again.
/// </summary>
public sealed class AssetImportService(
    InventoryStore store,
    TaxonomyService taxonomy,
    PeopleService people,
    AssetCreateService creator,
    Events.Outbox outbox,
    TimeProvider clock,
    ILogger<AssetImportService> logger
)
{
    public const int MaxImportBytes = 4 * 1024 * 1024;
    public const int MaxImportRows = 5_000;

    private static readonly string[] UpdatableColumns =
    [
        "name",
        "category",
        "manufacturer",
        "model",
        "owner",
        "itStakeholder",
        "department",
        "location",
        "criticality",
    ];

    private sealed record Match(
        AssetCsvRow Row,
        AssetDetailEntity? Existing,
        AssetSummaryEntity? Summary,
        ImportRejection? Rejection
    );

    public async Task<Outcome<ImportReport>> ImportAsync(
        Caller caller,
        ReadOnlyMemory<byte> csv,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var (parsed, error) = AssetCsv.Parse(csv, MaxImportRows);
        if (error is not null)
            return Problem.BadRequest(error);

        // 1. Find each row's asset (point reads, in parallel).
        var matches = new Match[parsed!.Rows.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, matches.Length),
            ParallelismOf(cancellationToken),
            async (i, ct) => matches[i] = await MatchAsync(parsed.Rows[i], ct)
        );

        // 2. One row per asset and per new identity: later duplicates are rejected.
        var rejections = new ConcurrentBag<ImportRejection>(parsed.Rejections);
        var claimedAssets = new Dictionary<string, int>(StringComparer.Ordinal);
        var claimedKeys = new Dictionary<string, int>(StringComparer.Ordinal);
        var work = new List<Match>();
        foreach (var match in matches)
        {
            if (match.Rejection is { } rejected)
            {
                rejections.Add(rejected);
                continue;
            }
            if (match.Existing is { } existing)
            {
                if (!claimedAssets.TryAdd(existing.PartitionKey, match.Row.Row))
                {
                    rejections.Add(
                        new(
                            match.Row.Row,
                            "id",
                            $"Duplicate: row {claimedAssets[existing.PartitionKey]} already names asset "
                                + $"{existing.PartitionKey}, and is applied."
                        )
                    );
                    continue;
                }
            }
            else
            {
                var errors = AssetDrafts.Validate(match.Row.Values, out var draft);
                if (errors.Count == 0)
                {
                    var duplicate = AssetCreateService
                        .IdentityKeys(draft!)
                        .FirstOrDefault(k => claimedKeys.ContainsKey(k.Key));
                    if (duplicate.Key is not null)
                    {
                        rejections.Add(
                            new(
                                match.Row.Row,
                                duplicate.Field,
                                $"Duplicate: row {claimedKeys[duplicate.Key]} has the same {duplicate.Field}, and is "
                                    + "applied."
                            )
                        );
                        continue;
                    }
                    foreach (var (key, _) in AssetCreateService.IdentityKeys(draft!))
                        claimedKeys[key] = match.Row.Row;
                }
            }
            work.Add(match);
        }

        // 3. Check references and apply.
        var snapshot = await taxonomy.SnapshotAsync(cancellationToken);
        var directory = new ConcurrentDictionary<string, Task<PersonEntity?>>(StringComparer.Ordinal);
        int created = 0,
            updated = 0,
            unchanged = 0;
        await Parallel.ForEachAsync(work, ParallelismOf(cancellationToken), async (match, ct) =>
        {
            var result = match.Existing is null
                ? await CreateAsync(caller, match.Row, snapshot, directory, correlationId, ct)
                : await UpdateAsync(
                    caller,
                    match.Row,
                    match.Existing,
                    match.Summary,
                    snapshot,
                    directory,
                    correlationId,
                    ct
                );
            switch (result)
            {
                case ImportRejection rejection:
                    rejections.Add(rejection);
                    break;
                case "created":
                    Interlocked.Increment(ref created);
                    break;
                case "updated":
                    Interlocked.Increment(ref updated);
                    break;
                default:
                    Interlocked.Increment(ref unchanged);
                    break;
            }
        });
        var report = rejections.OrderBy(r => r.Row).ThenBy(r => r.Field, StringComparer.Ordinal).ToList();
        logger.LogInformation(
            "Asset import by {Actor}: {Created} created, {Updated} updated, {Unchanged} unchanged, {Rejected} rejected",
            caller.Actor,
            created,
            updated,
            unchanged,
            report.Count
        );
        return new ImportReport(created, updated, unchanged, report.Count, report);
    }

    private async Task<Match> MatchAsync(AssetCsvRow row, CancellationToken cancellationToken)
    {
        string? assetId = null;
        string field;
        if (row.Id is { } id)
        {
            assetId = id;
            field = "id";
        }
        else if (row.Tag is { } tag)
        {
            var link = await store
                .Tags.GetEntityIfExistsAsync<Tags.TagLinkEntity>(
                    TableKeys.TagIndexPartition(tag),
                    TableKeys.TagIndexRow,
                    cancellationToken: cancellationToken
                )
                .OrNull();
            if (link is null)
                return new(
                    row,
                    null,
                    null,
                    new(
                        row.Row,
                        "tag",
                        "Unknown tag: tags are allocated by the app (POST /api/assets/{assetId}/tag), not imported."
                    )
                );
            assetId = link.AssetId;
            field = "tag";
        }
        else
        {
            field = "serialNumber";
            var keys = new List<(string Key, string Field)>();
            if (HardwareIdentity.NormaliseSerial(row.Values.SerialNumber) is { } serial)
                keys.Add((new IdentityKey(IdentityKind.Serial, serial).Key, "serialNumber"));
            if (!string.IsNullOrWhiteSpace(row.Values.CloudResourceId))
                keys.Add((TableKeys.CloudResourceIdentity(row.Values.CloudResourceId), "cloudResourceId"));
            foreach (var (key, keyField) in keys)
            {
                var hit = await store
                    .Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                        key,
                        TableKeys.IdentityRow,
                        cancellationToken: cancellationToken
                    )
                    .OrNull();
                if (hit is not null)
                {
                    assetId = hit.AssetId;
                    field = keyField;
                    break;
                }
            }
            if (assetId is null)
            {
                return keys.Count == 0
                    ? new(
                        row,
                        null,
                        null,
                        new(
                            row.Row,
                            "serialNumber",
                            "A new asset needs a serialNumber or cloudResourceId (so that importing the file again "
                                + "finds it), or name an existing asset by id or tag."
                        )
                    )
                    : new(row, null, null, null);
            }
        }
        var detail = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
            assetId,
            TableKeys.AssetDetailRow,
            cancellationToken: cancellationToken
        );
        if (!detail.HasValue)
            return new(row, null, null, new(row.Row, field, $"There is no asset '{assetId}'."));
        var summary = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(assetId),
            assetId,
            AssetSearch.Select,
            cancellationToken
        );
        return new(row, detail.Value, summary.HasValue ? summary.Value : null, null);
    }

    private async Task<object> CreateAsync(
        Caller caller,
        AssetCsvRow row,
        TaxonomySnapshot snapshot,
        ConcurrentDictionary<string, Task<PersonEntity?>> directory,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = AssetDrafts.Validate(row.Values, out var draft);
        if (errors.Count > 0)
            return First(row, errors);
        var references = await CheckReferencesAsync(
            draft!.Category,
            draft.Location,
            draft.Owner,
            draft.ItStakeholder,
            snapshot,
            directory,
            cancellationToken
        );
        if (references is { } rejection)
            return new ImportRejection(row.Row, rejection.Field, rejection.Reason);
        var written = await creator.WriteAsync(
            draft,
            "import",
            $"Imported by {caller.Actor} (row {row.Row})",
            cancellationToken,
            id => new(caller.AuditActor, "asset", id, "create", AssetDrafts.CreatedFields(draft), correlationId)
        );
        if (written.Failed)
            return new ImportRejection(
                row.Row,
                written.Problem.Errors?.Keys.FirstOrDefault() ?? "",
                written.Problem.Detail
            );
        return "created";
    }

    private async Task<object> UpdateAsync(
        Caller caller,
        AssetCsvRow row,
        AssetDetailEntity detail,
        AssetSummaryEntity? summary,
        TaxonomySnapshot snapshot,
        ConcurrentDictionary<string, Task<PersonEntity?>> directory,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var v = row.Values;
        // What identifies or drives the asset's lifecycle is not changed by an import.
        if (row.Tag is { } tag && tag != detail.Tag)
            return new ImportRejection(
                row.Row,
                "tag",
                $"The asset's tag is '{detail.Tag}': tags are not changed by an import."
            );
        if (
            !string.IsNullOrEmpty(v.Type)
            && (!TaxonomyRules.TryParseType(v.Type, out var type) || type.ToString() != detail.Type)
        )
        {
            return new ImportRejection(
                row.Row,
                "type",
                $"The asset is a {detail.Type}: the type is not changed by an import."
            );
        }
        if (!string.IsNullOrEmpty(v.Kind) && v.Kind != detail.Kind)
            return new ImportRejection(row.Row, "kind", $"The asset is of kind {detail.Kind}.");
        if (!string.IsNullOrEmpty(v.State) && v.State != detail.State)
        {
            return new ImportRejection(
                row.Row,
                "state",
                $"The asset is {detail.State}: state changes go through check-out/check-in and the lifecycle "
                    + "endpoints, not an import."
            );
        }
        if (
            !string.IsNullOrWhiteSpace(v.SerialNumber)
            && HardwareIdentity.NormaliseSerial(v.SerialNumber) != detail.SerialNumber
        )
        {
            return new ImportRejection(
                row.Row,
                "serialNumber",
                $"The asset's serial number is '{detail.SerialNumber}': it is not changed by an import."
            );
        }
        if (
            !string.IsNullOrWhiteSpace(v.CloudResourceId)
            && !string.Equals(v.CloudResourceId.Trim(), detail.CloudResourceId, StringComparison.OrdinalIgnoreCase)
        )
        {
            return new ImportRejection(
                row.Row,
                "cloudResourceId",
                "The asset's cloud resource id is not changed by an import."
            );
        }

        // The updatable fields follow the create rules (a placeholder type keeps Validate to them).
        var errors = AssetDrafts.Validate(
            v with
            {
                Type = nameof(AssetType.Peripheral),
                Kind = null,
                State = null,
                SerialNumber = null,
                CloudResourceId = null,
                Financials = null,
            },
            out var draft
        );
        if (errors.Count > 0)
            return First(row, errors);

        var currentName = detail.Name ?? summary?.Name ?? detail.Hostname;
        var changes = new List<FieldChange>();
        var merge = new TableEntity(detail.PartitionKey, TableKeys.AssetDetailRow);
        void Set(string column, string property, string? stored, string? incoming)
        {
            if (!row.Columns.Contains(column) || (incoming ?? "") == (stored ?? ""))
                return;
            changes.Add(new FieldChange(property, string.IsNullOrEmpty(stored) ? null : stored, incoming));
            merge[property] = incoming ?? "";
        }
        Set("name", nameof(AssetDetailEntity.Name), currentName, draft!.Name);
        Set("category", nameof(AssetDetailEntity.Category), detail.Category, draft.Category);
        Set("manufacturer", nameof(AssetDetailEntity.Manufacturer), detail.Manufacturer, draft.Manufacturer);
        Set("model", nameof(AssetDetailEntity.Model), detail.Model, draft.Model);
        Set("owner", nameof(AssetDetailEntity.Owner), detail.Owner?.ToLowerInvariant(), draft.Owner);
        Set(
            "itStakeholder",
            nameof(AssetDetailEntity.ItStakeholder),
            detail.ItStakeholder?.ToLowerInvariant(),
            draft.ItStakeholder
        );
        Set("department", nameof(AssetDetailEntity.Department), detail.Department, draft.Department);
        Set("location", nameof(AssetDetailEntity.Location), detail.Location, draft.Location);
        if (row.Columns.Contains("criticality") && !string.IsNullOrEmpty(v.Criticality))
            Set("criticality", nameof(AssetDetailEntity.Criticality), detail.Criticality, draft.Criticality.ToString());
        if (FinancialRules.CsvColumns.Any(row.Columns.Contains))
        {
            var merged = FinancialRules.MergeCsv(AssetFinancials.Parse(detail.Financials), v.Financials, row.Columns);
            var financialErrors = new Dictionary<string, string[]>();
            var normalised = FinancialRules.Normalise(merged, "", financialErrors);
            if (financialErrors.Count > 0)
                return First(row, financialErrors);
            var (stored, incoming) = (detail.Financials ?? "", AssetFinancials.Serialize(normalised));
            if (stored != incoming)
            {
                changes.Add(
                    new FieldChange(nameof(AssetDetailEntity.Financials), stored.Length == 0 ? null : stored, incoming)
                );
                merge[nameof(AssetDetailEntity.Financials)] = incoming;
            }
        }
        if (changes.Count == 0)
            return "unchanged";

        string? Changed(string property) =>
            merge.TryGetValue(property, out var value) && value is string { Length: > 0 } text ? text : null;
        var references = await CheckReferencesAsync(
            Changed(nameof(AssetDetailEntity.Category)),
            Changed(nameof(AssetDetailEntity.Location)),
            Changed(nameof(AssetDetailEntity.Owner)),
            Changed(nameof(AssetDetailEntity.ItStakeholder)),
            snapshot,
            directory,
            cancellationToken
        );
        if (references is { } rejection)
            return new ImportRejection(row.Row, rejection.Field, rejection.Reason);

        var assetId = detail.PartitionKey;
        var now = clock.GetUtcNow();
        var recorded = new AssetChanges { Fields = changes };
        // The change, its history row and its outbox row (audit record, asset.changed): one batch.
        var entry = Events.AssetEvents.Stage(
            outbox.Entry(),
            new Audit.AuditEvent(caller.AuditActor, "asset", assetId, "update", changes, correlationId),
            detail,
            changes
        );
        try
        {
            await outbox.WriteAsync(
                store.Assets,
                [
                    new(TableTransactionActionType.UpdateMerge, merge, detail.ETag),
                    new(
                        TableTransactionActionType.Add,
                        AssetChanges.HistoryRow(
                            assetId,
                            now,
                            "import",
                            null,
                            $"Imported by {caller.Actor} (row {row.Row}): {recorded.Describe()}",
                            recorded
                        )
                    ),
                ],
                entry,
                cancellationToken
            );
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 412)
        {
            return new ImportRejection(
                row.Row,
                "",
                "The asset changed while the import ran (a check-in or an edit): import the file again."
            );
        }
        var mirror = new TableEntity(TableKeys.SummaryPartition(assetId), assetId);
        foreach (
            var field in new[]
            {
                nameof(AssetSummaryEntity.Name),
                nameof(AssetSummaryEntity.Category),
                nameof(AssetSummaryEntity.Owner),
                nameof(AssetSummaryEntity.Department),
                nameof(AssetSummaryEntity.Location),
                nameof(AssetSummaryEntity.Criticality),
                nameof(AssetSummaryEntity.Financials),
            }
        )
        {
            if (merge.TryGetValue(field, out var value))
                mirror[field] = value;
        }
        if (mirror.Count > 2)
            await store.Summaries.UpdateEntityAsync(mirror, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return "updated";
    }

    private async Task<ImportRejection?> CheckReferencesAsync(
        string? category,
        string? location,
        string? owner,
        string? stakeholder,
        TaxonomySnapshot snapshot,
        ConcurrentDictionary<string, Task<PersonEntity?>> directory,
        CancellationToken cancellationToken
    )
    {
        if (
            category is not null
            && TaxonomyService.ReferenceError(
                TaxonomyKind.Category,
                category,
                snapshot.Find(TaxonomyKind.Category, category)
            )
                is { } c
        )
            return new(0, "category", c);
        if (
            location is not null
            && TaxonomyService.ReferenceError(
                TaxonomyKind.Location,
                location,
                snapshot.Find(TaxonomyKind.Location, location)
            )
                is { } l
        )
            return new(0, "location", l);
        foreach (var (field, id) in new[] { ("owner", owner), ("itStakeholder", stakeholder) })
        {
            if (id is null)
                continue;
            var person = await directory.GetOrAdd(id, key => people.FindAsync(key, cancellationToken));
            if (TaxonomyService.PersonError(id, person) is { } p)
                return new(0, field, p);
        }
        return null;
    }

    private static ImportRejection First(AssetCsvRow row, Dictionary<string, string[]> errors)
    {
        var (field, messages) = errors.First();
        return new ImportRejection(row.Row, field, messages[0]);
    }

    private static ParallelOptions ParallelismOf(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };
}
