using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Catalogue;

/// <summary>One check-out of an asset to a person, completed by its check-in (table <c>assets</c>, the asset's
/// partition, RowKey = <see cref="TableKeys.AssignmentRow"/>: newest first).</summary>
public sealed class AssignmentEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Person { get; set; } = "";
    public DateTimeOffset CheckedOutAt { get; set; }
    public string CheckedOutBy { get; set; } = "";
    public DateTimeOffset? ExpectedReturn { get; set; }
    public string? CheckOutNote { get; set; }
    public DateTimeOffset? CheckedInAt { get; set; }
    public string? CheckedInBy { get; set; }
    public string? CheckInNote { get; set; }
}

/// <summary>The mapping of an assignment row to the API's view (the contract is in AssignmentContracts.cs).</summary>
public sealed partial record AssignmentView
{
    public static AssignmentView From(AssignmentEntity e) =>
        new(
            e.RowKey[TableKeys.AssignmentRowPrefix.Length..],
            e.Person,
            e.CheckedOutAt,
            e.CheckedOutBy,
            e.ExpectedReturn,
            e.CheckOutNote,
            e.CheckedInAt,
            e.CheckedInBy,
            e.CheckInNote
        );
}

/// <summary>
/// Check-out and check-in of assets to people. A check-out sets the owner and (from stock) the Deployed state through
/// the lifecycle rules; a check-in clears the owner and returns a deployed asset to stock. Both go through
/// <see cref="AssetWriter"/>: its preconditions (428, 404, 403, 412, 409 terminal) come first; the detail row (under
/// the caller's If-Match), the assignment row and a history row are written in one batch; the summary row mirrors
/// owner, state and location; every change is audited.
/// </summary>
public sealed class AssetAssignmentService(
    InventoryStore store,
    AssetReader reader,
    AssetWriter writer,
    AccessPolicy policy,
    TaxonomyService taxonomy,
    PeopleService people,
    TimeProvider clock,
    ILogger<AssetAssignmentService> logger
)
{
    public const int MaxNote = 1024;

    public async Task<Outcome<(AssignmentView Assignment, ETag ETag)>> CheckOutAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        AssetCheckOutRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        var personId = PeopleCsv.NormaliseObjectId(request.Person?.Trim());
        if (personId is null)
            errors["person"] = ["Required: the person's Entra object id (GUID)."];
        if (!IsNote(request.Note))
            errors["note"] = [$"At most {MaxNote} characters, no control characters."];
        if (errors.Count > 0)
        {
            return Problem.BadRequest($"The check-out has {errors.Count} invalid field(s); see 'errors'.", errors);
        }
        var loaded = await LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var (asset, open, latest) = loaded.Value;
        var detail = asset.Detail;

        if (open is not null)
        {
            return Problem.Conflict(
                $"The asset is checked out to {open.Person} since {open.CheckedOutAt:O}: check it in first."
            );
        }
        var state = asset.State;
        var target = LifecycleState.Deployed;
        if (state == LifecycleState.Discovered || (state != target && !LifecycleStateMachine.CanMove(state, target)))
        {
            var from = Enum.GetValues<LifecycleState>()
                .Where(s =>
                    s != LifecycleState.Discovered && LifecycleStateMachine.CanMove(s, LifecycleState.Deployed)
                );
            return Problem.Conflict(
                $"An asset in state {state} cannot be checked out (it must be able to move to "
                    + $"Deployed: from {string.Join(", ", from)} or Deployed)."
            );
        }
        var person = await people.FindAsync(personId!, cancellationToken);
        if (person is null)
        {
            return TaxonomyService.ReferenceProblem(
                new Dictionary<string, string[]> { ["person"] = [TaxonomyService.PersonError(personId!, null)!] }
            );
        }
        if (person.Status != nameof(PersonStatus.Active))
        {
            return Problem.Conflict(
                $"The person '{personId}' has departed: assets are not checked out to departed people."
            );
        }

        var now = clock.GetUtcNow();
        // Keys sort newest first by time; a clock that has not moved on (or moved back) must not reorder the history.
        var latestKeyTime = latest is null ? (DateTimeOffset?)null : TableKeys.AssignmentRowTime(latest.RowKey);
        var keyTime = latestKeyTime >= now ? latestKeyTime.Value.AddTicks(1) : now;
        var assignment = new AssignmentEntity
        {
            PartitionKey = assetId,
            RowKey = TableKeys.AssignmentRow(keyTime, Guid.NewGuid().ToString("N")[..8]),
            Person = personId!,
            CheckedOutAt = now,
            CheckedOutBy = caller.Actor,
            ExpectedReturn = request.ExpectedReturn,
            CheckOutNote = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
        };
        var changes = new List<FieldChange>();
        if (!string.Equals(detail.Owner ?? "", personId, StringComparison.OrdinalIgnoreCase))
        {
            changes.Add(new FieldChange(nameof(AssetDetailEntity.Owner), Empty(detail.Owner), personId));
        }
        if (state != target)
        {
            changes.Add(new FieldChange(nameof(AssetDetailEntity.State), detail.State, target.ToString()));
        }
        var fields = new Dictionary<string, object?>
        {
            [nameof(AssetDetailEntity.Owner)] = personId,
            [nameof(AssetDetailEntity.State)] = target.ToString(),
        };
        var written = await SaveAsync(
            caller,
            asset,
            fields,
            new(TableTransactionActionType.Add, assignment),
            changes,
            "checkout",
            $"Checked out to {personId} by {caller.Actor}",
            correlationId,
            cancellationToken
        );
        if (written.Failed)
            return written.Problem;
        logger.LogInformation("Asset {AssetId} checked out to {Person} by {Actor}", assetId, personId, caller.Actor);
        return (AssignmentView.From(assignment), written.Value);
    }

    public async Task<Outcome<(AssignmentView Assignment, ETag ETag)>> CheckInAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        AssetCheckInRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var errors = new Dictionary<string, string[]>();
        if (!IsNote(request.Note))
            errors["note"] = [$"At most {MaxNote} characters, no control characters."];
        var location = string.IsNullOrWhiteSpace(request.Location) ? null : request.Location.Trim();
        if (location is not null && !TaxonomyRules.IsCode(location))
            errors["location"] = ["Not a location code."];
        if (errors.Count > 0)
        {
            return Problem.BadRequest($"The check-in has {errors.Count} invalid field(s); see 'errors'.", errors);
        }
        var loaded = await LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var (asset, open, _) = loaded.Value;
        var detail = asset.Detail;
        if (open is null)
            return Problem.Conflict("The asset is not checked out.");
        if (location is not null && location != detail.Location)
        {
            var references = await taxonomy.CheckAsync(
                [("location", TaxonomyKind.Location, location)],
                cancellationToken
            );
            if (references.Count > 0)
                return TaxonomyService.ReferenceProblem(references);
        }

        var now = clock.GetUtcNow();
        open.CheckedInAt = now;
        open.CheckedInBy = caller.Actor;
        open.CheckInNote = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var changes = new List<FieldChange>();
        var fields = new Dictionary<string, object?> { [nameof(AssetDetailEntity.Owner)] = "" };
        if (!string.IsNullOrEmpty(detail.Owner))
        {
            changes.Add(new FieldChange(nameof(AssetDetailEntity.Owner), detail.Owner, null));
        }
        // Back to stock when it is in use; an asset that went to repair (or idle) meanwhile keeps that state.
        if (
            asset.State == LifecycleState.Deployed
            && LifecycleStateMachine.CanMove(asset.State, LifecycleState.InStock)
        )
        {
            fields[nameof(AssetDetailEntity.State)] = nameof(LifecycleState.InStock);
            changes.Add(new FieldChange(nameof(AssetDetailEntity.State), detail.State, nameof(LifecycleState.InStock)));
        }
        if (location is not null && location != detail.Location)
        {
            fields[nameof(AssetDetailEntity.Location)] = location;
            changes.Add(new FieldChange(nameof(AssetDetailEntity.Location), Empty(detail.Location), location));
        }
        var written = await SaveAsync(
            caller,
            asset,
            fields,
            new(TableTransactionActionType.UpdateReplace, open, open.ETag),
            changes,
            "checkin",
            $"Checked in from {open.Person} by {caller.Actor}",
            correlationId,
            cancellationToken
        );
        if (written.Failed)
            return written.Problem;
        logger.LogInformation(
            "Asset {AssetId} checked in from {Person} by {Actor}",
            assetId,
            open.Person,
            caller.Actor
        );
        return (AssignmentView.From(open), written.Value);
    }

    /// <summary>The assignment history, newest first, paged like the asset search.</summary>
    public async Task<Outcome<AssignmentPage>> ListAsync(
        Caller caller,
        string assetId,
        int pageSize,
        string? continuationToken,
        CancellationToken cancellationToken
    )
    {
        if (pageSize is < 1 or > AssetSearch.MaxPageSize)
        {
            return Problem.BadRequest($"pageSize must be an integer from 1 to {AssetSearch.MaxPageSize}.");
        }
        if (await reader.CheckReadAsync(policy, caller, assetId, cancellationToken) is { } refused)
            return refused;

        var filter = RangeFilter(assetId);
        string? storageToken = null;
        if (
            !string.IsNullOrEmpty(continuationToken)
            && (storageToken = Common.ContinuationTokens.Decode(continuationToken, "assignments|" + filter)) is null
        )
        {
            return Problem.BadRequest("The continuation token is not valid: pass it back unchanged.");
        }
        try
        {
            var pages = store
                .Assets.QueryAsync<AssignmentEntity>(filter, pageSize, cancellationToken: cancellationToken)
                .AsPages(storageToken, pageSize);
            await foreach (var page in pages)
            {
                return new AssignmentPage(
                    page.Values.Select(AssignmentView.From).ToList(),
                    string.IsNullOrEmpty(page.ContinuationToken)
                        ? null
                        : Common.ContinuationTokens.Encode(page.ContinuationToken, "assignments|" + filter)
                );
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return Problem.BadRequest("The continuation token is not valid: pass it back unchanged.");
        }
        return new AssignmentPage([], null);
    }

    private static string RangeFilter(string assetId) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {assetId} and RowKey ge {TableKeys.AssignmentRowPrefix}")
        + " and "
        + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AssignmentRangeEnd}");

    /// <summary>The asset through <see cref="AssetWriter.LoadAsync(Caller, string, string?, CancellationToken)"/>
    /// (its preconditions in their one order), and its newest assignment (open when not checked in).</summary>
    private async Task<Outcome<(AssetForWrite Asset, AssignmentEntity? Open, AssignmentEntity? Latest)>> LoadAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        CancellationToken cancellationToken
    )
    {
        var loaded = await writer.LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        AssignmentEntity? latest = null;
        var rows = store.Assets.QueryAsync<AssignmentEntity>(
            RangeFilter(assetId),
            1,
            cancellationToken: cancellationToken
        );
        await foreach (var row in rows)
        {
            latest = row;
            break;
        }
        return (loaded.Value, latest is { CheckedInAt: null } ? latest : null, latest);
    }

    /// <summary>The change and its assignment row in one batch; the audit record also names the assignment.</summary>
    private Task<Outcome<ETag>> SaveAsync(
        Caller caller,
        AssetForWrite asset,
        Dictionary<string, object?> fields,
        TableTransactionAction assignment,
        List<FieldChange> changes,
        string action,
        string summary,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var assignmentId = assignment.Entity.RowKey[TableKeys.AssignmentRowPrefix.Length..];
        return writer.SaveAsync(
            caller,
            asset,
            new AssetWrite
            {
                Action = action,
                Summary = summary,
                Changes = changes,
                Fields = fields,
                Rows = [assignment],
                AuditChanges = [.. changes, new FieldChange("Assignment", null, assignmentId)],
            },
            correlationId,
            cancellationToken
        );
    }

    private static bool IsNote(string? note) =>
        note is null || (note.Length <= MaxNote && !ContractFormats.HasControlCharacter(note));

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
