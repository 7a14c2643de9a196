using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
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
                    // Without sentAt: with one, those that lose the race could count as replays of the winner.
                    app.CheckinAsync(
                        SamplePayloads.Heartbeat(device.DeviceId, cpu: 10, sentAt: null).Text(),
                        device.Authorization
                    )
                )
        );

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(3, summary.UtilisationDaySamples);
        Assert.Equal(30, summary.UtilisationDayCpuSum, 3);
    }

    [Fact]
    public async Task A_replayed_heartbeat_adds_no_utilisation_and_still_costs_two_requests()
    {
        var device = await app.EnrollNewDeviceAsync();
        var heartbeat = SamplePayloads.Heartbeat(device.DeviceId, interactiveMinutes: 45).Text();
        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(200, (await app.CheckinAsync(heartbeat, device.Authorization)).Status);

        for (var i = 0; i < 20; i++)
        {
            app.Clock.Advance(TimeSpan.FromMinutes(1));
            using var scope = StorageRequestCounter.BeginScope();
            var replay = await app.CheckinAsync(heartbeat, device.Authorization);
            Assert.Equal(200, replay.Status);
            Assert.True(scope.Count == 2, string.Join("\n", scope.Requests));
        }

        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(45, summary.UtilisationDayInteractiveMinutes);
        Assert.Equal(1, summary.UtilisationDaySamples);
        Assert.Equal(app.Clock.GetUtcNow(), summary.LastSeenAt);
    }

    [Fact]
    public async Task Interactive_minutes_are_bounded_by_the_time_since_the_previous_heartbeat_and_the_day()
    {
        var device = await app.EnrollNewDeviceAsync();
        // The device's clock is a day behind the server's (allowed: only a clock ahead of it is suspicious).
        var sentAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        async Task SendAsync(int minutes)
        {
            var body = SamplePayloads.Heartbeat(
                device.DeviceId,
                interactiveMinutes: minutes,
                sentAt: sentAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
            );
            Assert.Equal(200, (await app.CheckinAsync(body.Text(), device.Authorization)).Status);
        }

        await SendAsync(30);
        sentAt = sentAt.AddMinutes(15);
        await SendAsync(10080);

        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(30 + 15, summary.UtilisationDayInteractiveMinutes);
        Assert.Equal(sentAt, summary.UtilisationLastSentAt);

        sentAt = sentAt.AddMinutes(990);
        await SendAsync(10080);
        sentAt = sentAt.AddMinutes(975);
        await SendAsync(10080);
        Assert.Equal(
            UtilisationTracker.MinutesPerDay,
            (await SummaryAsync(device.DeviceId)).UtilisationDayInteractiveMinutes
        );
    }

    [Fact]
    public async Task A_far_future_sent_at_counts_nothing_and_does_not_block_later_heartbeats()
    {
        var device = await app.EnrollNewDeviceAsync();
        var future = SamplePayloads.Heartbeat(device.DeviceId, interactiveMinutes: 60, sentAt: "2030-01-01T00:00:00Z");
        Assert.Equal(200, (await app.CheckinAsync(future.Text(), device.Authorization)).Status);

        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(0, summary.UtilisationDayInteractiveMinutes);
        Assert.Null(summary.UtilisationLastSentAt);

        app.Clock.Advance(TimeSpan.FromMinutes(30));
        var normal = SamplePayloads.Heartbeat(device.DeviceId, interactiveMinutes: 20, sentAt: "2026-11-02T09:30:00Z");
        Assert.Equal(200, (await app.CheckinAsync(normal.Text(), device.Authorization)).Status);
        Assert.Equal(20, (await SummaryAsync(device.DeviceId)).UtilisationDayInteractiveMinutes);
    }
}
