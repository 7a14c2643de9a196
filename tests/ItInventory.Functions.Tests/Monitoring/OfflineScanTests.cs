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

    private OfflineIndex Index => app.Services.GetRequiredService<OfflineIndex>();

    /// <summary>The index as (asset, due, row) entries: single rows and buckets alike.</summary>
    private async Task<List<(string AssetId, DateTimeOffset DueAt, OfflineDueEntity Row)>> IndexAsync() =>
        [
            .. (await Index.Table.QueryAsync<OfflineDueEntity>().ToListAsync()).SelectMany(r =>
                r.Assets().Select(a => (a, r.DueAt, r))
            ),
        ];

    [Fact]
    public async Task Enrollment_puts_the_device_in_the_due_index_at_interval_times_tolerance()
    {
        var enrolledAt = app.Clock.GetUtcNow();
        var device = await app.EnrollNewDeviceAsync();

        var row = Assert.Single(await IndexAsync());
        Assert.Equal(device.DeviceId, row.AssetId);
        Assert.Equal(enrolledAt.AddSeconds(3 * MonitoringTestApp.IntervalSeconds), row.DueAt);
        Assert.Equal(OfflineIndex.Shard(device.DeviceId), row.Row.PartitionKey);
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
        Assert.Equal(OfflineIndex.Slot(heartbeatAt.AddMinutes(15)), row.DueAt); // in the bucket of its minute
        Assert.NotNull(row.Row.AssetIds);
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
    public async Task Rescheduling_many_assets_writes_few_buckets_and_never_loses_nor_doubles_an_asset()
    {
        var due = app.Clock.GetUtcNow();
        // 300 single rows in shard 0 (ids starting with '0'), as enrollment writes them; all due now.
        var singles = Enumerable.Range(0, 300).Select(i => OfflineIndex.Row("0" + i.ToString("x31"), due)).ToList();
        foreach (var chunk in singles.Chunk(100))
            await Index.Table.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Add, r))
            );
        var read = await Index.Table.QueryAsync<OfflineDueEntity>().ToListAsync();
        // Another run consumed one row meanwhile (and rescheduled its asset itself).
        await Index.Table.DeleteEntityAsync(read[150].PartitionKey, read[150].RowKey, ETag.All);
        // Alive: due again within the next five minutes (five distinct minutes); one asset went offline.
        var reschedule = read.Select((r, i) => (r.AssetId, i))
            .Where(x => x.i != 7)
            .ToDictionary(x => x.AssetId, x => due.AddMinutes(10 + x.i % 5).AddSeconds(1));

        using var scope = StorageRequestCounter.BeginScope();
        await Index.CommitAsync(read, reschedule, "run-1", CancellationToken.None);

        var after = await IndexAsync();
        Assert.Equal(298, after.Count); // less the offline one and the one the other run took
        Assert.Equal(after.Count, after.Select(e => e.AssetId).Distinct().Count());
        Assert.DoesNotContain(after, e => e.AssetId == read[7].AssetId || e.AssetId == read[150].AssetId);
        Assert.All(after, e => Assert.Equal(OfflineIndex.Slot(reschedule[e.AssetId]), e.DueAt));
        Assert.All(after, e => Assert.NotNull(e.Row.AssetIds));
        // 300 deletes and at most 5 buckets per transaction: four transactions, one of which failed on the row taken
        // meanwhile and was redone row by row.
        Assert.InRange(scope.Count, 4, 4 + 100);
    }

    [Fact]
    public async Task A_bucket_of_due_assets_is_checked_asset_by_asset_and_only_the_live_ones_stay()
    {
        var alive = await app.EnrollNewDeviceAsync();
        var silent = await app.EnrollNewDeviceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await app.HeartbeatAsync(alive);
        app.Clock.Advance(TimeSpan.FromMinutes(6)); // t16: both singles due
        Assert.Equal((2, 1, 1), await CountsAsync()); // alive → a bucket (t25), silent offline and out
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.HeartbeatAsync(silent); // t17: back, a single row again (t32)
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal((0, 0, 0), await CountsAsync()); // t20: nothing due
        app.Clock.Advance(TimeSpan.FromMinutes(4));
        await app.HeartbeatAsync(alive); // t24
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((1, 1, 0), await CountsAsync()); // t26: the bucket is due; alive moves to t39
        app.Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal((1, 0, 1), await CountsAsync()); // t33: silent again
        app.Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal((1, 0, 1), await CountsAsync()); // t40: alive silent since t24
        Assert.Empty(await IndexAsync());

        async Task<(int, int, int)> CountsAsync()
        {
            var result = await ScanAsync();
            return (result.Due, result.Rescheduled, result.WentOffline);
        }
    }
}
