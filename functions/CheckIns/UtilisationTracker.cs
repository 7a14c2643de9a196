using System.Globalization;
using ItInventory.Functions.Assets;

namespace ItInventory.Functions.CheckIns;

/// <summary>A day's utilisation aggregate after one more heartbeat.</summary>
public sealed record UtilisationAggregate(
    string Day,
    int Samples,
    double CpuSum,
    int InteractiveMinutes,
    string BelowThresholdSince
);

/// <summary>
/// Keeps idle detection O(assets): each heartbeat folds into today's aggregate on the summary row; when a day
/// closes below the CPU threshold with no interactive use, <c>BelowThresholdSince</c> starts (or continues);
/// interactive use clears it at once. Pure: the caller supplies the row, the sample and the time.
/// </summary>
public static class UtilisationTracker
{
    public static UtilisationAggregate Apply(
        AssetSummaryEntity current,
        HeartbeatData sample,
        DateTimeOffset now,
        double idleCpuThresholdPercent
    )
    {
        var today = now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var belowSince = current.BelowThresholdSince ?? "";
        int samples = current.UtilisationDaySamples,
            minutes = current.UtilisationDayInteractiveMinutes;
        var cpuSum = current.UtilisationDayCpuSum;

        if (current.UtilisationDay != today)
        {
            if (current.UtilisationDay is { } closedDay && samples > 0)
            {
                var unused = cpuSum / samples < idleCpuThresholdPercent && minutes == 0;
                belowSince =
                    !unused ? ""
                    : belowSince.Length > 0 ? belowSince
                    : closedDay;
            }
            samples = 0;
            minutes = 0;
            cpuSum = 0;
        }

        if (sample.CpuAveragePercent is { } cpu)
        {
            samples++;
            cpuSum += cpu;
        }
        minutes += sample.InteractiveMinutes ?? 0;
        if (sample.InteractiveMinutes > 0)
        {
            belowSince = "";
        }
        return new UtilisationAggregate(today, samples, cpuSum, minutes, belowSince);
    }
}
