using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;

namespace ItInventory.Functions.Tests.CheckIns;

public sealed class CheckinFlowTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(string DeviceId, string Authorization)> EnrollAsync(string serial = "PF3ABC12")
    {
        var answer = await app.EnrollAsync(
            SamplePayloads.Enrollment(serial, secret: TestApp.EnrollmentSecret, macs: ["3C:52:82:11:22:33"])
        );
        Assert.Equal(201, answer.Status);
        return (
            answer.Json.GetProperty("deviceId").GetString()!,
            answer.Json.GetProperty("authorization").GetString()!
        );
    }

    [Fact]
    public async Task Enrolled_device_sends_heartbeat_and_full_inventory_which_the_processor_applies()
    {
        var (deviceId, authorization) = await EnrollAsync();

        var heartbeat = await app.CheckinAsync(SamplePayloads.Heartbeat(deviceId).Text(), authorization);
        Assert.Equal(200, heartbeat.Status);
        Assert.True(heartbeat.Json.GetProperty("fullInventoryRequested").GetBoolean());

        var inventory = await app.CheckinAsync(
            SamplePayloads.Inventory(deviceId, "PF3ABC12").Text(),
            authorization,
            gzip: true
        );
        Assert.Equal(202, inventory.Status);
        var hash = inventory.Json.GetProperty("inventoryHash").GetString();

        Assert.True(await app.ProcessNextCheckinAsync());

        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
        ).Value;
        Assert.Equal(hash, summary.InventoryHash);
        Assert.Equal(800, summary.SoftwareCount);
        var software = app.Store.Assets.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {deviceId} and RowKey ge {TableKeys.SoftwareRowPrefix}")
                + " and "
                + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AssetRangeEnd}")
        );
        Assert.Equal(800, await software.CountAsync());

        var again = await app.CheckinAsync(SamplePayloads.Heartbeat(deviceId, hash).Text(), authorization);
        Assert.False(again.Json.GetProperty("fullInventoryRequested").GetBoolean());
    }
}
