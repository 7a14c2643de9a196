using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>
/// Completeness, through the real intake and processor on Azurite: a section that is absent, or that the agent
/// reports as failed, is "not reported" and its stored values stay; an empty section is a real "none". Warnings
/// reach the answer and what is stored is the cleaned inventory.
/// </summary>
public sealed class CompletenessTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private InventoryProcessor Processor => app.Services.GetRequiredService<InventoryProcessor>();

    private JsonObject Inventory(EnrolledDevice device, int softwareCount = 40) =>
        SamplePayloads.Inventory(
            device.DeviceId,
            device.Serial,
            macs: [device.Mac],
            softwareCount: softwareCount,
            neighbours: [("00:1b:a9:4c:7e:02", "192.168.1.40")]
        );

    /// <summary>Sends an inventory and processes it; answers the check-in's answer.</summary>
    private async Task<HttpAnswer> ApplyAsync(EnrolledDevice device, JsonObject body)
    {
        app.Clock.Advance(TimeSpan.FromHours(1));
        var answer = await app.CheckinAsync(body.Text(), device.Authorization);
        Assert.True(answer.Status is 200 or 202, answer.Body);
        if (answer.Status == 202)
        {
            var message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
            await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            var checkin = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage)!;
            Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(checkin, CancellationToken.None));
        }
        return answer;
    }

    private async Task<(AssetDetailEntity Detail, List<SoftwareEntity> Software)> StoredAsync(string assetId)
    {
        var rows = await app
            .Store.Assets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {assetId}"))
            .ToListAsync();
        var detail = TableEntityMapper.To<AssetDetailEntity>(rows.Single(r => r.RowKey == TableKeys.AssetDetailRow));
        var software = rows.Where(r => r.RowKey.StartsWith(TableKeys.SoftwareRowPrefix, StringComparison.Ordinal))
            .Select(TableEntityMapper.To<SoftwareEntity>)
            .ToList();
        return (detail, software);
    }

    private static int Installed(List<SoftwareEntity> software) =>
        software.Count(s => s.State == nameof(SoftwareState.Installed));

    [Fact]
    public async Task An_inventory_without_a_software_section_uninstalls_nothing()
    {
        var device = await app.EnrollNewDeviceAsync();
        await ApplyAsync(device, Inventory(device));

        var partial = Inventory(device);
        partial["inventory"]!.AsObject().Remove("software");
        partial["inventory"]!["hostname"] = "ws-0001-partial";
        await ApplyAsync(device, partial);

        var (detail, software) = await StoredAsync(device.DeviceId);
        Assert.Equal("ws-0001-partial", detail.Hostname);
        Assert.Equal(40, Installed(software));
        Assert.Equal(40, detail.SoftwareCount);
    }

    [Fact]
    public async Task An_empty_software_section_means_none_installed()
    {
        var device = await app.EnrollNewDeviceAsync();
        await ApplyAsync(device, Inventory(device));

        var empty = Inventory(device);
        empty["inventory"]!["software"] = new JsonArray();
        await ApplyAsync(device, empty);

        var (detail, software) = await StoredAsync(device.DeviceId);
        Assert.Equal(0, Installed(software));
        Assert.Equal(0, detail.SoftwareCount);
    }

    [Fact]
    public async Task Every_absent_section_keeps_its_stored_values()
    {
        var device = await app.EnrollNewDeviceAsync();
        await ApplyAsync(device, Inventory(device));
        var (before, _) = await StoredAsync(device.DeviceId);

        var bare = Inventory(device);
        var inventory = bare["inventory"]!.AsObject();
        foreach (var section in new[] { "software", "localUsers", "neighbours", "operatingSystem" })
            inventory.Remove(section);
        var hardware = inventory["hardware"]!.AsObject();
        hardware.Remove("disks");
        hardware.Remove("cpu");
        await ApplyAsync(device, bare);

        var (after, software) = await StoredAsync(device.DeviceId);
        Assert.Equal(before.DisksJson, after.DisksJson);
        Assert.Equal(before.LocalUsersJson, after.LocalUsersJson);
        Assert.Equal(before.NeighbourMacs, after.NeighbourMacs);
        Assert.Equal(before.OsName, after.OsName);
        Assert.Equal(before.CpuModel, after.CpuModel);
        Assert.Equal(40, Installed(software));
    }

    [Fact]
    public async Task A_reported_collector_failure_keeps_that_sections_stored_values()
    {
        var device = await app.EnrollNewDeviceAsync();
        await ApplyAsync(device, Inventory(device));

        // dpkg failed half-way: the agent sends what it got and says the section failed.
        var failed = Inventory(device, softwareCount: 3);
        failed["inventory"]!["diagnostics"] = new JsonArray(
            new JsonObject { ["section"] = "software", ["error"] = "dpkg-query: error: parsing file 'status'" }
        );
        var answer = await ApplyAsync(device, failed);

        Assert.False(answer.Json.TryGetProperty("warnings", out _), answer.Body);
        var (detail, software) = await StoredAsync(device.DeviceId);
        Assert.Equal(40, Installed(software));
        Assert.Equal(40, detail.SoftwareCount);
    }

    [Fact]
    public async Task Warnings_reach_the_answer_and_the_cleaned_values_are_stored()
    {
        var device = await app.EnrollNewDeviceAsync();
        var body = Inventory(device);
        var inventory = body["inventory"]!;
        inventory["collectedAt"] = "2026-11-02T08:59:41";
        inventory["hostname"] = "\u202Ews-0001";
        inventory["software"]![0]!["installedOn"] = "N/A";
        inventory["software"]![1]!["name"] = "libc6\u0085";
        inventory["hardware"]!["manufacturer"] = "To be filled by O.E.M.";

        var answer = await ApplyAsync(device, body);

        Assert.Equal(202, answer.Status);
        Assert.Equal(
            [
                "inventory.collectedAt",
                "inventory.hardware.manufacturer",
                "inventory.hostname",
                "inventory.software[0].installedOn",
                "inventory.software[1].name",
            ],
            answer.Json.GetProperty("warnings").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)
        );
        var (detail, software) = await StoredAsync(device.DeviceId);
        Assert.Equal("ws-0001", detail.Hostname);
        // Dropped means not reported: the manufacturer known from enrollment stays.
        Assert.NotEqual("To be filled by O.E.M.", detail.Manufacturer);
        Assert.Contains(software, s => s.Name == "libc6");
        Assert.DoesNotContain(software, s => s.Name.Contains('\u0085', StringComparison.Ordinal));
        Assert.Equal(answer.Json.GetProperty("inventoryHash").GetString(), detail.InventoryHash);
    }

    [Fact]
    public async Task A_resent_inventory_with_the_same_bad_values_is_unchanged()
    {
        var device = await app.EnrollNewDeviceAsync();
        var body = Inventory(device);
        body["inventory"]!["software"]![0]!["installedOn"] = "N/A";
        await ApplyAsync(device, body);

        var again = await ApplyAsync(device, body);

        Assert.Equal("unchanged", again.Json.GetProperty("status").GetString());
        Assert.True(again.Json.TryGetProperty("warnings", out _), again.Body);
    }

    [Fact]
    public async Task Installed_memory_is_stored_beside_visible_memory_and_shown_in_the_asset_view()
    {
        var device = await app.EnrollNewDeviceAsync();
        var body = Inventory(device);
        body["schemaVersion"] = "1.1";
        body["inventory"]!["hardware"]!["memoryMb"] = 15734;
        body["inventory"]!["hardware"]!["memoryInstalledMb"] = 16384;

        await ApplyAsync(device, body);

        var (detail, _) = await StoredAsync(device.DeviceId);
        Assert.Equal(15734, detail.MemoryMb);
        Assert.Equal(16384, detail.MemoryInstalledMb);
        var request = app.Request(
            "GET",
            $"/api/assets/{device.DeviceId}",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        var view = await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, device.DeviceId, CancellationToken.None)
        );
        Assert.Equal(200, view.Status);
        Assert.Equal(15734, view.Json.GetProperty("memoryMb").GetInt64());
        Assert.Equal(16384, view.Json.GetProperty("memoryInstalledMb").GetInt64());

        // A module added: only installed memory changes, and that alone is a changed inventory that is stored.
        body["inventory"]!["hardware"]!["memoryInstalledMb"] = 32768;
        Assert.Equal(202, (await ApplyAsync(device, body)).Status);
        Assert.Equal(32768, (await StoredAsync(device.DeviceId)).Detail.MemoryInstalledMb);
    }
}
