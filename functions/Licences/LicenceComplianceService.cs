using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Licences;

/// <summary>What one scan found for one product: per asset, whether a matching product is installed and when a
/// matching product was last uninstalled.</summary>
public sealed class ProductUsage
{
    public Dictionary<string, AssetUsage> Assets { get; } = new(StringComparer.Ordinal);
}

public sealed class AssetUsage
{
    public bool Installed { get; set; }
    public DateTimeOffset? LastUninstalledAt { get; set; }
}

/// <summary>The fleet as the licence scans see it: every product's usage, and each active asset's owner.</summary>
public sealed record FleetUsage(
    IReadOnlyDictionary<string, ProductUsage> Products,
    IReadOnlyDictionary<string, AssetSummaryEntity> Assets,
    long SoftwareRowsScanned
)
{
    /// <summary>Active (not retired, disposed, rejected) assets by owner (lower-case object id).</summary>
    public ILookup<string, string> AssetsByOwner { get; } =
        Assets
            .Values.Where(a => a.Owner is { Length: > 0 } && !LicenceService.IsInactiveAssetState(a.State))
            .ToLookup(a => a.Owner!.ToLowerInvariant(), a => a.RowKey, StringComparer.Ordinal);
}

/// <summary>
/// Compliance: one scan of every software row of the fleet (a RowKey range over all asset partitions with
/// <c>$select</c>, 1,000 rows per request) matched against every product's rules, each distinct
/// (name, publisher, version) matched once. The timer writes a snapshot row per product; the API reads snapshots
/// and combines them with the entitlements and seats as they are now.
/// </summary>
public sealed class LicenceComplianceService(
    InventoryStore store,
    LicenceService licences,
    Outbox outbox,
    TimeProvider clock,
    ILogger<LicenceComplianceService> logger
)
{
    private static readonly string[] SoftwareColumns =
    [
        "PartitionKey",
        nameof(SoftwareEntity.Name),
        nameof(SoftwareEntity.Publisher),
        nameof(SoftwareEntity.Version),
        nameof(SoftwareEntity.State),
        nameof(SoftwareEntity.UninstalledAt),
    ];

    private static readonly string[] SummaryColumns =
    [
        "RowKey",
        nameof(AssetSummaryEntity.Owner),
        nameof(AssetSummaryEntity.State),
    ];

    /// <summary>Scans the fleet's software once for the given products.</summary>
    public async Task<FleetUsage> ScanAsync(
        IReadOnlyList<(string ProductId, IReadOnlyList<LicenceRule> Rules)> products,
        CancellationToken cancellationToken
    )
    {
        var usage = products.ToDictionary(p => p.ProductId, _ => new ProductUsage(), StringComparer.Ordinal);
        var assets = new Dictionary<string, AssetSummaryEntity>(StringComparer.Ordinal);
        await foreach (
            var a in store.Summaries.QueryAsync<AssetSummaryEntity>(
                select: SummaryColumns,
                cancellationToken: cancellationToken
            )
        )
        {
            if (TableKeys.IsSummaryRow(a.RowKey))
                assets[a.RowKey] = a;
        }
        if (products.Count == 0)
            return new FleetUsage(usage, assets, 0);

        // Distinct software identities are few (thousands) against rows (millions): match each identity once.
        var matches = new Dictionary<(string, string?, string?), string[]>();
        long rows = 0;
        var filter = TableClient.CreateQueryFilter(
            $"RowKey ge {TableKeys.SoftwareRowPrefix} and RowKey lt {TableKeys.SoftwareRangeEnd}"
        );
        await foreach (
            var row in store.Assets.QueryAsync<SoftwareEntity>(
                filter,
                select: SoftwareColumns,
                cancellationToken: cancellationToken
            )
        )
        {
            rows++;
            var key = (row.Name, row.Publisher, row.Version);
            if (!matches.TryGetValue(key, out var productIds))
            {
                productIds = products
                    .Where(p => SoftwareMatcher.Matches(p.Rules, row.Name, row.Publisher, row.Version))
                    .Select(p => p.ProductId)
                    .ToArray();
                matches[key] = productIds;
            }
            if (productIds.Length == 0)
                continue;
            var installed = row.State == nameof(SoftwareState.Installed);
            foreach (var productId in productIds)
            {
                var assetUsage = usage[productId].Assets.TryGetValue(row.PartitionKey, out var existing)
                    ? existing
                    : usage[productId].Assets[row.PartitionKey] = new AssetUsage();
                if (installed)
                    assetUsage.Installed = true;
                else if (
                    row.UninstalledAt is { } at
                    && (assetUsage.LastUninstalledAt is null || at > assetUsage.LastUninstalledAt)
                )
                    assetUsage.LastUninstalledAt = at;
            }
        }
        return new FleetUsage(usage, assets, rows);
    }

    /// <summary>Installations of one product counted from a scan: installing active assets, their distinct owners
    /// (an installing asset without an owner counts as one user).</summary>
    public static LicenceComplianceEntity Count(
        string productId,
        ProductUsage usage,
        FleetUsage fleet,
        DateTimeOffset computedAt
    )
    {
        var installing = usage
            .Assets.Where(a =>
                a.Value.Installed
                && fleet.Assets.TryGetValue(a.Key, out var s)
                && !LicenceService.IsInactiveAssetState(s.State)
            )
            .Select(a => fleet.Assets[a.Key])
            .ToList();
        var owners = installing
            .Where(a => a.Owner is { Length: > 0 })
            .Select(a => a.Owner!.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .Count();
        var unowned = installing.Count(a => a.Owner is not { Length: > 0 });
        return new LicenceComplianceEntity
        {
            PartitionKey = productId,
            ComputedAt = computedAt,
            InstallingAssets = installing.Count,
            InstallingUsers = owners + unowned,
            UnownedInstallingAssets = unowned,
        };
    }

    /// <summary>Scans once for every product and writes each product's snapshot row (timer and "recompute
    /// now").</summary>
    public async Task<ComplianceRecomputeResult> RecomputeAllAsync(CancellationToken cancellationToken)
    {
        var products = await licences.AllProductsAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var fleet = await ScanAsync(
            products.Select(p => (p.ProductId, LicenceService.ReadRules(p))).ToList(),
            cancellationToken
        );
        var states = await licences.LoadManyAsync(products, cancellationToken);
        await Parallel.ForEachAsync(
            states,
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (state, ct) =>
            {
                var id = state.Product.ProductId;
                var snapshot = Count(id, fleet.Products[id], fleet, now);
                var before = state.Compliance is null ? null : View(state).Status;
                var after = View(state with { Compliance = snapshot });
                if (before == after.Status)
                {
                    await store.Licences.UpsertEntityAsync(snapshot, Azure.Data.Tables.TableUpdateMode.Replace, ct);
                    return;
                }
                // A status change: the event commits with the snapshot (outbox row in the product's partition).
                await outbox.WriteAsync(
                    store.Licences,
                    [new(Azure.Data.Tables.TableTransactionActionType.UpsertReplace, snapshot)],
                    outbox
                        .Entry()
                        .Publish(
                            EventTypes.LicenceComplianceChanged,
                            EventTypes.Subject("licences", id),
                            new LicenceComplianceData(
                                id,
                                after.ProductName,
                                after.Metric,
                                after.Status,
                                before,
                                after.Installations,
                                after.PurchasedSeats,
                                after.Shortfall
                            ),
                            ApiJsonContext.Default.LicenceComplianceData
                        ),
                    ct
                );
            }
        );
        logger.LogInformation(
            "Licence compliance recomputed for {Products} product(s) over {Rows} software row(s)",
            products.Count,
            fleet.SoftwareRowsScanned
        );
        return new ComplianceRecomputeResult(products.Count, fleet.SoftwareRowsScanned, now);
    }

    /// <summary>Compliance of one product; a product never scanned is scanned now (on its own) and its snapshot
    /// stored.</summary>
    public async Task<Outcome<LicenceComplianceView>> ForProductAsync(
        string productId,
        CancellationToken cancellationToken
    )
    {
        var state = await licences.LoadAsync(productId, cancellationToken);
        if (state is null)
            return Problem.NotFound($"There is no licence product '{productId}'.");
        if (state.Compliance is null)
        {
            var fleet = await ScanAsync([(productId, state.Rules)], cancellationToken);
            var snapshot = Count(productId, fleet.Products[productId], fleet, clock.GetUtcNow());
            await store.Licences.UpsertEntityAsync(
                snapshot,
                Azure.Data.Tables.TableUpdateMode.Replace,
                cancellationToken
            );
            state = state with { Compliance = snapshot };
        }
        return View(state);
    }

    /// <summary>A page of products with their compliance (from their snapshots; never-scanned products show 0
    /// installations and no <c>computedAt</c>). The status filter applies within the page.</summary>
    public async Task<Outcome<LicenceCompliancePage>> ListAsync(
        string? status,
        string? continuationToken,
        int pageSize,
        CancellationToken cancellationToken
    )
    {
        ComplianceStatus? wanted = null;
        if (status is not null)
        {
            if (!Enum.GetNames<ComplianceStatus>().Contains(status, StringComparer.Ordinal))
                return Problem.BadRequest("status must be Compliant, UnderLicensed or OverLicensed.");
            wanted = Enum.Parse<ComplianceStatus>(status);
        }
        var page = await licences.ProductPageAsync(null, null, continuationToken, pageSize, cancellationToken);
        if (page.Failed)
            return page.Problem;
        var states = await licences.LoadManyAsync(page.Value.Items, cancellationToken);
        var items = states.Select(View).Where(v => wanted is null || v.Status == wanted.ToString()).ToList();
        return new LicenceCompliancePage(items, page.Value.ContinuationToken);
    }

    public LicenceComplianceView View(LicenceProductState state)
    {
        var snapshot = state.Compliance;
        var installations =
            snapshot is null ? 0
            : state.Metric == LicenceMetric.PerDevice ? snapshot.InstallingAssets
            : snapshot.InstallingUsers;
        var figures = LicenceCompliance.Compute(state.Terms, installations, licences.Today);
        return new LicenceComplianceView(
            state.Product.ProductId,
            state.Product.Name,
            state.Product.Metric,
            figures.Status.ToString(),
            figures.Installations,
            snapshot?.InstallingAssets ?? 0,
            figures.PurchasedSeats,
            state.Counter?.Assigned ?? 0,
            figures.Shortfall,
            figures.Surplus,
            figures.SurplusCost,
            state.Product.Currency,
            snapshot?.ComputedAt
        );
    }
}
