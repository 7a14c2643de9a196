using System.Collections.Concurrent;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Audits;

/// <summary>
/// The daily reconciliation (docs/audits.md): one <c>$select</c> pass over the summary rows for the asset kinds and
/// duplicate identities; the departed people, licence seats, products and recent sightings read once; the licence
/// compliance scan's software pass for per-device products installed without a seat. Memory holds the conditions
/// found, one small entry per serial/UUID, and what the licence scan keeps per licensed installation. Each kind is
/// reconciled with the findings store only after every read succeeded, so a failed run auto-resolves nothing.
/// </summary>
public sealed class ReconciliationScanner(
    InventoryStore store,
    PeopleService people,
    LicenceService licences,
    LicenceComplianceService compliance,
    FindingService findings,
    ScanRunStore runs,
    SummaryBackfill backfill,
    IOptions<ReconciliationOptions> options,
    TimeProvider clock,
    ILogger<ReconciliationScanner> logger
)
{
    public const string ScanName = "reconciliation";

    /// <summary>Every kind this scan decides (and so may auto-resolve).</summary>
    public static IReadOnlyList<string> Kinds { get; } =
    [
        .. ReconciliationRules.AssetKinds,
        FindingKinds.DepartedSeatHolder,
        FindingKinds.DuplicateIdentity,
        FindingKinds.DuplicateLicenceKey,
        FindingKinds.UnregisteredDevice,
        FindingKinds.UnderLicensed,
        FindingKinds.UnlicensedInstallation,
    ];

    private static readonly string[] Columns =
    [
        "RowKey",
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Kind),
        nameof(AssetSummaryEntity.Name),
        nameof(AssetSummaryEntity.Tag),
        nameof(AssetSummaryEntity.Owner),
        nameof(AssetSummaryEntity.ItStakeholder),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.Category),
        nameof(AssetSummaryEntity.Location),
        nameof(AssetSummaryEntity.Criticality),
        nameof(AssetSummaryEntity.CredentialHash),
        nameof(AssetSummaryEntity.CredentialRevoked),
        nameof(AssetSummaryEntity.EnrolledAt),
        nameof(AssetSummaryEntity.LastSeenAt),
        nameof(AssetSummaryEntity.SerialNumber),
        nameof(AssetSummaryEntity.SmbiosUuid),
        nameof(AssetSummaryEntity.RefusedCheckinOn),
        nameof(AssetSummaryEntity.LicenceKeysJson),
        .. SummaryBackfill.Columns,
    ];

    private static readonly string[] SightingColumns =
    [
        "PartitionKey",
        nameof(SightingEntity.LastSeenAt),
        nameof(SightingEntity.LastIpAddress),
        nameof(SightingEntity.LastSeenBy),
    ];

    public async Task<AuditRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var run = await runs.StartAsync(ScanName, cancellationToken);
        var startedAt = clock.GetUtcNow();
        long rows = 0;
        try
        {
            var departed = new Dictionary<string, string>(StringComparer.Ordinal);
            await foreach (var person in people.FindDepartedAsync(cancellationToken))
            {
                rows++;
                departed[person.ObjectId.ToLowerInvariant()] = string.IsNullOrEmpty(person.DisplayName)
                    ? person.ObjectId
                    : person.DisplayName;
            }
            var context = new ReconciliationContext(startedAt, options.Value, departed);
            var conditions = new List<FindingCondition>();

            var (licenceRows, unlicensed, siteLicensed) = await LicencesAsync(context, conditions, cancellationToken);
            rows += licenceRows;

            var duplicates = new DuplicateIdentities();
            var sharedKeys = new DuplicateLicenceKeys(
                new VolumeLicenceKeyRule(
                    VolumeLicenceKeyRule.ParseHashes(options.Value.VolumeLicenceKeyHashes),
                    siteLicensed
                )
            );
            var incomplete = new List<AssetSummaryEntity>();
            await foreach (
                var row in store.Summaries.QueryAsync<AssetSummaryEntity>(
                    select: Columns,
                    cancellationToken: cancellationToken
                )
            )
            {
                if (!TableKeys.IsSummaryRow(row.RowKey))
                    continue;
                rows++;
                if (SummaryBackfill.IsNeeded(row))
                    incomplete.Add(row);
                else
                    Evaluate(row);
            }
            rows += await backfill.CompleteAsync(incomplete, cancellationToken);
            foreach (var row in incomplete)
                Evaluate(row);

            void Evaluate(AssetSummaryEntity asset)
            {
                conditions.AddRange(ReconciliationRules.ForAsset(asset, context));
                duplicates.Add(asset);
                sharedKeys.Add(asset);
                if (
                    unlicensed.TryGetValue(asset.RowKey, out var products)
                    && ReconciliationRules.UnlicensedInstallation(asset, products) is { } installation
                )
                {
                    conditions.Add(installation);
                }
            }
            conditions.AddRange(duplicates.Conditions());
            conditions.AddRange(sharedKeys.Conditions());
            rows += await SightingsAsync(context, conditions, cancellationToken);

            var result = await AuditScan.ReconcileAsync(findings, Kinds, conditions, run.RunId, cancellationToken);
            await runs.CompleteAsync(run, rows, result, null, cancellationToken);
            logger.LogInformation(
                "Reconciliation {RunId} read {Rows} row(s): {Conditions} condition(s), {Opened} opened, "
                    + "{AutoResolved} auto-resolved",
                run.RunId,
                rows,
                conditions.Count,
                result.Opened + result.Reopened,
                result.AutoResolved
            );
            return Summary(run, startedAt, rows, conditions.Count, result);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Reconciliation {RunId} failed after {Rows} row(s)", run.RunId, rows);
            await runs.CompleteAsync(
                run,
                rows,
                new FindingReconciliation(0, 0, 0, 0),
                ex.Message,
                CancellationToken.None
            );
            throw;
        }
    }

    private AuditRunSummary Summary(
        ScanRun run,
        DateTimeOffset startedAt,
        long rows,
        int conditions,
        FindingReconciliation result
    ) =>
        new(
            run.RunId,
            ScanName,
            startedAt,
            clock.GetUtcNow(),
            rows,
            conditions,
            result.Opened,
            result.Reopened,
            result.Confirmed,
            result.AutoResolved,
            0
        );

    /// <summary>Under-licensed products (from their compliance snapshots), seats of departed people, per asset
    /// the per-device products installed on it without a seat (from the licence compliance scan), and the rules of
    /// the products with a site licence in force (their keys are volume keys).</summary>
    private async Task<(
        long Rows,
        Dictionary<string, List<string>> Unlicensed,
        IReadOnlyList<LicenceRule> SiteLicensed
    )> LicencesAsync(
        ReconciliationContext context,
        List<FindingCondition> conditions,
        CancellationToken cancellationToken
    )
    {
        var unlicensed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var products = await licences.AllProductsAsync(cancellationToken);
        long rows = products.Count;
        if (products.Count == 0)
            return (rows, unlicensed, []);
        var states = await licences.LoadManyAsync(products, cancellationToken);
        IReadOnlyList<LicenceRule> siteLicensed =
        [
            .. states
                .Where(s => LicenceCompliance.AssignableSeats(s.Terms, context.Today) is null)
                .SelectMany(s => s.Rules),
        ];
        foreach (var state in states)
        {
            var view = compliance.View(state);
            if (
                ReconciliationRules.UnderLicensed(
                    view.ProductId,
                    view.ProductName,
                    view.Status,
                    view.Installations,
                    view.PurchasedSeats,
                    view.Shortfall
                ) is
                { } under
            )
            {
                conditions.Add(under);
            }
        }

        var names = products.ToDictionary(p => p.ProductId, p => p.Name, StringComparer.Ordinal);
        var seatedAssets = new HashSet<(string ProductId, string AssetId)>();
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {TableKeys.LicenceSeatPrefix} and RowKey lt {TableKeys.LicenceSeatRangeEnd}"
        );
        await foreach (
            var seat in store.Licences.QueryAsync<LicenceSeatEntity>(filter, cancellationToken: cancellationToken)
        )
        {
            rows++;
            if (seat.AssigneeKind == SeatHolder.Asset)
                seatedAssets.Add((seat.PartitionKey, seat.AssigneeId));
            else if (
                ReconciliationRules.SeatHolderDeparted(
                    seat.PartitionKey,
                    names.GetValueOrDefault(seat.PartitionKey, seat.PartitionKey),
                    seat.SeatId,
                    seat.AssigneeId,
                    context
                ) is
                { } departed
            )
            {
                conditions.Add(departed);
            }
        }

        // Per-device products that need a seat per asset: a site licence in force covers every device.
        var perDevice = states
            .Where(s =>
                s.Metric == LicenceMetric.PerDevice
                && LicenceCompliance.AssignableSeats(s.Terms, context.Today) is not null
            )
            .Select(s => (s.Product.ProductId, s.Rules))
            .ToList();
        if (perDevice.Count == 0)
            return (rows, unlicensed, siteLicensed);
        var fleet = await compliance.ScanAsync(perDevice, cancellationToken);
        rows += fleet.SoftwareRowsScanned + fleet.Assets.Count;
        foreach (var (productId, usage) in fleet.Products)
        {
            foreach (var (assetId, found) in usage.Assets)
            {
                if (!found.Installed || seatedAssets.Contains((productId, assetId)))
                    continue;
                if (!unlicensed.TryGetValue(assetId, out var list))
                    unlicensed[assetId] = list = [];
                list.Add(names[productId]);
            }
        }
        return (rows, unlicensed, siteLicensed);
    }

    /// <summary>Sightings seen within the window whose MAC no asset claims (one identity point read each, since an
    /// asset may have enrolled after the sighting).</summary>
    private async Task<long> SightingsAsync(
        ReconciliationContext context,
        List<FindingCondition> conditions,
        CancellationToken cancellationToken
    )
    {
        var since = context.Now.AddDays(-context.Options.SightingWindowDays);
        var recent = new List<SightingEntity>();
        long rows = 0;
        var filter = TableClient.CreateQueryFilter($"LastSeenAt gt {since}");
        await foreach (
            var sighting in store.Sightings.QueryAsync<SightingEntity>(
                filter,
                select: SightingColumns,
                cancellationToken: cancellationToken
            )
        )
        {
            rows++;
            recent.Add(sighting);
        }
        var found = new ConcurrentBag<FindingCondition>();
        await Parallel.ForEachAsync(
            recent,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (sighting, ct) =>
            {
                var known = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                    new IdentityKey(IdentityKind.Mac, sighting.MacAddress).Key,
                    TableKeys.IdentityRow,
                    [nameof(AssetIdentityEntity.AssetId)],
                    ct
                );
                if (
                    ReconciliationRules.UnregisteredDevice(
                        sighting.MacAddress,
                        sighting.LastSeenAt,
                        sighting.LastIpAddress,
                        sighting.LastSeenBy,
                        known.HasValue,
                        context
                    ) is
                    { } condition
                )
                {
                    found.Add(condition);
                }
            }
        );
        conditions.AddRange(found);
        return rows + recent.Count;
    }
}
