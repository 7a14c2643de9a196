using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Functions.Tests.CheckIns;

public sealed class UtilisationTrackerTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 10, 0, 0, TimeSpan.Zero);

    private static AssetSummaryEntity Fold(AssetSummaryEntity row, DateTimeOffset at, double cpu, int minutes)
    {
        var u = UtilisationTracker.Apply(
            row,
            new HeartbeatData { CpuAveragePercent = cpu, InteractiveMinutes = minutes },
            at,
            idleCpuThresholdPercent: 5
        );
        row.UtilisationDay = u.Day;
        row.UtilisationDaySamples = u.Samples;
        row.UtilisationDayCpuSum = u.CpuSum;
        row.UtilisationDayInteractiveMinutes = u.InteractiveMinutes;
        row.BelowThresholdSince = u.BelowThresholdSince;
        return row;
    }

    [Fact]
    public void Samples_of_one_day_accumulate()
    {
        var row = Fold(Fold(new AssetSummaryEntity(), Monday, 10, 5), Monday.AddHours(4), 20, 7);

        Assert.Equal("2026-11-02", row.UtilisationDay);
        Assert.Equal(2, row.UtilisationDaySamples);
        Assert.Equal(30, row.UtilisationDayCpuSum);
        Assert.Equal(12, row.UtilisationDayInteractiveMinutes);
        Assert.Equal("", row.BelowThresholdSince);
    }

    [Fact]
    public void An_unused_day_starts_the_idle_run_and_later_unused_days_keep_its_start()
    {
        var row = Fold(new AssetSummaryEntity(), Monday, 1, 0);
        row = Fold(row, Monday.AddDays(1), 2, 0);
        Assert.Equal("2026-11-02", row.BelowThresholdSince);

        row = Fold(row, Monday.AddDays(2), 1, 0);
        Assert.Equal("2026-11-02", row.BelowThresholdSince);
    }

    [Fact]
    public void Interactive_use_clears_the_idle_run_at_once()
    {
        var row = Fold(Fold(new AssetSummaryEntity(), Monday, 1, 0), Monday.AddDays(1), 1, 0);
        Assert.NotEqual("", row.BelowThresholdSince);

        row = Fold(row, Monday.AddDays(1).AddHours(2), 1, 15);

        Assert.Equal("", row.BelowThresholdSince);
    }

    [Fact]
    public void A_busy_day_ends_the_idle_run_when_it_closes()
    {
        var row = Fold(Fold(new AssetSummaryEntity(), Monday, 1, 0), Monday.AddDays(1), 80, 0);
        Assert.Equal("2026-11-02", row.BelowThresholdSince);

        row = Fold(row, Monday.AddDays(2), 1, 0);

        Assert.Equal("", row.BelowThresholdSince);
    }
}
