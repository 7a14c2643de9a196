using ItInventory.Functions.Audit;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Devices;

/// <summary><c>POST /api/devices/{deviceId}/inventory-request</c> beyond its authorisation: what the device
/// sees.</summary>
public sealed class FullInventoryRequestTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpAnswer> RequestFullInventoryAsync(string deviceId)
    {
        var request = app.Request(
            "POST",
            $"/api/devices/{deviceId}/inventory-request",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<DeviceAdminFunctions>().RequestFullInventory(request, deviceId, CancellationToken.None)
        );
    }

    private Task<HttpAnswer> HeartbeatAsync(EnrolledDevice device, string? hash) =>
        app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId, hash).Text(), device.Authorization);

    private Task<HttpAnswer> InventoryAsync(EnrolledDevice device) =>
        app.CheckinAsync(
            SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]).Text(),
            device.Authorization
        );

    private static bool Requested(HttpAnswer answer) => answer.Json.GetProperty("fullInventoryRequested").GetBoolean();

    [Fact]
    public async Task The_next_heartbeat_asks_for_a_full_inventory_and_the_processed_inventory_clears_the_request()
    {
        var device = await app.EnrollNewDeviceAsync();
        var first = await InventoryAsync(device);
        var hash = first.Json.GetProperty("inventoryHash").GetString();
        Assert.True(await app.ProcessNextCheckinAsync());
        Assert.False(Requested(await HeartbeatAsync(device, hash)));

        Assert.Equal(202, (await RequestFullInventoryAsync(device.DeviceId)).Status);

        var heartbeat = await HeartbeatAsync(device, hash);
        Assert.Equal(200, heartbeat.Status);
        Assert.True(Requested(heartbeat));
        Assert.Equal(hash, heartbeat.Json.GetProperty("inventoryHash").GetString());

        // The machine has not changed, but the requested inventory is not stopped at the door: it is processed.
        var resent = await InventoryAsync(device);
        Assert.Equal(202, resent.Status);
        Assert.Equal("queued", resent.Json.GetProperty("status").GetString());
        Assert.False(Requested(resent));
        Assert.True(await app.ProcessNextCheckinAsync());

        Assert.False(Requested(await HeartbeatAsync(device, hash)));
        var unchanged = await InventoryAsync(device);
        Assert.Equal("unchanged", unchanged.Json.GetProperty("status").GetString());
        Assert.False(await app.ProcessNextCheckinAsync());
    }

    [Fact]
    public async Task The_request_is_audited_with_the_administrator_who_made_it()
    {
        var device = await app.EnrollNewDeviceAsync();

        Assert.Equal(202, (await RequestFullInventoryAsync(device.DeviceId)).Status);

        var records = await app
            .Services.GetRequiredService<AuditTrail>()
            .QueryAsync("device", device.DeviceId, null, null, null, 100, CancellationToken.None);
        var record = Assert.Single(records, r => r.Action == "request-full-inventory");
        Assert.Equal(TestTokens.Admin.ObjectId, record.Actor.Id);
    }

    [Theory]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("not-a-device")]
    public async Task An_unknown_device_is_404_and_nothing_is_written(string deviceId)
    {
        await app.EnrollNewDeviceAsync();
        var snapshot = await app.SnapshotAsync();

        var answer = await RequestFullInventoryAsync(deviceId);

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        await app.AssertUnchangedSinceAsync(snapshot);
    }
}
