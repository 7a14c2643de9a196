using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Monitoring;

public sealed class ThresholdAlertTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() =>
        app = await MonitoringTestApp.StartAsync(s =>
        {
            s["Monitoring:DiskThresholdPercent"] = "90";
            s["Monitoring:MemoryThresholdPercent"] = "95";
            s["Monitoring:MemorySustainedHeartbeats"] = "3";
        });

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_disk_above_the_threshold_opens_a_finding_and_a_disk_back_below_resolves_it()
    {
        var device = await app.EnrollNewDeviceAsync();
        await app.HeartbeatAsync(device, disk: 90.0);
        Assert.Null(await app.FindingAsync(FindingKinds.DiskSpaceHigh, device.DeviceId));

        await app.HeartbeatAsync(device, disk: 93.5);
        var finding = await app.FindingAsync(FindingKinds.DiskSpaceHigh, device.DeviceId);
        Assert.Equal(nameof(FindingStatus.Open), finding!.Status);
        Assert.Contains("93.5 %", finding.Text);
        Assert.True((await app.SummaryAsync(device.DeviceId)).DiskThresholdExceeded);

        await app.HeartbeatAsync(device, disk: 71.0);
        finding = await app.FindingAsync(FindingKinds.DiskSpaceHigh, device.DeviceId);
        Assert.Equal(nameof(FindingStatus.AutoResolved), finding!.Status);
        Assert.False((await app.SummaryAsync(device.DeviceId)).DiskThresholdExceeded);
    }

    [Fact]
    public async Task Memory_opens_a_finding_only_after_the_sustained_count_and_resolves_when_it_drops()
    {
        var device = await app.EnrollNewDeviceAsync();
        await app.HeartbeatAsync(device, memory: 97);
        await app.HeartbeatAsync(device, memory: 98);
        await app.HeartbeatAsync(device, memory: 60); // a dip restarts the count
        await app.HeartbeatAsync(device, memory: 96);
        await app.HeartbeatAsync(device, memory: 95);
        Assert.Null(await app.FindingAsync(FindingKinds.MemorySustainedHigh, device.DeviceId));
        Assert.Equal(2, (await app.SummaryAsync(device.DeviceId)).MemoryHighStreak);

        await app.HeartbeatAsync(device, memory: 99);
        var finding = await app.FindingAsync(FindingKinds.MemorySustainedHigh, device.DeviceId);
        Assert.Equal(nameof(FindingStatus.Open), finding!.Status);

        await app.HeartbeatAsync(device, memory: 70);
        finding = await app.FindingAsync(FindingKinds.MemorySustainedHigh, device.DeviceId);
        Assert.Equal(nameof(FindingStatus.AutoResolved), finding!.Status);
        Assert.Equal(0, (await app.SummaryAsync(device.DeviceId)).MemoryHighStreak);
    }

    [Fact]
    public async Task Heartbeats_without_a_crossing_stay_at_two_storage_requests_even_while_memory_counts_up()
    {
        var device = await app.EnrollNewDeviceAsync();
        await app.HeartbeatAsync(device, disk: 95); // the crossing (extra requests on this heartbeat only)

        foreach (var (disk, memory) in new[] { (96.0, 97.0), (97.0, 98.0), (50.0 + 45, 40.0) })
        {
            using var scope = StorageRequestCounter.BeginScope();
            await app.HeartbeatAsync(device, disk, memory);
            Assert.True(scope.Count == 2, string.Join("\n", scope.Requests));
        }
    }
}
