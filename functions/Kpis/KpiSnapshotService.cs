using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Kpis;

/// <summary>
/// Computes KPI snapshots (docs/kpis.md): reads the facts once — open findings, closed campaigns of the window,
/// licence compliance snapshots and entitlements, then ONE <c>$select</c> pass over the summary rows folded into
/// <see cref="KpiCalculator"/> — and upserts one row per scope and day through <see cref="KpiStore"/>. The backfill
/// recomputes past days from the history that exists (lifecycle timestamps, closed campaigns), writing the same
/// numbers when run again.
/// </summary>
public sealed class KpiSnapshotService(
    InventoryStore store,
    FindingsTables findingsTables,
    KpiStore kpis,
    Outbox outbox,
    IOptions<KpiOptions> options,
    IOptions<IdleOptions> idle,
    IOptions<ReconciliationOptions> reconciliation,
    TimeProvider clock,
    ILogger<KpiSnapshotService> logger
)
{
    public const string TimerSource = "timer";
    public const string BackfillSource = "backfill";

    /// <summary>Scope rows written at a time (each its own upsert).</summary>
    private const int WriteParallelism = 8;

    /// <summary>The day the daily timer snapshots: the UTC day that ended last.</summary>
    public DateOnly Yesterday => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(-1);

    /// <summary>A live snapshot of <paramref name="day"/>: the fleet's state as it is now, and the events up to the
    /// end of that day.</summary>
    public async Task<KpiRunResult> SnapshotAsync(DateOnly day, string source, CancellationToken cancellationToken)
    {
        var context = new KpiContext(
            day,
            Live: true,
            options.Value,
            idle.Value.Days,
            reconciliation.Value.MissingAfterDays,
            await CampaignsAsync(day, day, cancellationToken),
            await OpenFindingsAsync(cancellationToken),
            await LicencesAsync(cancellationToken)
        );
        var calculator = new KpiCalculator(context, clock);
        await foreach (
            var row in store.Summaries.QueryAsync<AssetSummaryEntity>(
                select: KpiCalculator.Columns,
                cancellationToken: cancellationToken
            )
        )
        {
            if (TableKeys.IsSummaryRow(row.RowKey))
                calculator.Add(row);
        }
        var snapshots = calculator.Snapshots(
            source,
            await FirstSightingsAsync(calculator.DiscoveryAssets, cancellationToken)
        );
        // The rows are many upserts (no one transaction holds them and an outbox row): the event's entry is written
        // ahead, so a crash after the rows cannot lose it; the upserts are idempotent, so a rerun rewrites the same.
        var entry = outbox
            .Entry()
            .Publish(
                EventTypes.KpiSnapshot,
                EventTypes.Subject("kpis", KpiKeys.Row(day)),
                snapshots[0],
                ApiJsonContext.Default.KpiSnapshot
            );
        await entry.WriteAheadAsync(cancellationToken);
        await WriteAsync(snapshots, cancellationToken);
        await entry.CommittedAsync(cancellationToken);
        logger.LogInformation(
            "KPI snapshot of {Day}: {Scopes} scope(s) from {Rows} summary row(s)",
            KpiKeys.Row(day),
            snapshots.Count,
            calculator.Rows
        );
        return new KpiRunResult(KpiKeys.Row(day), snapshots.Count, calculator.Rows, snapshots[0].ComputedAt);
    }

    /// <summary>Historical snapshots of past days (not live: the fleet's state of a past day is not on record),
    /// optionally after filling missing lifecycle timestamps from the change history.</summary>
    public async Task<Outcome<KpiBackfillResult>> BackfillAsync(
        KpiBackfillRequest request,
        CancellationToken cancellationToken
    )
    {
        if (ValidateBackfill(request, Yesterday, options.Value.MaxBackfillDays) is { } invalid)
            return invalid;
        KpiKeys.TryParseDay(request.From, out var from);
        KpiKeys.TryParseDay(request.To, out var to);
        var startedAt = clock.GetUtcNow();
        var filled = request.LifecycleTimestamps == true ? await FillLifecycleTimestampsAsync(cancellationToken) : 0;

        // The history the days need: rows with a lifecycle timestamp (few), kept projected; closed campaigns.
        var events = new List<AssetSummaryEntity>();
        await foreach (
            var row in store.Summaries.QueryAsync<AssetSummaryEntity>(
                select: KpiCalculator.Columns,
                cancellationToken: cancellationToken
            )
        )
        {
            if (TableKeys.IsSummaryRow(row.RowKey) && (row.ApprovedAt is not null || row.DisposedAt is not null))
                events.Add(row);
        }
        var campaigns = await CampaignsAsync(from, to, cancellationToken);
        var windowStart = new DateTimeOffset(from.AddDays(1 - options.Value.WindowDays).ToDateTime(default), default);
        var sightings = await FirstSightingsAsync(
            events.Where(e => e.EnrolledAt is not null && e.ApprovedAt >= windowStart).Select(e => e.RowKey),
            cancellationToken
        );
        var written = 0;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var context = new KpiContext(
                day,
                Live: false,
                options.Value,
                idle.Value.Days,
                reconciliation.Value.MissingAfterDays,
                campaigns,
                [],
                []
            );
            var calculator = new KpiCalculator(context, clock);
            foreach (var row in events)
                calculator.Add(row);
            var snapshots = calculator.Snapshots(BackfillSource, sightings);
            await WriteAsync(snapshots, cancellationToken);
            written += snapshots.Count;
        }
        var days = to.DayNumber - from.DayNumber + 1;
        logger.LogInformation(
            "KPI backfill {From}..{To}: {Snapshots} snapshot(s), {Filled} lifecycle timestamp(s) filled",
            request.From,
            request.To,
            written,
            filled
        );
        return new KpiBackfillResult(request.From!, request.To!, days, written, filled, startedAt, clock.GetUtcNow());
    }

    /// <summary>400 unless from and to are days (yyyy-MM-dd), from ≤ to ≤ yesterday, and at most
    /// <paramref name="maxDays"/> days apart.</summary>
    public static Problem? ValidateBackfill(KpiBackfillRequest request, DateOnly yesterday, int maxDays)
    {
        var errors = new Dictionary<string, string[]>();
        var hasFrom = KpiKeys.TryParseDay(request.From, out var from);
        var hasTo = KpiKeys.TryParseDay(request.To, out var to);
        if (!hasFrom)
            errors["$.from"] = ["from is required: a day, yyyy-MM-dd."];
        if (!hasTo)
            errors["$.to"] = ["to is required: a day, yyyy-MM-dd."];
        else if (to > yesterday)
            errors["$.to"] = [$"to must be a past day (at most {KpiKeys.Row(yesterday)}): today is not over yet."];
        if (hasFrom && hasTo && from > to)
            errors["$.from"] = ["from must not be after to."];
        else if (hasFrom && hasTo && to.DayNumber - from.DayNumber + 1 > maxDays)
            errors["$.from"] = [$"At most {maxDays} days per backfill."];
        return errors.Count == 0 ? null : Problem.BadRequest("The backfill range is invalid.", errors);
    }

    /// <summary>
    /// The earliest sighting of each asset as an unregistered device (a LAN neighbour report of one of its MACs,
    /// table <c>sightings</c>, kept after the device enrolls), for the assets whose time to discovery is measured:
    /// per asset one point read of its detail row (<c>$select</c> MacAddresses) and one per MAC. Assets never
    /// sighted are absent (their discovery starts at enrollment).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, DateTimeOffset>> FirstSightingsAsync(
        IEnumerable<string> assetIds,
        CancellationToken cancellationToken
    )
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset>(
            StringComparer.Ordinal
        );
        await Parallel.ForEachAsync(
            assetIds.Distinct(StringComparer.Ordinal),
            new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
            async (assetId, ct) =>
            {
                var detail = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                    assetId,
                    TableKeys.AssetDetailRow,
                    [nameof(AssetDetailEntity.MacAddresses)],
                    ct
                );
                if (!detail.HasValue || detail.Value?.MacAddresses is not { Length: > 0 } macs)
                    return;
                foreach (
                    var mac in macs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                )
                {
                    var sighting = await store.Sightings.GetEntityIfExistsAsync<SightingEntity>(
                        mac,
                        TableKeys.SightingRow,
                        [nameof(SightingEntity.FirstSeenAt)],
                        ct
                    );
                    if (sighting.HasValue && sighting.Value is { } seen)
                        found.AddOrUpdate(assetId, seen.FirstSeenAt, (_, was) =>
                            was < seen.FirstSeenAt ? was : seen.FirstSeenAt
                        );
                }
            }
        );
        return found;
    }

    private async Task WriteAsync(IReadOnlyList<KpiSnapshot> snapshots, CancellationToken cancellationToken) =>
        await Parallel.ForEachAsync(
            snapshots,
            new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
            async (s, ct) => await kpis.UpsertAsync(s, ct)
        );

    /// <summary>Closed campaigns whose close falls in a campaign window of a day from <paramref name="from"/> to
    /// <paramref name="to"/>, with the departments of their expected assets (one query of the headers' partition,
    /// one range query per such campaign).</summary>
    private async Task<IReadOnlyList<CampaignFacts>> CampaignsAsync(
        DateOnly from,
        DateOnly to,
        CancellationToken cancellationToken
    )
    {
        var start = new DateTimeOffset(from.AddDays(1 - options.Value.CampaignWindowDays).ToDateTime(default), default);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(default), default);
        var list = new List<CampaignFacts>();
        var headers = store.Campaigns.QueryAsync<CampaignEntity>(
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {CampaignKeys.ListPartition} and Status eq {nameof(CampaignStatus.Closed)}"
            ),
            cancellationToken: cancellationToken
        );
        await foreach (var header in headers)
        {
            if (header.ClosedAt is not { } closed || closed < start || closed >= end)
                continue;
            var assets = new List<CampaignAssetEntity>();
            await foreach (
                var a in store.Campaigns.QueryAsync<CampaignAssetEntity>(
                    CampaignKeys.PrefixFilter(header.RowKey, CampaignKeys.AssetPrefix),
                    select:
                    [
                        nameof(CampaignAssetEntity.Department),
                        nameof(CampaignAssetEntity.Result),
                        nameof(CampaignAssetEntity.LocationMatches),
                    ],
                    cancellationToken: cancellationToken
                )
            )
                assets.Add(a);
            list.Add(CampaignFacts.From(header, assets));
        }
        return list;
    }

    /// <summary>Findings neither resolved nor auto-resolved (the finding rows, not their index rows).</summary>
    private async Task<IReadOnlyList<OpenFindingFacts>> OpenFindingsAsync(CancellationToken cancellationToken)
    {
        var list = new List<OpenFindingFacts>();
        var (index, resolved, autoResolved) = (
            FindingKeys.IndexPartitionsStart,
            nameof(FindingStatus.Resolved),
            nameof(FindingStatus.AutoResolved)
        );
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey lt {index} and Status ne {resolved} and Status ne {autoResolved}"
        );
        await foreach (
            var f in findingsTables.Findings.QueryAsync<FindingEntity>(
                filter,
                select:
                [
                    "PartitionKey",
                    nameof(FindingEntity.SubjectType),
                    nameof(FindingEntity.SubjectId),
                    nameof(FindingEntity.Department),
                ],
                cancellationToken: cancellationToken
            )
        )
            list.Add(new OpenFindingFacts(f.PartitionKey, f.SubjectType, f.SubjectId, f.Department));
        return list;
    }

    /// <summary>Every product's metric, last compliance snapshot and entitlements: the licence rows below the seat
    /// rows (<c>RowKey lt 'seat|'</c>), so the seats are never read.</summary>
    private async Task<IReadOnlyList<LicenceFacts>> LicencesAsync(CancellationToken cancellationToken)
    {
        var products = new Dictionary<string, (string? Metric, int Assets, int Users, List<EntitlementTerms> Terms)>(
            StringComparer.Ordinal
        );
        var filter = TableClient.CreateQueryFilter($"RowKey lt {TableKeys.LicenceSeatPrefix}");
        await foreach (
            var row in store.Licences.QueryAsync<TableEntity>(
                filter,
                select:
                [
                    "PartitionKey",
                    "RowKey",
                    nameof(LicenceProductEntity.Metric),
                    nameof(LicenceComplianceEntity.InstallingAssets),
                    nameof(LicenceComplianceEntity.InstallingUsers),
                    nameof(LicenceEntitlementEntity.Type),
                    nameof(LicenceEntitlementEntity.Seats),
                    nameof(LicenceEntitlementEntity.UnitCost),
                    nameof(LicenceEntitlementEntity.StartDate),
                    nameof(LicenceEntitlementEntity.EndDate),
                ],
                cancellationToken: cancellationToken
            )
        )
        {
            var p = products.TryGetValue(row.PartitionKey, out var found) ? found : (null, 0, 0, []);
            if (row.RowKey == TableKeys.LicenceProductRow)
                p.Metric = row.GetString(nameof(LicenceProductEntity.Metric));
            else if (row.RowKey == TableKeys.LicenceComplianceRow)
            {
                p.Assets = row.GetInt32(nameof(LicenceComplianceEntity.InstallingAssets)) ?? 0;
                p.Users = row.GetInt32(nameof(LicenceComplianceEntity.InstallingUsers)) ?? 0;
            }
            else if (row.RowKey.StartsWith(TableKeys.LicenceEntitlementPrefix, StringComparison.Ordinal))
            {
                p.Terms.Add(
                    LicenceService.Terms(
                        new LicenceEntitlementEntity
                        {
                            Type = row.GetString(nameof(LicenceEntitlementEntity.Type)) ?? "",
                            Seats = row.GetInt32(nameof(LicenceEntitlementEntity.Seats)),
                            UnitCost = row.GetString(nameof(LicenceEntitlementEntity.UnitCost)),
                            StartDate = row.GetString(nameof(LicenceEntitlementEntity.StartDate)),
                            EndDate = row.GetString(nameof(LicenceEntitlementEntity.EndDate)),
                        }
                    )
                );
            }
            products[row.PartitionKey] = p;
        }
        return products
            .Values.Where(p => p.Metric is not null)
            .Select(p => new LicenceFacts(Enum.Parse<LicenceMetric>(p.Metric!), p.Assets, p.Users, p.Terms))
            .ToList();
    }

    /// <summary>
    /// Fills the lifecycle timestamps a summary row lacks (rows older than <see cref="LifecycleTimestamps"/>) from
    /// the asset's change history: one <c>$select</c> pass over the history rows of every asset (RowKey range
    /// <c>h|</c>), the latest state change that sets each stamp, merged only where the summary row has none.
    /// Idempotent: a filled row is skipped the next time.
    /// </summary>
    public async Task<int> FillLifecycleTimestampsAsync(CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string AssetId, string Field), DateTimeOffset>();
        var filter = TableClient.CreateQueryFilter($"RowKey ge {TableKeys.HistoryRowPrefix} and RowKey lt {"h}"}");
        await foreach (
            var h in store.Assets.QueryAsync<AssetHistoryEntity>(
                filter,
                select: ["PartitionKey", nameof(AssetHistoryEntity.At), nameof(AssetHistoryEntity.ChangesJson)],
                cancellationToken: cancellationToken
            )
        )
        {
            if (h.ChangesJson is not { } json || !json.Contains("\"State\"", StringComparison.Ordinal))
                continue;
            var changes = JsonSerializer.Deserialize(json, ApiJsonContext.Default.AssetChanges);
            foreach (var change in changes?.Fields ?? [])
            {
                if (change.Field != nameof(AssetDetailEntity.State))
                    continue;
                foreach (var field in LifecycleTimestamps.For(change.From, change.To))
                {
                    var key = (h.PartitionKey, field);
                    if (!found.TryGetValue(key, out var at) || h.At > at)
                        found[key] = h.At;
                }
            }
        }
        var filled = 0;
        foreach (var group in found.GroupBy(f => f.Key.AssetId))
        {
            var row = await store.Summaries.GetEntityIfExistsAsync<TableEntity>(
                TableKeys.SummaryPartition(group.Key),
                group.Key,
                select: LifecycleFields,
                cancellationToken: cancellationToken
            );
            if (!row.HasValue || row.Value is not { } summary)
                continue;
            var merge = new TableEntity(TableKeys.SummaryPartition(group.Key), group.Key);
            foreach (var ((_, field), at) in group)
            {
                if (summary.GetDateTimeOffset(field) is null)
                    merge[field] = at;
            }
            if (merge.Count <= 2)
                continue;
            // Only absent stamps are written and nothing else writes them: no ETag (a heartbeat may come between).
            await store.Summaries.UpdateEntityAsync(merge, Azure.ETag.All, TableUpdateMode.Merge, cancellationToken);
            filled += merge.Count - 2;
        }
        return filled;
    }

    private static readonly string[] LifecycleFields =
    [
        nameof(AssetSummaryEntity.ApprovedAt),
        nameof(AssetSummaryEntity.RetiredAt),
        nameof(AssetSummaryEntity.DisposedAt),
    ];
}
