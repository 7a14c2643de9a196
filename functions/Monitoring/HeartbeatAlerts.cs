using System.Globalization;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Findings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Monitoring;

/// <summary>
/// What one heartbeat changes in monitoring state. The flags and the memory streak ride on the heartbeat's own merge
/// of the summary row (no request of their own); <see cref="HasTransition"/> says whether a finding must be raised or
/// resolved, which costs requests on that heartbeat only.
/// </summary>
public sealed record HeartbeatAssessment(
    bool CameBackOnline,
    bool? DiskExceeded,
    double? DiskUsedPercent,
    int? MemoryStreak,
    bool? MemoryExceeded,
    double? MemoryUsedPercent
)
{
    /// <summary>A flag flips (null values are the unchanged ones).</summary>
    public bool HasTransition => CameBackOnline || DiskExceeded is not null || MemoryExceeded is not null;
}

/// <summary>
/// Offline clearing and threshold alerts at heartbeat time. <see cref="Assess"/> is pure; <see cref="AddTo"/> puts
/// the changed properties into the heartbeat's merge; <see cref="ApplyAsync"/> raises or resolves the findings of a
/// transition and is called before that merge, so a crash in between leaves the flag unflipped and the next
/// heartbeat repeats the (idempotent) finding change.
/// </summary>
public sealed class HeartbeatAlerts(
    FindingService findings,
    OfflineIndex index,
    IOptions<MonitoringOptions> options,
    ILogger<HeartbeatAlerts> logger
)
{
    /// <summary>The run id findings raised or resolved by heartbeats carry.</summary>
    public const string RunId = "heartbeat";

    public HeartbeatAssessment Assess(AssetSummaryEntity summary, HeartbeatData heartbeat)
    {
        var settings = options.Value;
        bool? disk = null;
        if (
            heartbeat.DiskUsedPercent is { } used
            && (used > settings.DiskThresholdPercent) != summary.DiskThresholdExceeded
        )
        {
            disk = !summary.DiskThresholdExceeded;
        }

        int? streak = null;
        bool? memory = null;
        if (heartbeat.MemoryUsedPercent is { } percent)
        {
            var high = percent >= settings.MemoryThresholdPercent;
            // Capped at the sustained count: a long high spell stops changing the row.
            var next = high ? Math.Min(summary.MemoryHighStreak + 1, settings.MemorySustainedHeartbeats) : 0;
            if (next != summary.MemoryHighStreak)
                streak = next;
            var exceeded = high ? summary.MemoryThresholdExceeded || next >= settings.MemorySustainedHeartbeats : false;
            if (exceeded != summary.MemoryThresholdExceeded)
                memory = exceeded;
        }
        return new HeartbeatAssessment(
            summary.Offline,
            disk,
            heartbeat.DiskUsedPercent,
            streak,
            memory,
            heartbeat.MemoryUsedPercent
        );
    }

    /// <summary>The changed monitoring properties join the heartbeat's merge (a normal heartbeat adds none or only
    /// the streak: still one request).</summary>
    public static void AddTo(TableEntity merge, HeartbeatAssessment assessment)
    {
        if (assessment.CameBackOnline)
            merge[nameof(AssetSummaryEntity.Offline)] = false;
        if (assessment.DiskExceeded is { } disk)
            merge[nameof(AssetSummaryEntity.DiskThresholdExceeded)] = disk;
        if (assessment.MemoryStreak is { } streak)
            merge[nameof(AssetSummaryEntity.MemoryHighStreak)] = streak;
        if (assessment.MemoryExceeded is { } memory)
            merge[nameof(AssetSummaryEntity.MemoryThresholdExceeded)] = memory;
    }

    /// <summary>Raises or resolves the findings of the transitions (idempotent; nothing without a transition). An
    /// asset back online is put back into the due index, which the offline scan took it out of.</summary>
    public async Task ApplyAsync(
        AssetSummaryEntity summary,
        HeartbeatAssessment assessment,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        if (!assessment.HasTransition)
            return;
        var assetId = summary.RowKey;
        if (assessment.CameBackOnline)
        {
            await ResolveAsync(FindingKinds.Offline, assetId, cancellationToken);
            await index.ScheduleAsync(assetId, now + index.Window(summary), cancellationToken);
            logger.LogInformation(
                "Asset {AssetId} is back online (offline since {OfflineSince})",
                assetId,
                summary.OfflineSince
            );
        }
        var settings = options.Value;
        if (assessment.DiskExceeded == true)
        {
            await findings.RaiseAsync(
                new FindingCondition(
                    FindingKinds.DiskSpaceHigh,
                    FindingSubjects.Asset,
                    assetId,
                    FindingSeverity.Medium,
                    NullIfEmpty(summary.Department),
                    $"Disk {Percent(assessment.DiskUsedPercent)} full (threshold "
                        + $"{Percent(settings.DiskThresholdPercent)})",
                    Facts(
                        ("diskUsedPercent", assessment.DiskUsedPercent),
                        ("thresholdPercent", settings.DiskThresholdPercent)
                    )
                ),
                RunId,
                cancellationToken
            );
        }
        else if (assessment.DiskExceeded == false)
        {
            await ResolveAsync(FindingKinds.DiskSpaceHigh, assetId, cancellationToken);
        }
        if (assessment.MemoryExceeded == true)
        {
            await findings.RaiseAsync(
                new FindingCondition(
                    FindingKinds.MemorySustainedHigh,
                    FindingSubjects.Asset,
                    assetId,
                    FindingSeverity.Low,
                    NullIfEmpty(summary.Department),
                    $"Memory at {Percent(assessment.MemoryUsedPercent)} or more for "
                        + $"{settings.MemorySustainedHeartbeats} heartbeats in a row "
                        + $"(threshold {Percent(settings.MemoryThresholdPercent)})",
                    Facts(
                        ("memoryUsedPercent", assessment.MemoryUsedPercent),
                        ("thresholdPercent", settings.MemoryThresholdPercent),
                        ("heartbeats", settings.MemorySustainedHeartbeats)
                    )
                ),
                RunId,
                cancellationToken
            );
        }
        else if (assessment.MemoryExceeded == false)
        {
            await ResolveAsync(FindingKinds.MemorySustainedHigh, assetId, cancellationToken);
        }
    }

    /// <summary>Auto-resolves one asset's finding of one kind (absent condition, scoped to the asset).</summary>
    private Task<FindingReconciliation> ResolveAsync(
        string kind,
        string assetId,
        CancellationToken cancellationToken
    ) => findings.ReconcileAsync([kind], [], RunId, cancellationToken, [assetId]);

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Percent(double? value) =>
        value is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + " %" : "?";

    internal static Dictionary<string, string> Facts(params (string Name, object? Value)[] facts) =>
        facts
            .Where(f => f.Value is not null)
            .ToDictionary(f => f.Name, f => Convert.ToString(f.Value, CultureInfo.InvariantCulture)!);
}
