using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Monitoring;

public sealed class OfflineScanTests : IAsyncLifetime
{
    /// <summary>StartAsync (a query for dead runs and an insert), CompleteAsync (an upsert): the run history.</summary>
    private const int RunHistoryRequests = 3;

    private TestApp app = null!;

    public async Task InitializeAsync() => app = await MonitoringTestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private OfflineScan Scan => app.Services.GetRequiredService<OfflineScan>();

    private Task<OfflineScanResult> ScanAsync() => Scan.RunAsync(CancellationToken.None);

    private async Task<List<OfflineDueEntity>> IndexAsync() =>
        await app.Services.GetRequiredService<OfflineIndex>().Table.QueryAsync<OfflineDueEntity>().ToListAsync();

    [Fact]
    public async Task Enrollment_puts_the_device_in_the_due_index_at_interval_times_tolerance()
    {
        var enrolledAt = app.Clock.GetUtcNow();
        var device = await app.EnrollNewDeviceAsync();

        var row = Assert.Single(await IndexAsync());
        Assert.Equal(device.DeviceId, row.AssetId);
        Assert.Equal(enrolledAt.AddSeconds(3 * MonitoringTestApp.IntervalSeconds), row.DueAt);
        Assert.Equal(OfflineIndex.Shard(device.DeviceId), row.PartitionKey);
    }

    [Fact]
    public async Task An_asset_silent_for_interval_times_tolerance_goes_offline_once_and_its_next_heartbeat_clears_it()
    {
        var device = await app.EnrollNewDeviceAsync();

        app.Clock.Advance(TimeSpan.FromMinutes(14));
        var early = await ScanAsync();
        Assert.Equal(0, early.Due);
        Assert.Null(await app.FindingAsync(FindingKinds.Offline, device.DeviceId));

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var overdue = await ScanAsync();
        Assert.Equal((1, 1, 1), (overdue.Due, overdue.WentOffline, overdue.Findings.Opened));
        var finding = await app.FindingAsync(FindingKinds.Offline, device.DeviceId);
        Assert.NotNull(finding);
        Assert.Equal(nameof(FindingStatus.Open), finding.Status);
        Assert.Contains("No check-in since", finding.Text);
        var summary = await app.SummaryAsync(device.DeviceId);
        Assert.True(summary.Offline);
        Assert.Equal(app.Clock.GetUtcNow(), summary.OfflineSince);
        Assert.Empty(await IndexAsync()); // out of the index until it checks in: later scans do not read it

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await ScanAsync();
        Assert.Equal(0, again.Due);
        Assert.Equal(FindingReconciliation.None, again.Findings);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.HeartbeatAsync(device);
        finding = await app.FindingAsync(FindingKinds.Offline, device.DeviceId);
        Assert.Equal(nameof(FindingStatus.AutoResolved), finding!.Status);
        Assert.False((await app.SummaryAsync(device.DeviceId)).Offline);
        var row = Assert.Single(await IndexAsync());
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(15), row.DueAt);

