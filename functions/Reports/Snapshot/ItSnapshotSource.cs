using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>
/// Reads what the weekly IT snapshot needs and feeds <see cref="ItSnapshotBuilder"/>: the findings that were (or may
/// have been) open at the week's end, the asset audit records since the end (one filtered query per lane, as the
/// finance report), ONE projected scan of the summary table (each row rewound to the end), then one range query of
/// KPI snapshots per scope.
/// </summary>
public sealed class ItSnapshotSource(
    InventoryStore store,
    FindingsTables findings,
    FinanceReportSource finance,
    KpiStore kpis
)
{
    /// <summary>The summary-row properties the snapshot reads ($select).</summary>
    public static readonly string[] SummaryColumns =
    [
        "RowKey",
        nameof(AssetSummaryEntity.Tag),
        nameof(AssetSummaryEntity.Name),
        nameof(AssetSummaryEntity.Kind),
        nameof(AssetSummaryEntity.Category),
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.EnrolledAt),
    ];

    /// <summary>The finding properties the snapshot reads ($select).</summary>
    public static readonly string[] FindingColumns =
    [
        "PartitionKey",
        nameof(FindingEntity.SubjectType),
        nameof(FindingEntity.SubjectId),
        nameof(FindingEntity.Department),
        nameof(FindingEntity.Text),
        nameof(FindingEntity.FirstRaisedAt),
        nameof(FindingEntity.HistoryJson),
    ];

    public const string Reconstruction =
        "Assets (state, department, name, tag) are as of the week's end: changes after it are undone from the audit "
        + "trail; an asset's kind is its current one. Findings open at the end are rebuilt from each finding's "
        + "history. KPIs are the daily snapshots taken on or before the days shown.";

    /// <summary>Findings that may have been open at <paramref name="endExclusive"/>: open now, or changed since
    /// (a finding closed before the end and not changed since was closed at the end).</summary>
    public static string FindingFilter(DateTimeOffset endExclusive) =>
        TableClient.CreateQueryFilter($"PartitionKey lt {FindingKeys.IndexPartitionsStart}")
        + " and ("
        + TableClient.CreateQueryFilter($"(Status ne {Resolved} and Status ne {AutoResolved})")
        + " or "
        + TableClient.CreateQueryFilter($"LastChangedAt ge {endExclusive}")
        + ")";

    private const string Resolved = nameof(FindingStatus.Resolved);
    private const string AutoResolved = nameof(FindingStatus.AutoResolved);

    public async Task<ItSnapshotReport> BuildAsync(
        string period,
        DateTimeOffset generatedAt,
        ItSnapshotTotals? previous,
        CancellationToken cancellationToken
    )
    {
        var builder = new ItSnapshotBuilder(period);
        var end = builder.EndExclusive;
        await foreach (
            var f in findings.Findings.QueryAsync<FindingEntity>(
                FindingFilter(end),
                select: FindingColumns,
                cancellationToken: cancellationToken
            )
        )
        {
            var history = JsonSerializer.Deserialize(f.HistoryJson, ApiJsonContext.Default.ListFindingHistoryEntry)
                ?? [];
            if (ItSnapshotBuilder.OpenSince(f.FirstRaisedAt, history, end) is { } since)
                builder.AddFinding(new(f.PartitionKey, f.SubjectType, f.SubjectId, f.Department, f.Text, since));
        }

        var changes = await finance.AssetChangesSinceAsync(end, cancellationToken);
        await foreach (
            var row in store.Summaries.QueryAsync<TableEntity>(
                select: SummaryColumns,
                maxPerPage: 1000,
                cancellationToken: cancellationToken
            )
        )
        {
            var current = new AssetAsOf
            {
                Id = row.RowKey,
                Tag = row.GetString(nameof(AssetSummaryEntity.Tag)),
                Name = row.GetString(nameof(AssetSummaryEntity.Name)),
                Category = row.GetString(nameof(AssetSummaryEntity.Category)),
                State = row.GetString(nameof(AssetSummaryEntity.State)) ?? nameof(LifecycleState.Discovered),
                Department = row.GetString(nameof(AssetSummaryEntity.Department)),
            };
            var asOf = changes.TryGetValue(row.RowKey, out var history)
                ? AssetRewind.AsOf(current, history, end)
                : current;
            if (asOf is null)
                continue;
            builder.Add(
                new SnapshotAsset(
                    asOf.Id,
                    asOf.Tag,
                    asOf.Name,
                    row.GetString(nameof(AssetSummaryEntity.Kind)) ?? nameof(AssetKind.Hardware),
                    asOf.State,
                    asOf.Department,
                    row.GetDateTimeOffset(nameof(AssetSummaryEntity.EnrolledAt))
                )
            );
        }

        var (from, to) = builder.KpiRange;
        builder.AddKpis(null, await kpis.RangeAsync(null, from, to, cancellationToken));
        foreach (var department in builder.Departments.Order(StringComparer.Ordinal).ToList())
        {
            if (department != ItSnapshotBuilder.NoDepartment)
                builder.AddKpis(department, await kpis.RangeAsync(department, from, to, cancellationToken));
        }
        return builder.Build(generatedAt, previous, [Reconstruction]);
    }
}
