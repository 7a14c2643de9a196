using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.People;

/// <summary>The people directory: CSV import/export, reads, paged listing, and the caller's own assets.</summary>
public sealed class PeopleService(InventoryStore store, Events.Outbox outbox, TimeProvider clock)
{
    public const int MaxImportBytes = 4 * 1024 * 1024;
    public const int MaxImportRows = 50_000;
    public const int MaxPageSize = 500;
    public const int DefaultPageSize = 100;

    /// <summary>
    /// Validates every row and applies the valid ones (upsert by object id, compared first: an unchanged person costs
    /// no write); invalid rows are reported, not applied. A malformed file (quoting, header) is a 400 and writes
    /// nothing.
    /// Each created or changed person is audited (entity <c>person</c>, the changed fields before and after) with the
    /// caller as actor and the request's correlation id.
    /// </summary>
    public async Task<Outcome<ImportReport>> ImportAsync(
        ReadOnlyMemory<byte> csv,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var (parsed, error) = PeopleCsv.Parse(csv, MaxImportRows);
        if (error is not null)
            return Problem.BadRequest(error);

        // The directory is small (one narrow row per person): one scan, 1,000 rows per request.
        var existing = new Dictionary<string, PersonEntity>(StringComparer.Ordinal);
        await foreach (
            var person in store.People.QueryAsync<PersonEntity>(
                p => p.RowKey == TableKeys.PersonRow,
                cancellationToken: cancellationToken
            )
        )
        {
            existing[person.PartitionKey] = person;
        }

        var rejections = parsed!.Rejections.ToList();
        // Managers must exist in the file's valid rows or the directory; a rejection can orphan others, so repeat.
        var valid = parsed.Rows.ToDictionary(r => r.ObjectId, StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var row in valid.Values.ToList())
            {
                if (row.ManagerObjectId is { } manager && !valid.ContainsKey(manager) && !existing.ContainsKey(manager))
                {
                    valid.Remove(row.ObjectId);
                    rejections.Add(
                        new(
                            row.Row,
                            "managerObjectId",
                            "The manager is neither in this file (as a valid row) nor in the directory."
                        )
                    );
                    changed = true;
                }
            }
        } while (changed);

        var now = clock.GetUtcNow();
        int created = 0,
            updated = 0,
            unchanged = 0;
        var conflicts = new ConcurrentBag<ImportRejection>();
        var writes = new List<(PersonRow Row, PersonEntity Entity, PersonEntity? Current)>();
        foreach (var row in valid.Values.OrderBy(r => r.Row))
        {
            existing.TryGetValue(row.ObjectId, out var current);
            if (current is not null && Same(current, row))
            {
                unchanged++;
                continue;
            }
            var status = row.Status.ToString();
            var departedAt =
                row.Status == PersonStatus.Departed
                    ? (current?.Status == nameof(PersonStatus.Departed) ? current.DepartedAt ?? now : now)
                    : (DateTimeOffset?)null;
            writes.Add(
                (
                    row,
                    new PersonEntity
                    {
                        PartitionKey = row.ObjectId,
                        RowKey = TableKeys.PersonRow,
                        DisplayName = row.DisplayName,
                        Email = row.Email,
                        Department = row.Department,
                        ManagerObjectId = row.ManagerObjectId,
                        Status = status,
                        DepartedAt = departedAt,
                        EmployeeId = row.EmployeeId,
                        ImportedAt = now,
                    },
                    current
                )
            );
        }

