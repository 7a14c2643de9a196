using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Reports;

/// <summary>
/// Reads what the monthly finance summary needs and feeds <see cref="FinanceReportBuilder"/>: the audit records of
/// assets since the period start (one filtered query per lane), the category lives, the rate table, then one
/// projected scan of the summary table (each row rewound to the period end), then the licence rows without seats.
/// </summary>
public sealed class FinanceReportSource(InventoryStore store, ExchangeRateService rates)
{
    /// <summary>The summary-row properties the report reads ($select).</summary>
    public static readonly string[] SummaryColumns =
    [
        "RowKey",
        nameof(AssetSummaryEntity.Tag),
        nameof(AssetSummaryEntity.Name),
        nameof(AssetSummaryEntity.Category),
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.Financials),
    ];

    public const string Reconstruction =
        "Assets (state, department, category, name, tag, financial record) are as of the period end: changes after it "
        + "are undone from the audit trail. Licence seats, installations and entitlements are as of generation; "
        + "category useful lives are the current ones.";

    public async Task<FinanceReport> BuildAsync(
        string period,
        DateTimeOffset generatedAt,
        FinanceTotals? previous,
        IReadOnlyList<TrendPoint> earlierIdle,
        CancellationToken cancellationToken
    )
    {
        var table = await rates.TableAsync(cancellationToken);
        var lives = await CategoryLivesAsync(cancellationToken);
        var builder = new FinanceReportBuilder(period, table, lives);
        var start = new DateTimeOffset(builder.Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = start.AddMonths(1);
        var changes = await AssetChangesSinceAsync(start, cancellationToken);

        await foreach (
            var row in store.Summaries.QueryAsync<TableEntity>(
                select: SummaryColumns,
                maxPerPage: 1000,
                cancellationToken: cancellationToken
            )
        )
        {
            if (!TableKeys.IsSummaryRow(row.RowKey))
                continue;
            var current = new AssetAsOf
            {
                Id = row.RowKey,
                Tag = row.GetString(nameof(AssetSummaryEntity.Tag)),
                Name = row.GetString(nameof(AssetSummaryEntity.Name)),
                Category = row.GetString(nameof(AssetSummaryEntity.Category)),
                State = row.GetString(nameof(AssetSummaryEntity.State)) ?? nameof(LifecycleState.Discovered),
                Department = row.GetString(nameof(AssetSummaryEntity.Department)),
                Financials = AssetFinancials.Parse(row.GetString(nameof(AssetSummaryEntity.Financials))),
            };
            if (!changes.TryGetValue(row.RowKey, out var history))
            {
                builder.Add(current, []);
                continue;
            }
            if (AssetRewind.AsOf(current, history, end) is { } asOf)
                builder.Add(asOf, AssetRewind.StateEvents(history, start, end));
        }
        var notes = new List<string> { Reconstruction };
        await AddLicencesAsync(builder, table, notes, cancellationToken);
        return builder.Build(generatedAt, previous, earlierIdle, notes);
    }

    private async Task<Dictionary<string, int>> CategoryLivesAsync(CancellationToken cancellationToken)
    {
        var lives = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (
            var e in store.Taxonomy.QueryAsync<Catalogue.TaxonomyEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {"category"}"),
                cancellationToken: cancellationToken
            )
        )
        {
            if (e.UsefulLifeMonths is { } life)
                lives[e.RowKey] = life;
        }
        return lives;
    }

    /// <summary>The audit records of assets from <paramref name="start"/> on, by asset (each lane's records
    /// filtered by the service).</summary>
    public async Task<Dictionary<string, List<AssetAuditChange>>> AssetChangesSinceAsync(
        DateTimeOffset start,
        CancellationToken cancellationToken
    )
    {
        var byAsset = new Dictionary<string, List<AssetAuditChange>>(StringComparer.Ordinal);
        foreach (var lane in TableKeys.AllAuditLanes)
        {
            var filter =
                TableClient.CreateQueryFilter($"PartitionKey eq {lane} and RowKey lt {TableKeys.AuditRecordRowsEnd}")
                + " and "
                + TableClient.CreateQueryFilter($"Entity eq {"asset"} and At ge {start}");
            await foreach (
                var r in store.AuditTrail.QueryAsync<AuditRecordEntity>(
                    filter,
                    select:
                    [
                        nameof(AuditRecordEntity.EntityId),
                        nameof(AuditRecordEntity.Action),
                        nameof(AuditRecordEntity.At),
                        nameof(AuditRecordEntity.ChangesJson),
                    ],
                    cancellationToken: cancellationToken
                )
            )
            {
                var fields = JsonSerializer.Deserialize(r.ChangesJson, ApiJsonContext.Default.IReadOnlyListFieldChange)
                    ?? [];
                if (!byAsset.TryGetValue(r.EntityId, out var list))
                    byAsset[r.EntityId] = list = [];
                list.Add(new AssetAuditChange(r.At, r.Action, fields));
            }
        }
        return byAsset;
    }

    private async Task AddLicencesAsync(
        FinanceReportBuilder builder,
        RateTable table,
        List<string> notes,
        CancellationToken cancellationToken
    )
    {
        var end = builder.End;
        var products = new Dictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (
            var row in store.Licences.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey lt {TableKeys.LicenceSeatPrefix}"),
                cancellationToken: cancellationToken
            )
        )
        {
            if (!products.TryGetValue(row.PartitionKey, out var rows))
                products[row.PartitionKey] = rows = [];
            rows.Add(row);
        }
        foreach (var rows in products.Values)
        {
            var product = rows.FirstOrDefault(r => r.RowKey == TableKeys.LicenceProductRow);
            if (product is null)
                continue;
            var name = product.GetString(nameof(LicenceProductEntity.Name)) ?? product.PartitionKey;
            var metric = product.GetString(nameof(LicenceProductEntity.Metric)) ?? nameof(LicenceMetric.PerUser);
            var currency = product.GetString(nameof(LicenceProductEntity.Currency));
            var rate = table.RateOn(currency, end);
            if (rate is null)
            {
                // Never summed: the product is listed without amounts and named here.
                notes.Add(
                    $"Licence '{name}' is priced in {currency}, which has no rate on "
                        + $"{end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: its amounts are not converted."
                );
            }
            decimal Convert(decimal amount) => decimal.Round(amount * (rate ?? 0m), 2, MidpointRounding.ToEven);
            int seats = 0,
                subscriptionSeats = 0;
            decimal spend = 0m,
                subscriptionSpend = 0m;
            foreach (
                var e in rows.Where(r =>
                    r.RowKey.StartsWith(TableKeys.LicenceEntitlementPrefix, StringComparison.Ordinal)
                )
            )
            {
                var startDate = Date(e.GetString(nameof(LicenceEntitlementEntity.StartDate)));
                var endDate = Date(e.GetString(nameof(LicenceEntitlementEntity.EndDate)));
                var renewal = Date(e.GetString(nameof(LicenceEntitlementEntity.RenewalDate)));
                var count = e.GetInt32(nameof(LicenceEntitlementEntity.Seats)) ?? 0;
                var unit = Money(e.GetString(nameof(LicenceEntitlementEntity.UnitCost)));
                var type = e.GetString(nameof(LicenceEntitlementEntity.Type)) ?? nameof(EntitlementType.Perpetual);
                if (
                    (renewal ?? endDate) is { } due
                    && due > end
                    && due <= end.AddDays(FinanceReportBuilder.LookAheadDays)
                )
                {
                    builder.AddRenewal(
                        new RenewalLine(
                            name,
                            e.GetString(nameof(LicenceEntitlementEntity.Reference)) ?? "",
                            type,
                            due,
                            count,
                            Convert(count * unit)
                        )
                    );
                }
                if (startDate > end || endDate < end)
                    continue;
                seats += count;
                spend += count * unit;
                if (type == nameof(EntitlementType.Subscription))
                {
                    subscriptionSeats += count;
                    subscriptionSpend += count * unit;
                }
            }
            var compliance = rows.FirstOrDefault(r => r.RowKey == TableKeys.LicenceComplianceRow);
            var counter = rows.FirstOrDefault(r => r.RowKey == TableKeys.LicenceSeatCounterRow);
            var inUse =
                compliance is null ? counter?.GetInt32(nameof(LicenceSeatCounterEntity.Assigned)) ?? 0
                : metric == nameof(LicenceMetric.PerDevice)
                    ? compliance.GetInt32(nameof(LicenceComplianceEntity.InstallingAssets)) ?? 0
                : compliance.GetInt32(nameof(LicenceComplianceEntity.InstallingUsers)) ?? 0;
            var unused = Math.Max(0, seats - inUse);
            var reclaimable = Math.Min(unused, subscriptionSeats);
            var saving = subscriptionSeats == 0 ? 0m : subscriptionSpend / subscriptionSeats * reclaimable;
            builder.AddLicence(
                new LicenceLine(
                    name,
                    product.GetString(nameof(LicenceProductEntity.Vendor)) ?? "",
                    metric,
                    seats,
                    inUse,
                    unused,
                    Convert(spend),
                    Convert(saving)
                )
            );
        }
    }

    private static DateOnly? Date(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

    private static decimal Money(string? text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var m) ? m : 0m;
}
