using System.Globalization;
using ItInventory.Functions.Assets;

namespace ItInventory.Functions.CheckIns;

/// <summary>A day's utilisation aggregate after one more heartbeat. <see cref="LastSentAt"/> is the device-clock
/// time of the last counted heartbeat (null: leave the stored value); <see cref="Counted"/> is false for a
/// replayed or far-future heartbeat, which adds nothing.</summary>
public sealed record UtilisationAggregate(
    string Day,
    int Samples,
    double CpuSum,
    int InteractiveMinutes,
    string BelowThresholdSince,
    DateTimeOffset? LastSentAt = null,
    bool Counted = true
);

/// <summary>
/// Keeps idle detection O(assets): each heartbeat folds into today's aggregate on the summary row; when a day
/// closes below the CPU threshold with no interactive use, <c>BelowThresholdSince</c> starts (or continues);
/// interactive use clears it at once. Pure: the caller supplies the row, the sample and the time.
/// Bounded: a day holds at most 1,440 interactive minutes; one heartbeat adds at most the minutes since the
/// previous counted one (by the device's <c>sentAt</c> when both have one, else by the server's receive times); a
/// heartbeat whose <c>sentAt</c> is not after the last counted one (a replay) or lies in the future adds nothing.
/// What this needs rides on the summary row the heartbeat already reads and merges: no extra storage request.
/// </summary>
public static class UtilisationTracker
{
    public const int MinutesPerDay = 24 * 60;

    /// <summary>How far ahead of the server's clock a device's clock may be before its heartbeat is not
    /// counted.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public static UtilisationAggregate Apply(
        AssetSummaryEntity current,
        HeartbeatData sample,
        DateTimeOffset now,
        double idleCpuThresholdPercent,
        DateTimeOffset? sentAt = null
    )
    {
        var lastSent = current.UtilisationLastSentAt;
        if ((sentAt is { } replayed && lastSent is { } last && replayed <= last) || sentAt > now + MaxClockSkew)
        {
            return new UtilisationAggregate(
                current.UtilisationDay ?? now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                current.UtilisationDaySamples,
                current.UtilisationDayCpuSum,
                current.UtilisationDayInteractiveMinutes,
                current.BelowThresholdSince ?? "",
                Counted: false
            );
        }

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
        var interactive = Math.Min(sample.InteractiveMinutes ?? 0, MinutesSincePrevious(current, now, sentAt));
        minutes = Math.Min(MinutesPerDay, minutes + interactive);
        if (interactive > 0)
        {
            belowSince = "";
        }
        return new UtilisationAggregate(today, samples, cpuSum, minutes, belowSince, sentAt);
    }

    private static int MinutesSincePrevious(AssetSummaryEntity current, DateTimeOffset now, DateTimeOffset? sentAt)
    {
        TimeSpan? elapsed =
            sentAt is { } sent && current.UtilisationLastSentAt is { } last ? sent - last
            : current.LastHeartbeatAt is { } previous ? now - previous
            : null;
        return elapsed is { } e
            ? (int)Math.Clamp(Math.Round(e.TotalMinutes, MidpointRounding.AwayFromZero), 0, MinutesPerDay)
            : MinutesPerDay;
    }
}