        var createdCount = 0;
        var updatedCount = 0;
        await Parallel.ForEachAsync(
            writes,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (write, ct) =>
            {
                try
                {
                    // The person and their audit record: one batch (the outbox row in the person's partition), so a
                    // write lost to a concurrent import is reported, never audited as done.
                    await outbox.WriteAsync(
                        store.People,
                        write.Current is { } current
                            ? new TableTransactionAction(
                                TableTransactionActionType.UpdateReplace,
                                write.Entity,
                                current.ETag
                            )
                            : new TableTransactionAction(TableTransactionActionType.Add, write.Entity),
                        new AuditEvent(
                            actor,
                            "person",
                            write.Entity.PartitionKey,
                            write.Current is null ? "import-create" : "import-update",
                            Changes(write.Current, write.Entity),
                            correlationId
                        ),
                        ct
                    );
                    if (write.Current is null)
                        Interlocked.Increment(ref createdCount);
                    else
                        Interlocked.Increment(ref updatedCount);
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412)
                {
                    conflicts.Add(
                        new(
                            write.Row.Row,
                            "objectId",
                            "The person changed while the import ran (a concurrent import?); import the file again."
                        )
                    );
                }
            }
        );
        created += createdCount;
        updated += updatedCount;
        rejections.AddRange(conflicts);
        rejections.Sort((a, b) => a.Row.CompareTo(b.Row));
        return new ImportReport(created, updated, unchanged, rejections.Count, rejections);
    }

    /// <summary>The fields an import set, before and after (a new person: every field that has a value).</summary>
    private static List<FieldChange> Changes(PersonEntity? before, PersonEntity after)
    {
        var changes = new List<FieldChange>();
        void Add(string field, string? from, string? to)
        {
            if (from != to)
                changes.Add(new FieldChange(field, from, to));
        }
        Add(nameof(PersonEntity.DisplayName), before?.DisplayName, after.DisplayName);
        Add(nameof(PersonEntity.Email), before?.Email, after.Email);
        Add(nameof(PersonEntity.Department), before?.Department, after.Department);
        Add(nameof(PersonEntity.ManagerObjectId), before?.ManagerObjectId, after.ManagerObjectId);
        Add(nameof(PersonEntity.Status), before?.Status, after.Status);
        Add(nameof(PersonEntity.DepartedAt), before?.DepartedAt?.ToString("O"), after.DepartedAt?.ToString("O"));
        Add(nameof(PersonEntity.EmployeeId), before?.EmployeeId, after.EmployeeId);
        return changes;
    }

    private static bool Same(PersonEntity current, PersonRow row) =>
        current.DisplayName == row.DisplayName
        && current.Email == row.Email
        && current.Department == row.Department
        && current.ManagerObjectId == row.ManagerObjectId
        && current.Status == row.Status.ToString()
        && current.EmployeeId == row.EmployeeId;

    /// <summary>The whole directory as CSV in the import format, ordered by object id.</summary>
    public async Task<byte[]> ExportAsync(CancellationToken cancellationToken)
    {
        var people = new List<PersonEntity>();
        await foreach (
            var person in store.People.QueryAsync<PersonEntity>(
                p => p.RowKey == TableKeys.PersonRow,
                cancellationToken: cancellationToken
            )
        )
        {
            people.Add(person);
        }
        return PeopleCsv.Write(people);
    }

    /// <summary>One person by object id (one point read); null when unknown or the id is not a GUID.</summary>
    public async Task<PersonEntity?> FindAsync(string objectId, CancellationToken cancellationToken)
    {
        if (PeopleCsv.NormaliseObjectId(objectId) is not { } key)
            return null;
        var found = await store.People.GetEntityIfExistsAsync<PersonEntity>(
            key,
            TableKeys.PersonRow,
            cancellationToken: cancellationToken
        );
        return found.HasValue ? found.Value : null;
    }

    /// <summary>A page of people, filtered by department and/or status (a filtered scan, see
    /// docs/storage.md).</summary>
    public async Task<Outcome<PeoplePage>> ListAsync(
        string? department,
        string? status,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        if (pageSize is < 1 or > MaxPageSize)
            return Problem.BadRequest($"pageSize must be between 1 and {MaxPageSize}.");
        string? statusValue = null;
        if (status is not null)
        {
            if (!PeopleCsv.TryParseStatus(status, out var parsed))
                return Problem.BadRequest("status must be Active or Departed.");
            statusValue = parsed.ToString();
        }
        var filter = TableClient.CreateQueryFilter($"RowKey eq {TableKeys.PersonRow}");
        if (department is not null)
            filter += " and " + TableClient.CreateQueryFilter($"Department eq {department}");
        if (statusValue is not null)
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {statusValue}");

        string? position = null;
        if (
            !string.IsNullOrEmpty(continuationToken)
            && (position = ContinuationTokens.Decode(continuationToken, "people|" + filter)) is null
        )
        {
            return Problem.BadRequest(
                "The continuation token is not valid for this listing (altered, or from other filters)."
            );
        }
        try
        {
            await foreach (
                var page in store
                    .People.QueryAsync<PersonEntity>(filter, pageSize, cancellationToken: cancellationToken)
                    .AsPages(position, pageSize)
            )
            {
                var next = string.IsNullOrEmpty(page.ContinuationToken)
                    ? null
                    : ContinuationTokens.Encode(page.ContinuationToken, "people|" + filter);
                return new PeoplePage(page.Values.Select(PersonView.From).ToList(), next);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return Problem.BadRequest("The continuation token is not valid.");
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return Problem.BadRequest("The continuation token is not valid.");
        }
        return new PeoplePage([], null);
    }

    /// <summary>People marked Departed (licence reclamation reads them): a filtered scan.</summary>
    public IAsyncEnumerable<PersonEntity> FindDepartedAsync(CancellationToken cancellationToken) =>
        store.People.QueryAsync<PersonEntity>(
            TableClient.CreateQueryFilter(
                $"RowKey eq {TableKeys.PersonRow} and Status eq {nameof(PersonStatus.Departed)}"
            ),
            cancellationToken: cancellationToken
        );

    /// <summary>The assets owned by a person: a filtered scan of the summary table with $select (see
    /// docs/storage.md).</summary>
    public async Task<MyAssets> AssetsOwnedByAsync(string objectId, CancellationToken cancellationToken)
    {
        var lower = objectId.ToLowerInvariant();
        var upper = objectId.ToUpperInvariant();
        var filter = TableClient.CreateQueryFilter($"Owner eq {objectId} or Owner eq {lower} or Owner eq {upper}");
        string[] select =
        [
            nameof(AssetSummaryEntity.RowKey),
            nameof(AssetSummaryEntity.Name),
            nameof(AssetSummaryEntity.Kind),
            nameof(AssetSummaryEntity.Type),
            nameof(AssetSummaryEntity.Category),
            nameof(AssetSummaryEntity.State),
            nameof(AssetSummaryEntity.Department),
            nameof(AssetSummaryEntity.Location),
            nameof(AssetSummaryEntity.LastSeenAt),
            nameof(AssetSummaryEntity.Owner),
        ];
        var items = new List<MyAssetView>();
        await foreach (
            var a in store.Summaries.QueryAsync<AssetSummaryEntity>(
                filter,
                select: select,
                cancellationToken: cancellationToken
            )
        )
        {
            if (!string.Equals(a.Owner, objectId, StringComparison.OrdinalIgnoreCase))
                continue;
            items.Add(
                new MyAssetView(
                    a.RowKey,
                    a.Name,
                    a.Kind,
                    a.Type,
                    a.Category,
                    a.State,
                    a.Department,
                    a.Location,
                    a.LastSeenAt
                )
            );
        }
        return new MyAssets(items.OrderBy(i => i.AssetId, StringComparer.Ordinal).ToList());
    }
}
