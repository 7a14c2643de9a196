using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Audits;

/// <summary>
/// Completes summary rows written before the audits existed (no <see cref="AssetSummaryEntity.FieldsVersion"/>): the
/// scan facts come from the asset's detail row (one point read), are merged into the summary row with the version
/// (a merge of only these properties never overwrites what a concurrent heartbeat writes), and an agent-managed asset
/// gets its row in the offline due index. The reconciliation does it once per such row, before its rules read them.
/// </summary>
public sealed class SummaryBackfill(
    InventoryStore store,
    OfflineIndex offlineIndex,
    TimeProvider clock,
    ILogger<SummaryBackfill> logger
)
{
    private const int Parallelism = 16;

    /// <summary>Summary columns the backfill needs besides the scan facts.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        nameof(AssetSummaryEntity.FieldsVersion),
        nameof(AssetSummaryEntity.ExpectedIntervalSeconds),
        nameof(AssetSummaryEntity.Offline),
    ];

    public static bool IsNeeded(AssetSummaryEntity summary) => summary.FieldsVersion is null;

    /// <summary>Completes the rows in place (the caller's rules then read them) and answers the detail rows read.
    /// </summary>
    public async Task<int> CompleteAsync(IReadOnlyList<AssetSummaryEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return 0;
        var now = clock.GetUtcNow();
        await Parallel.ForEachAsync(
            rows,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (summary, ct) => await CompleteAsync(summary, now, ct)
        );
        logger.LogInformation("Completed {Count} summary row(s) written before the audits", rows.Count);
        return rows.Count;
    }

    private async Task CompleteAsync(AssetSummaryEntity summary, DateTimeOffset now, CancellationToken ct)
    {
        var read = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
            summary.RowKey,
            TableKeys.AssetDetailRow,
            AssetSummaries.ScanFacts,
            ct
        );
        var merge = new TableEntity(TableKeys.SummaryPartition(summary.RowKey), summary.RowKey)
        {
            [nameof(AssetSummaryEntity.FieldsVersion)] = AssetSummaries.FieldsVersion,
        };
        if (read.HasValue && read.Value is { } detail)
        {
            (summary.ItStakeholder, summary.SerialNumber, summary.SmbiosUuid) = (
                detail.ItStakeholder,
                detail.SerialNumber,
                detail.SmbiosUuid
            );
            merge[nameof(AssetSummaryEntity.ItStakeholder)] = detail.ItStakeholder ?? "";
            merge[nameof(AssetSummaryEntity.SerialNumber)] = detail.SerialNumber ?? "";
            merge[nameof(AssetSummaryEntity.SmbiosUuid)] = detail.SmbiosUuid ?? "";
        }
        // The due row first: a crash before the version is stamped redoes both (an upsert of the same due time).
        if (OfflineScan.IsMonitored(summary) && !summary.Offline)
        {
            var lastSeen = summary.LastSeenAt ?? summary.EnrolledAt ?? now;
            await offlineIndex.ScheduleAsync(summary.RowKey, lastSeen + offlineIndex.Window(summary), ct);
        }
        try
        {
            await store.Summaries.UpdateEntityAsync(merge, ETag.All, TableUpdateMode.Merge, ct);
            summary.FieldsVersion = AssetSummaries.FieldsVersion;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Deleted meanwhile (a rejected discovery): nothing to complete.
        }
    }
}
