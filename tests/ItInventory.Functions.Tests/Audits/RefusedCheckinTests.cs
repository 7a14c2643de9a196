using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>A revoked device that keeps calling home leaves one cheap trace a day (for the retired-checking-in
/// audit); a wrong secret leaves none.</summary>
public sealed class RefusedCheckinTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<AssetSummaryEntity> SummaryAsync(string deviceId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
        ).Value;

    [Fact]
    public async Task A_revoked_device_stamps_the_day_of_its_refused_check_in_at_most_once_a_day()
    {
        var device = await app.EnrollNewDeviceAsync();
        await app
            .Services.GetRequiredService<DeviceCredentialService>()
            .RevokeAsync(device.DeviceId, false, AuditActor.System("test"), null, CancellationToken.None);
        var heartbeat = SamplePayloads.Heartbeat(device.DeviceId).Text();

        using (var first = StorageRequestCounter.BeginScope())
        {
            Assert.Equal(401, (await app.CheckinAsync(heartbeat, device.Authorization)).Status);
            Assert.True(first.Count == 2, string.Join("\n", first.Requests));
        }
        Assert.Equal("2026-11-02", (await SummaryAsync(device.DeviceId)).RefusedCheckinOn);

        // The same day again: one read, no write, whatever the rate.
        using (var again = StorageRequestCounter.BeginScope())
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(401, (await app.CheckinAsync(heartbeat, device.Authorization)).Status);
            }
            Assert.True(again.Count == 5, string.Join("\n", again.Requests));
        }

        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(401, (await app.CheckinAsync(heartbeat, device.Authorization)).Status);
        Assert.Equal("2026-11-03", (await SummaryAsync(device.DeviceId)).RefusedCheckinOn);
    }

    [Fact]
    public async Task A_wrong_secret_writes_nothing()
    {
        var device = await app.EnrollNewDeviceAsync();
        var wrong = $"Device {device.DeviceId}.{new string('A', 43)}";

        using var scope = StorageRequestCounter.BeginScope();
        Assert.Equal(401, (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), wrong)).Status);

        Assert.True(scope.Count == 1, string.Join("\n", scope.Requests));
        Assert.Null((await SummaryAsync(device.DeviceId)).RefusedCheckinOn);
    }
}
