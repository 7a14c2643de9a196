using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tags;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Campaigns;

/// <summary>
/// Audit campaigns: creation (the expected assets materialised from the summary rows), recording scans, progress and
/// close (discrepancies, accuracy rate). Storage: the table <c>campaigns</c>; headers in one partition, each campaign's
/// expected assets and unexpected scans in a partition of its own (see <see cref="CampaignKeys"/>).
/// </summary>
public sealed class CampaignService(
    InventoryStore store,
    AssetTagService tags,
    AssetReader assets,
    TaxonomyService taxonomy,
    CampaignFindings findings,
    Outbox outbox,
    TimeProvider clock,
    ILogger<CampaignService> logger
)
{
    private const string AuditEntity = "campaign";
    private const int MaxAttempts = 20;

    private static readonly string[] SummaryColumns =
    [
        "RowKey",
        nameof(AssetSummaryEntity.Kind),
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Tag),
        nameof(AssetSummaryEntity.Name),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.Category),
        nameof(AssetSummaryEntity.Location),
    ];

    // ---- create ----

    public async Task<Outcome<CampaignView>> CreateAsync(
        Caller caller,
        CreateCampaignRequest body,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var validated = CampaignRules.Validate(body);
        if (validated.Failed)
            return validated.Problem;
        var definition = validated.Value;
        if (definition.Mode == CampaignMode.Sample && definition.Seed is null)
        {
            definition = definition with { Seed = Random.Shared.NextInt64(CampaignRules.MaxSeed + 1) };
        }
        var id =
            "c-"
            + clock.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            + "-"
            + Guid.NewGuid().ToString("N")[..8];
        var opened = await OpenAsync(
            id,
            definition,
            "manual",
            null,
            caller.AuditActor,
            correlationId,
            cancellationToken
        );
        if (opened.Failed)
            return opened.Problem;
        return View(opened.Value, null, null, null);
    }

    /// <summary>
    /// Creates campaign <paramref name="id"/>: the header (status Creating), then its expected assets, then status
    /// Open. A header left Creating by a crash is completed by the next call with the same id (the scheduler's ids
    /// are derived from the period, and its seed from the id, so the same sample is drawn again; rows of the first
    /// attempt that are no longer in the sample are deleted). An existing Open or Closed campaign → 409.
    /// </summary>
    public async Task<Outcome<CampaignEntity>> OpenAsync(
        string id,
        CampaignDefinition definition,
        string origin,
        string? period,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var population = await PopulationAsync(definition, cancellationToken);
        if (population.Count == 0)
        {
            return Problem.UnknownReference(
                "There are no assets to audit in this scope.",
                new Dictionary<string, string[]>
                {
                    ["scopeValue"] =
                    [
                        $"No audited asset (states {string.Join(", ", CampaignRules.AuditedStates)}) "
                            + "in this scope.",
                    ],
                }
            );
        }
        var expected =
            definition.Mode == CampaignMode.Sample
                ? CampaignSampling.Sample(
                    population,
                    definition.SampleSize!.Value,
                    definition.StratifyBy!.Value,
                    definition.Seed!.Value
                )
                : population.OrderBy(c => c.AssetId, StringComparer.Ordinal).ToList();

        var header = new CampaignEntity
        {
            RowKey = id,
            Name = definition.Name,
            Scope = definition.Scope.ToString(),
            ScopeValue = definition.ScopeValue,
            Mode = definition.Mode.ToString(),
            SampleSize = definition.SampleSize,
            StratifyBy = definition.StratifyBy?.ToString(),
            Seed = definition.Seed,
            Origin = origin,
            Period = period,
            Population = population.Count,
            Expected = expected.Count,
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = ActorName(actor),
        };
        try
        {
            var added = await store.Campaigns.AddEntityAsync(header, cancellationToken);
            header.ETag = added.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await HeaderAsync(id, cancellationToken);
            if (existing is null || existing.Status != nameof(CampaignStatus.Creating))
            {
                return Problem.Conflict($"Campaign '{id}' exists already.");
            }
            // Redo an interrupted creation with today's population.
            header.ETag = existing.ETag;
            await store.Campaigns.UpdateEntityAsync(header, header.ETag, TableUpdateMode.Replace, cancellationToken);
            await DeleteStaleRowsAsync(
                id,
                expected.Select(c => c.AssetId).ToHashSet(StringComparer.Ordinal),
                cancellationToken
            );
        }

        foreach (var chunk in expected.Chunk(100))
        {
            await store.Campaigns.SubmitTransactionAsync(
                chunk.Select(c => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace,
                    new CampaignAssetEntity
                    {
                        PartitionKey = id,
                        RowKey = CampaignKeys.AssetRow(c.AssetId),
                        AssetId = c.AssetId,
                        Tag = c.Tag,
                        Name = c.Name,
                        Department = c.Department,
                        Category = c.Category,
                        ExpectedLocation = c.Location,
                        State = c.State,
                    }
                )),
                cancellationToken
            );
        }
        header = (
            await store.Campaigns.GetEntityAsync<CampaignEntity>(
                CampaignKeys.ListPartition,
                id,
                cancellationToken: cancellationToken
            )
        ).Value;
        header.Status = nameof(CampaignStatus.Open);
        // The header's switch to Open and its audit record: one batch (the outbox row in the header partition).
        var updated = await outbox.WriteAsync(
            store.Campaigns,
            new TableTransactionAction(TableTransactionActionType.UpdateReplace, header, header.ETag),
            new AuditEvent(
                actor,
                AuditEntity,
                id,
                "create",
                [
                    new FieldChange("status", null, "open"),
                    new FieldChange(
                        "scope",
                        null,
                        CampaignRules.Wire(header.Scope) + (header.ScopeValue is null ? "" : ":" + header.ScopeValue)
                    ),
                    new FieldChange("mode", null, CampaignRules.Wire(header.Mode)),
                    new FieldChange("expected", null, expected.Count.ToString(CultureInfo.InvariantCulture)),
                    new FieldChange("seed", null, header.Seed?.ToString(CultureInfo.InvariantCulture)),
                ],
                correlationId
            ),
            cancellationToken
        );
        header.ETag = updated.Headers.ETag ?? default;
        logger.LogInformation(
            "Campaign {CampaignId} opened by {ActorId}: {Expected} of {Population} asset(s)",
            id,
            actor.Id,
            expected.Count,
            population.Count
        );
        return header;
    }

    /// <summary>The audited hardware in scope, from the summary rows ($select: only what a campaign keeps).</summary>
    private async Task<List<CampaignCandidate>> PopulationAsync(
        CampaignDefinition definition,
        CancellationToken cancellationToken
    )
    {
        var hardware = nameof(AssetKind.Hardware);
        var filter = definition.Scope switch
        {
            ScopeKind.Department => TableClient.CreateQueryFilter(
                $"Kind eq {hardware} and Department eq {definition.ScopeValue}"
            ),
            ScopeKind.Location => TableClient.CreateQueryFilter(
                $"Kind eq {hardware} and Location eq {definition.ScopeValue}"
            ),
            ScopeKind.Category => TableClient.CreateQueryFilter(
                $"Kind eq {hardware} and Category eq {definition.ScopeValue}"
            ),
            _ => TableClient.CreateQueryFilter($"Kind eq {hardware}"),
        };
        var population = new List<CampaignCandidate>();
        await foreach (
            var row in store.Summaries.QueryAsync<AssetSummaryEntity>(
                filter,
                select: SummaryColumns,
                cancellationToken: cancellationToken
            )
        )
        {
            if (!CampaignRules.AuditedStates.Contains(row.State))
                continue;
            population.Add(
                new CampaignCandidate(
                    row.RowKey,
                    Blank(row.Tag),
                    Blank(row.Name),
                    Blank(row.Department),
                    Blank(row.Category),
                    Blank(row.Location),
                    row.State
                )
            );
        }
        return population;
    }

    private async Task DeleteStaleRowsAsync(string id, IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        var stale = new List<TableTransactionAction>();
        await foreach (
            var row in store.Campaigns.QueryAsync<TableEntity>(
                CampaignKeys.PrefixFilter(id, CampaignKeys.AssetPrefix),
                select: ["RowKey"],
                cancellationToken: cancellationToken
            )
        )
        {
            if (!keep.Contains(row.RowKey[CampaignKeys.AssetPrefix.Length..]))
            {
                stale.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            }
        }
        foreach (var chunk in stale.Chunk(100))
            await store.Campaigns.SubmitTransactionAsync(chunk, cancellationToken);
    }

    // ---- record ----

    /// <summary>
    /// Records one scan. An expected asset's row takes the scan (the last record wins; each record is appended to the
    /// audit trail with what it changed). A scanned tag known to no asset, or of an asset outside the campaign, is
    /// recorded as unexpected. Nothing is written when the campaign is not open (409), the scan is invalid (400), the
    /// location is not in the taxonomy (422), a record by asset id names an asset outside the campaign (422) or one
    /// marks such an asset missing (422), or the caller may not record this asset (403).
    /// </summary>
    public async Task<Outcome<CampaignRecordView>> RecordAsync(
        Caller caller,
        string campaignId,
        CampaignScanRequest body,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var readable = await ReadableAsync(caller, campaignId, cancellationToken);
        if (readable.Failed)
            return readable.Problem;
        var campaign = readable.Value;
        var validated = CampaignRules.Validate(body);
        if (validated.Failed)
            return validated.Problem;
        var scan = validated.Value;
        if (campaign.Status != nameof(CampaignStatus.Open))
        {
            return Problem.Conflict(
                $"Campaign '{campaignId}' is {CampaignRules.Wire(campaign.Status)}: "
                    + "only an open campaign takes records."
            );
        }
        if (scan.Location is not null)
        {
            var errors = await taxonomy.CheckAsync(
                [("location", TaxonomyKind.Location, scan.Location)],
                cancellationToken
            );
            if (errors.Count > 0)
                return TaxonomyService.ReferenceProblem(errors);
        }

        // Which asset: by tag (an unknown tag is unexpected) or by id (an unknown id is a 404: nothing was scanned).
        string? assetId;
        string? department = null;
        var tag = scan.Tag;
        if (tag is not null)
        {
            var resolved = await tags.ResolveAsync(tag, cancellationToken);
            assetId = resolved?.Detail.PartitionKey;
            department = Blank(resolved?.Detail.Department);
        }
        else
        {
            assetId = scan.AssetId;
        }

        CampaignAssetEntity? row = null;
        if (assetId is not null)
        {
            var found = await store.Campaigns.GetEntityIfExistsAsync<CampaignAssetEntity>(
                campaignId,
                CampaignKeys.AssetRow(assetId),
                cancellationToken: cancellationToken
            );
            row = found.HasValue ? found.Value : null;
        }
        if (row is null && scan.AssetId is not null)
        {
            // A record by id picks one of the campaign's assets; an id outside it is a client error. What an auditor
            // finds on the shelf is scanned by its tag, and a tag outside the campaign is recorded as unexpected.
            if (await assets.FindAsync(scan.AssetId, cancellationToken) is null)
            {
                return Problem.NotFound($"There is no asset '{scan.AssetId}'.");
            }
            return Problem.UnknownReference(
                $"Asset '{scan.AssetId}' is not in campaign '{campaignId}'. Record a campaign asset by id, or scan "
                    + "the tag of an asset found outside the campaign to record it as unexpected."
            );
        }

        if (row is not null)
        {
            if (CampaignAccess.Record(caller, campaign, knownAsset: true, row.Department) is { } notTheirs)
            {
                return notTheirs;
            }
            return await RecordExpectedAsync(caller, campaignId, row, scan, correlationId, cancellationToken);
        }
        if (scan.Result == ScanResult.Missing)
        {
            return Problem.UnknownReference(
                $"Asset '{tag ?? assetId}' is not in campaign '{campaignId}': only the "
                    + "campaign's assets can be recorded missing."
            );
        }
        if (CampaignAccess.Record(caller, campaign, knownAsset: assetId is not null, department) is { } forbidden)
        {
            return forbidden;
        }
        return await RecordUnexpectedAsync(
            caller,
            campaignId,
            tag,
            assetId,
            department,
            scan,
            correlationId,
            cancellationToken
        );
    }

    private async Task<Outcome<CampaignRecordView>> RecordExpectedAsync(
        Caller caller,
        string campaignId,
        CampaignAssetEntity row,
        ScanInput scan,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        for (var attempt = 1; ; attempt++)
        {
            var before = (row.Result, row.Location, row.Condition, row.Note);
            var found = scan.Result == ScanResult.Found;
            row.Result = scan.Result.ToString();
            row.Location = found ? scan.Location ?? row.ExpectedLocation : null;
            row.LocationMatches = found ? CampaignRules.LocationMatches(row.ExpectedLocation, scan.Location) : null;
            row.Condition = scan.Condition?.ToString();
            row.Note = scan.Note;
            row.RecordedAt = clock.GetUtcNow();
            row.RecordedBy = caller.Actor;
            row.Records++;
            var prefix = "asset " + row.AssetId + ".";
            var record = new AuditEvent(
                caller.AuditActor,
                AuditEntity,
                campaignId,
                "record",
                [
                    new FieldChange(
                        prefix + "result",
                        CampaignRules.Wire(before.Result),
                        CampaignRules.Wire(row.Result)
                    ),
                    new FieldChange(prefix + "location", before.Location, row.Location),
                    new FieldChange(
                        prefix + "condition",
                        CampaignRules.Wire(before.Condition),
                        CampaignRules.Wire(row.Condition)
                    ),
                    new FieldChange(prefix + "note", before.Note, row.Note),
                ],
                correlationId
            );
            try
            {
                // The row and its audit record: one batch (the outbox row in the campaign's partition).
                await outbox.WriteAsync(
                    store.Campaigns,
                    new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, row.ETag),
                    record,
                    cancellationToken
                );
            }
            catch (RequestFailedException ex) when (ex.Status == 412 && attempt < MaxAttempts)
            {
                // Another auditor recorded the same asset meanwhile: read it again; this record still wins.
                row = (
                    await store.Campaigns.GetEntityAsync<CampaignAssetEntity>(
                        campaignId,
                        row.RowKey,
                        cancellationToken: cancellationToken
                    )
                ).Value;
                continue;
            }
            return new CampaignRecordView(
                campaignId,
                CampaignRules.Wire(row.Result)!,
                row.AssetId,
                row.Tag,
                null,
                row.ExpectedLocation,
                row.Location,
                row.LocationMatches,
                CampaignRules.Wire(row.Condition),
                row.RecordedAt.Value,
                row.RecordedBy,
                row.Records
            );
        }
    }

    private async Task<Outcome<CampaignRecordView>> RecordUnexpectedAsync(
        Caller caller,
        string campaignId,
        string? tag,
        string? assetId,
        string? department,
        ScanInput scan,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var reason = assetId is null ? UnexpectedReason.UnknownTag : UnexpectedReason.NotInCampaign;
        var rowKey = CampaignKeys.UnexpectedRow(tag, assetId);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await store.Campaigns.GetEntityIfExistsAsync<CampaignUnexpectedEntity>(
                campaignId,
                rowKey,
                cancellationToken: cancellationToken
            );
            var previous = existing.HasValue ? existing.Value : null;
            var row = new CampaignUnexpectedEntity
            {
                PartitionKey = campaignId,
                RowKey = rowKey,
                Tag = tag,
                AssetId = assetId,
                Reason = reason,
                Department = department,
                Location = scan.Location,
                Condition = scan.Condition?.ToString(),
                Note = scan.Note,
                RecordedAt = clock.GetUtcNow(),
                RecordedBy = caller.Actor,
                Records = (previous?.Records ?? 0) + 1,
            };
            var prefix = "unexpected " + (tag ?? assetId) + ".";
            var record = new AuditEvent(
                caller.AuditActor,
                AuditEntity,
                campaignId,
                "record",
                [
                    new FieldChange(prefix + "reason", previous?.Reason, reason),
                    new FieldChange(prefix + "location", previous?.Location, row.Location),
                    new FieldChange(
                        prefix + "condition",
                        CampaignRules.Wire(previous?.Condition),
                        CampaignRules.Wire(row.Condition)
                    ),
                ],
                correlationId
            );
            try
            {
                await outbox.WriteAsync(
                    store.Campaigns,
                    previous is null
                        ? new TableTransactionAction(TableTransactionActionType.Add, row)
                        : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, previous.ETag),
                    record,
                    cancellationToken
                );
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                continue;
            }
            return new CampaignRecordView(
                campaignId,
                "unexpected",
                assetId,
                tag,
                reason,
                null,
                row.Location,
                null,
                CampaignRules.Wire(row.Condition),
                row.RecordedAt,
                row.RecordedBy,
                row.Records
            );
        }
    }

    // ---- read ----

    public async Task<Outcome<CampaignList>> ListAsync(
        Caller caller,
        string? status,
        CancellationToken cancellationToken
    )
    {
        if (!caller.IsAdmin && !caller.IsAuditor && !caller.IsDepartmentLead)
        {
            return Problem.Forbidden(
                "Requires the Inventory.Admin or Inventory.Auditor role, or " + "Inventory.DepartmentLead."
            );
        }
        CampaignStatus? wanted = null;
        if (status is not null)
        {
            if (
                !Enum.TryParse(status, ignoreCase: true, out CampaignStatus parsed)
                || !Enum.IsDefined(parsed)
                || char.IsDigit(status[0])
            )
            {
                return Problem.BadRequest("status is one of creating, open, closed.");
            }
            wanted = parsed;
        }
        var items = new List<CampaignView>();
        await foreach (
            var header in store.Campaigns.QueryAsync<CampaignEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {CampaignKeys.ListPartition}"),
                cancellationToken: cancellationToken
            )
        )
        {
            if (header.RowKey.StartsWith(OutboxKeys.RowPrefix, StringComparison.Ordinal))
                continue; // a change's outbox row, until the dispatcher delivers it
            if (wanted is { } w && header.Status != w.ToString())
                continue;
            if (CampaignAccess.Read(caller, header) is not null)
                continue;
            items.Add(View(header, null, null, null));
        }
        return new CampaignList(
            items.OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal).ToList()
        );
    }

    /// <summary>The campaign with its progress (a lead's counts cover their departments only) and, once closed, its
    /// discrepancies.</summary>
    public async Task<Outcome<CampaignView>> GetAsync(
        Caller caller,
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var readable = await ReadableAsync(caller, campaignId, cancellationToken);
        if (readable.Failed)
            return readable.Problem;
        var campaign = readable.Value;
        var (rows, unexpected) = await RowsAsync(campaignId, cancellationToken);
        rows = rows.Where(r => CampaignAccess.Sees(caller, r.Department)).ToList();
        unexpected = unexpected.Where(u => CampaignAccess.Sees(caller, u.Department)).ToList();
        var discrepancies =
            campaign.Status == nameof(CampaignStatus.Closed)
                ? CampaignRules.Discrepancies(campaignId, rows, unexpected)
                : null;
        return View(
            campaign,
            CampaignRules.Progress(rows, unexpected),
            CampaignAccess.LimitedToDepartments(caller),
            discrepancies
        );
    }

    /// <summary>The campaign's expected assets with their latest record; <paramref name="result"/> filters
    /// (<c>pending</c>, <c>found</c>, <c>missing</c>).</summary>
    public async Task<Outcome<CampaignAssetPage>> ListAssetsAsync(
        Caller caller,
        string campaignId,
        string? result,
        CancellationToken cancellationToken
    )
    {
        var readable = await ReadableAsync(caller, campaignId, cancellationToken);
        if (readable.Failed)
            return readable.Problem;
        var campaign = readable.Value;
        if (result is not (null or "pending" or "found" or "missing"))
        {
            return Problem.BadRequest("result is one of pending, found, missing.");
        }
        var (rows, _) = await RowsAsync(campaignId, cancellationToken);
        var wanted = result switch
        {
            "pending" => "",
            "found" => "Found",
            "missing" => "Missing",
            _ => null,
        };
        return new CampaignAssetPage(
            rows.Where(r => CampaignAccess.Sees(caller, r.Department) && (wanted is null || r.Result == wanted))
                .Select(r => new CampaignAssetView(
                    r.AssetId,
                    r.Tag,
                    r.Name,
                    r.Department,
                    r.Category,
                    r.ExpectedLocation,
                    r.Result.Length == 0 ? "pending" : CampaignRules.Wire(r.Result)!,
                    r.Location,
                    r.LocationMatches,
                    CampaignRules.Wire(r.Condition),
                    r.Note,
                    r.RecordedAt,
                    r.RecordedBy,
                    r.Records
                ))
                .ToList()
        );
    }

    // ---- close ----

    /// <summary>
    /// Closes an open campaign: assets never recorded count as missing, every discrepancy is raised as a finding
    /// (idempotent: a close redone after a crash confirms the same findings), and the counts and accuracy rate are
    /// frozen on the header, which becomes Closed under its ETag (a concurrent close gets 409).
    /// </summary>
    public async Task<Outcome<CampaignView>> CloseAsync(
        Caller caller,
        string campaignId,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var campaign = await HeaderAsync(campaignId, cancellationToken);
        if (campaign is null)
            return NoCampaign(campaignId);
        if (campaign.Status != nameof(CampaignStatus.Open))
        {
            return Problem.Conflict(
                $"Campaign '{campaignId}' is {CampaignRules.Wire(campaign.Status)}: "
                    + "only an open campaign can be closed."
            );
        }
        var (rows, unexpected) = await RowsAsync(campaignId, cancellationToken);
        var progress = CampaignRules.Progress(rows, unexpected);
        var discrepancies = CampaignRules.Discrepancies(campaignId, rows, unexpected);
        await findings.RaiseAsync(campaignId, discrepancies, cancellationToken);

        campaign.Status = nameof(CampaignStatus.Closed);
        campaign.ClosedAt = clock.GetUtcNow();
        campaign.ClosedBy = caller.Actor;
        campaign.Found = progress.Found;
        campaign.FoundAsRecorded = progress.FoundAsRecorded;
        campaign.Missing = progress.Missing + progress.Remaining;
        campaign.NeverRecorded = progress.Remaining;
        campaign.LocationDifferent = progress.LocationDifferent;
        campaign.Damaged = progress.Damaged;
        campaign.Unexpected = progress.Unexpected;
        campaign.AccuracyRate = CampaignRules.AccuracyRate(progress);
        try
        {
            // The header's switch to Closed and its audit record: one batch (the outbox row in the header partition).
            await outbox.WriteAsync(
                store.Campaigns,
                new TableTransactionAction(TableTransactionActionType.UpdateReplace, campaign, campaign.ETag),
                new AuditEvent(
                    caller.AuditActor,
                    AuditEntity,
                    campaignId,
                    "close",
                    [
                        new FieldChange("status", "open", "closed"),
                        new FieldChange(
                            "accuracyRate",
                            null,
                            campaign.AccuracyRate?.ToString("0.####", CultureInfo.InvariantCulture)
                        ),
                        new FieldChange("missing", null, campaign.Missing?.ToString(CultureInfo.InvariantCulture)),
                        new FieldChange(
                            "neverRecorded",
                            null,
                            progress.Remaining.ToString(CultureInfo.InvariantCulture)
                        ),
                        new FieldChange(
                            "discrepancies",
                            null,
                            discrepancies.Count.ToString(CultureInfo.InvariantCulture)
                        ),
                    ],
                    correlationId
                ),
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return Problem.Conflict($"Campaign '{campaignId}' was closed or changed meanwhile: read it again.");
        }
        logger.LogInformation(
            "Campaign {CampaignId} closed by {ActorId}: accuracy {AccuracyRate}, {Discrepancies} discrepancy(ies)",
            campaignId,
            caller.ObjectId,
            campaign.AccuracyRate,
            discrepancies.Count
        );
        return View(campaign, progress, false, discrepancies);
    }

    // ---- helpers ----

    /// <summary>The campaign's header if it exists (404) and the caller may read it (403).</summary>
    private async Task<Outcome<CampaignEntity>> ReadableAsync(
        Caller caller,
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var campaign = await HeaderAsync(campaignId, cancellationToken);
        if (campaign is null)
            return NoCampaign(campaignId);
        return CampaignAccess.Read(caller, campaign) is { } denied ? denied : campaign;
    }

    public async Task<CampaignEntity?> HeaderAsync(string campaignId, CancellationToken cancellationToken)
    {
        if (!CampaignRules.IsCampaignId(campaignId))
            return null;
        var found = await store.Campaigns.GetEntityIfExistsAsync<CampaignEntity>(
            CampaignKeys.ListPartition,
            campaignId,
            cancellationToken: cancellationToken
        );
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The campaign's partition: one query (its expected assets and unexpected scans).</summary>
    private async Task<(List<CampaignAssetEntity> Assets, List<CampaignUnexpectedEntity> Unexpected)> RowsAsync(
        string campaignId,
        CancellationToken cancellationToken
    )
    {
        var rows = new List<CampaignAssetEntity>();
        await foreach (
            var row in store.Campaigns.QueryAsync<CampaignAssetEntity>(
                CampaignKeys.PrefixFilter(campaignId, CampaignKeys.AssetPrefix),
                cancellationToken: cancellationToken
            )
        )
        {
            rows.Add(row);
        }
        var unexpected = new List<CampaignUnexpectedEntity>();
        await foreach (
            var row in store.Campaigns.QueryAsync<CampaignUnexpectedEntity>(
                CampaignKeys.PrefixFilter(campaignId, CampaignKeys.UnexpectedPrefix),
                cancellationToken: cancellationToken
            )
        )
        {
            unexpected.Add(row);
        }
        return (rows, unexpected);
    }

    private static Problem NoCampaign(string campaignId) => Problem.NotFound($"There is no campaign '{campaignId}'.");

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string ActorName(AuditActor actor) =>
        actor.Name is null ? $"{actor.Kind} {actor.Id}" : $"{actor.Name} ({actor.Id})";

    private static CampaignView View(
        CampaignEntity c,
        CampaignProgress? progress,
        bool? limited,
        IReadOnlyList<CampaignDiscrepancy>? discrepancies
    ) =>
        new(
            c.RowKey,
            c.Name,
            CampaignRules.Wire(c.Status)!,
            CampaignRules.Wire(c.Scope)!,
            c.ScopeValue,
            CampaignRules.Wire(c.Mode)!,
            c.SampleSize,
            CampaignRules.Wire(c.StratifyBy),
            c.Seed,
            c.Origin,
            c.Period,
            c.Population,
            c.Expected,
            c.CreatedAt,
            c.CreatedBy,
            c.ClosedAt,
            c.ClosedBy,
            c.AccuracyRate,
            progress,
            limited,
            discrepancies
                ?.Select(d => new CampaignDiscrepancyView(
                    d.Kind,
                    d.SubjectType,
                    d.SubjectId,
                    d.AssetId,
                    d.Tag,
                    d.Department,
                    d.Text
                ))
                .ToList()
        );
}
