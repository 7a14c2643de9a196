using ItInventory.Functions.Assets;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.CheckIns;

public sealed class HeartbeatTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(s => s["CheckIns:HeartbeatIntervalSeconds"] = "3600");

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<AssetSummaryEntity> SummaryAsync(string deviceId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
        ).Value;

    [Fact]
    public async Task Heartbeat_costs_two_storage_requests_a_read_and_one_merge()
    {
        var device = await app.EnrollNewDeviceAsync();
        var request = app.JsonRequest(
            "/api/checkins",
            SamplePayloads.Heartbeat(device.DeviceId).Text(),
            device.Authorization
        );

        using var scope = StorageRequestCounter.BeginScope();
        var answer = await app.CheckinAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.True(scope.Count == 2, string.Join("\n", scope.Requests));
        Assert.StartsWith("GET ", scope.Requests[0]);
    }

    [Fact]
    public async Task Heartbeat_records_last_seen_and_utilisation_and_answers_with_the_interval()
    {
        var device = await app.EnrollNewDeviceAsync();
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        var answer = await app.CheckinAsync(
            SamplePayloads.Heartbeat(device.DeviceId, cpu: 37.5).Text(),
            device.Authorization
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal("application/json; charset=utf-8", answer.ContentType);
        Assert.Equal(3600, answer.Json.GetProperty("nextCheckinSeconds").GetInt32());
        Assert.Equal("accepted", answer.Json.GetProperty("status").GetString());
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(app.Clock.GetUtcNow(), summary.LastSeenAt);
        Assert.Equal(app.Clock.GetUtcNow(), summary.LastHeartbeatAt);
        Assert.Equal(37.5, summary.CpuAveragePercent);
        Assert.Equal(61.2, summary.MemoryUsedPercent);
        Assert.Equal("192.168.1.23,fe80::1", summary.IpAddresses);
        Assert.Equal("1.0.0", summary.AgentVersion);
        Assert.Equal("2026-11-02", summary.UtilisationDay);
        Assert.Equal(1, summary.UtilisationDaySamples);
        Assert.Equal(30, summary.UtilisationDayInteractiveMinutes);
    }

    [Fact]
    public async Task Server_asks_for_a_full_inventory_when_the_hash_is_unknown_or_an_admin_requests_one()
    {
        var device = await app.EnrollNewDeviceAsync();
        var first = await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization);
        Assert.True(first.Json.GetProperty("fullInventoryRequested").GetBoolean());

        var inventory = await app.CheckinAsync(
            SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]).Text(),
            device.Authorization
        );
        var hash = inventory.Json.GetProperty("inventoryHash").GetString();
        Assert.True(await app.ProcessNextCheckinAsync());

        var current = await app.CheckinAsync(
            SamplePayloads.Heartbeat(device.DeviceId, hash).Text(),
            device.Authorization
        );
        Assert.False(current.Json.GetProperty("fullInventoryRequested").GetBoolean());
        var mismatched = await app.CheckinAsync(
            SamplePayloads.Heartbeat(device.DeviceId, new string('0', 64)).Text(),
            device.Authorization
        );
        Assert.True(mismatched.Json.GetProperty("fullInventoryRequested").GetBoolean());

        await app
            .Services.GetRequiredService<DeviceCredentialService>()
            .RequestFullInventoryAsync(
                device.DeviceId,
                ItInventory.Functions.Audit.AuditActor.System("test"),
                null,
                CancellationToken.None
            );
        var requested = await app.CheckinAsync(
            SamplePayloads.Heartbeat(device.DeviceId, hash).Text(),
            device.Authorization
        );
        Assert.True(requested.Json.GetProperty("fullInventoryRequested").GetBoolean());
    }

    [Fact]
    public async Task Concurrent_heartbeats_of_one_device_all_land_without_losing_a_sample()
    {
        var device = await app.EnrollNewDeviceAsync();

        var answers = await Task.WhenAll(
            Enumerable
                .Range(0, 3)
                .Select(_ =>
                    app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId, cpu: 10).Text(), device.Authorization)
                )
        );

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(3, summary.UtilisationDaySamples);
        Assert.Equal(30, summary.UtilisationDayCpuSum, 3);
    }
}
