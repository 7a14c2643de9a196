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

    [Fact]
    public void A_heartbeat_sent_at_or_before_the_last_counted_one_adds_nothing()
    {
        var row = new AssetSummaryEntity { UtilisationLastSentAt = Monday };
        var sample = new HeartbeatData { CpuAveragePercent = 50, InteractiveMinutes = 60 };

        var same = UtilisationTracker.Apply(row, sample, Monday.AddMinutes(5), 5, sentAt: Monday);
        var older = UtilisationTracker.Apply(row, sample, Monday.AddMinutes(5), 5, sentAt: Monday.AddMinutes(-1));

        Assert.False(same.Counted);
        Assert.False(older.Counted);
        Assert.Equal(0, same.Samples);
        Assert.Equal(0, older.InteractiveMinutes);
        Assert.Null(same.LastSentAt);
    }

    [Fact]
    public void A_heartbeat_from_the_future_adds_nothing()
    {
        var sample = new HeartbeatData { CpuAveragePercent = 50, InteractiveMinutes = 60 };

        var usage = UtilisationTracker.Apply(new AssetSummaryEntity(), sample, Monday, 5, sentAt: Monday.AddMinutes(6));

        Assert.False(usage.Counted);
        Assert.Equal(0, usage.InteractiveMinutes);
        Assert.True(
            UtilisationTracker.Apply(new AssetSummaryEntity(), sample, Monday, 5, Monday.AddMinutes(5)).Counted
        );
    }

    [Theory]
    [InlineData(15, 60, 15)]
    [InlineData(90, 60, 60)]
    [InlineData(1, 60, 1)]
    public void Interactive_minutes_are_at_most_the_minutes_since_the_last_counted_heartbeat(
        int elapsedMinutes,
        int reported,
        int counted
    )
    {
        var row = new AssetSummaryEntity { UtilisationLastSentAt = Monday.AddMinutes(-elapsedMinutes) };

        var usage = UtilisationTracker.Apply(
            row,
            new HeartbeatData { InteractiveMinutes = reported },
            Monday,
            5,
            sentAt: Monday
        );

        Assert.Equal(counted, usage.InteractiveMinutes);
        Assert.Equal(Monday, usage.LastSentAt);
    }

    [Fact]
    public void Without_sent_at_the_server_receive_times_bound_the_minutes()
    {
        var row = new AssetSummaryEntity { LastHeartbeatAt = Monday.AddSeconds(-20) };

        var usage = UtilisationTracker.Apply(row, new HeartbeatData { InteractiveMinutes = 30 }, Monday, 5);

        Assert.Equal(0, usage.InteractiveMinutes);
    }

    [Fact]
    public void A_day_holds_at_most_1440_interactive_minutes()
    {
        var row = new AssetSummaryEntity
        {
            UtilisationDay = "2026-11-02",
            UtilisationDayInteractiveMinutes = 1400,
            UtilisationLastSentAt = Monday.AddHours(-5),
        };

        var usage = UtilisationTracker.Apply(row, new HeartbeatData { InteractiveMinutes = 300 }, Monday, 5, Monday);

        Assert.Equal(UtilisationTracker.MinutesPerDay, usage.InteractiveMinutes);
    }
}