        // Silent again: the same finding opens again (reopened, with its history), not a second one.
        app.Clock.Advance(TimeSpan.FromMinutes(16));
        var second = await ScanAsync();
        Assert.Equal((1, 1), (second.WentOffline, second.Findings.Reopened));
        Assert.Equal(
            nameof(FindingStatus.Open),
            (await app.FindingAsync(FindingKinds.Offline, device.DeviceId))!.Status
        );
    }

    [Fact]
    public async Task A_device_that_checked_in_meanwhile_is_rescheduled_from_its_last_heartbeat_not_marked_offline()
    {
        var device = await app.EnrollNewDeviceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await app.HeartbeatAsync(device);
        var heartbeatAt = app.Clock.GetUtcNow();

        app.Clock.Advance(TimeSpan.FromMinutes(6));
        var result = await ScanAsync();

        Assert.Equal((1, 1, 0), (result.Due, result.Rescheduled, result.WentOffline));
        var row = Assert.Single(await IndexAsync());
        Assert.Equal(heartbeatAt.AddMinutes(15), row.DueAt);
        Assert.Null(await app.FindingAsync(FindingKinds.Offline, device.DeviceId));

        app.Clock.Advance(TimeSpan.FromMinutes(10)); // 16 minutes after the heartbeat
        Assert.Equal(1, (await ScanAsync()).WentOffline);
    }

    [Fact]
    public async Task A_scan_with_nothing_due_costs_a_constant_few_requests_however_many_assets_there_are()
    {
        for (var i = 0; i < 6; i++)
            await app.EnrollNewDeviceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(5));

        using (var scope = StorageRequestCounter.BeginScope())
        {
            var result = await ScanAsync();
            Assert.Equal(0, result.Due);
            // One range query per shard (each returns only due rows: none) plus the run history.
            Assert.True(scope.Count == OfflineIndex.Shards + RunHistoryRequests, string.Join("\n", scope.Requests));
        }
    }

    [Fact]
    public async Task A_scan_costs_a_point_read_per_due_asset_and_one_batch_per_shard_for_those_that_checked_in()
    {
        var devices = new List<EnrolledDevice>();
        for (var i = 0; i < 3; i++)
            devices.Add(await app.EnrollNewDeviceAsync());
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await app.EnrollNewDeviceAsync(); // enrolled later: not due in this scan
        foreach (var device in devices)
            await app.HeartbeatAsync(device);

        app.Clock.Advance(TimeSpan.FromMinutes(6));
        using var scope = StorageRequestCounter.BeginScope();
        var result = await ScanAsync();

        Assert.Equal((3, 3), (result.Due, result.Rescheduled));
        var shards = devices.Select(d => OfflineIndex.Shard(d.DeviceId)).Distinct().Count();
        Assert.True(
            scope.Count == OfflineIndex.Shards + RunHistoryRequests + 3 + shards,
            string.Join("\n", scope.Requests)
        );
        Assert.Equal(4, (await IndexAsync()).Count);
    }

    [Fact]
    public async Task Retired_assets_and_revoked_devices_drop_out_of_the_index_without_a_finding()
    {
        var retired = await app.EnrollNewDeviceAsync();
        var revoked = await app.EnrollNewDeviceAsync();
        await MergeSummaryAsync(retired.DeviceId, nameof(AssetSummaryEntity.State), nameof(LifecycleState.Retired));
        await MergeSummaryAsync(revoked.DeviceId, nameof(AssetSummaryEntity.CredentialRevoked), true);

        app.Clock.Advance(TimeSpan.FromMinutes(16));
        var result = await ScanAsync();

        Assert.Equal((2, 2, 0), (result.Due, result.Dropped, result.WentOffline));
        Assert.Empty(await IndexAsync());
        Assert.Null(await app.FindingAsync(FindingKinds.Offline, retired.DeviceId));
        Assert.Null(await app.FindingAsync(FindingKinds.Offline, revoked.DeviceId));
    }

    [Fact]
    public async Task The_timer_runs_the_scan_and_records_it_in_the_run_history()
    {
        var device = await app.EnrollNewDeviceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(16));

        await app.Create<MonitoringTimers>()
            .OfflineScan(TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)), CancellationToken.None);

        Assert.NotNull(await app.FindingAsync(FindingKinds.Offline, device.DeviceId));
        var (runs, _) = await app
            .Services.GetRequiredService<ScanRunStore>()
            .ListAsync(OfflineScan.ScanName, null, 10, CancellationToken.None);
        var run = Assert.Single(runs);
        Assert.Equal(nameof(ScanRunStatus.Succeeded), run.Status);
        Assert.Equal(1, run.Opened);
        Assert.Equal(2, run.RowsRead); // the due index row and the asset's summary row
    }

    private async Task MergeSummaryAsync(string assetId, string property, object value) =>
        await app.Store.Summaries.UpdateEntityAsync(
            new TableEntity(TableKeys.SummaryPartition(assetId), assetId) { [property] = value },
            ETag.All,
            TableUpdateMode.Merge
        );

    [Fact]
    public async Task Moving_many_due_rows_batches_them_and_redoes_a_batch_that_met_a_row_moved_meanwhile()
    {
        var index = app.Services.GetRequiredService<OfflineIndex>();
        var due = app.Clock.GetUtcNow();
        // Ids starting with '0' share shard 0: 120 moves are three batches of at most 50.
        var rows = Enumerable.Range(0, 120).Select(i => OfflineIndex.Row("0" + i.ToString("x31"), due)).ToList();
        foreach (var chunk in rows.Chunk(100))
            await index.Table.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
            );
        await index.RemoveAsync(rows[60], CancellationToken.None); // another run took this one out meanwhile
        var later = due.AddMinutes(15);

        await index.MoveManyAsync(rows.Select(r => (r, later)), CancellationToken.None);

        var after = await IndexAsync();
        Assert.Equal(119, after.Count);
        Assert.All(after, r => Assert.Equal(later, r.DueAt));
        Assert.DoesNotContain(after, r => r.AssetId == rows[60].AssetId);
    }
}
