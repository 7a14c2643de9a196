using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Assets;

/// <summary>Monitors, peripherals with a serial and virtual machines reported by a host become agentless assets
/// linked to it; the link moves with the device, on Azurite through the real check-in path.</summary>
public sealed class LinkedAssetTests : IAsyncLifetime
{
    private const string MonitorSerial = "CN0D4RV2FCC0027B1ZHL";
    private const string VmUuid = "6b1c2f0e-9a41-4c3d-8e2f-1a2b3c4d5e6f";

    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static JsonObject Monitor(string serial = MonitorSerial) =>
        new()
        {
            ["kind"] = "monitor",
            ["name"] = "DELL P2422H",
            ["manufacturer"] = "Dell Inc.",
            ["model"] = "P2422H",
            ["serialNumber"] = serial,
        };

    private static JsonObject Vm(string uuid = VmUuid) =>
        new()
        {
            ["name"] = "web-01",
            ["uuid"] = uuid,
            ["hypervisor"] = "kvm",
            ["state"] = "running",
            ["cpus"] = 2,
            ["memoryMb"] = 4096,
        };

    /// <summary>A 1.2 inventory of the device; a null list leaves its section out (not reported).</summary>
    private static JsonObject Inventory(
        EnrolledDevice device,
        JsonObject[]? peripherals = null,
        JsonObject[]? vms = null,
        int variant = 0
    )
    {
        var document = SamplePayloads.Inventory(
            device.DeviceId,
            device.Serial,
            macs: [device.Mac],
            softwareCount: 20,
            variant: variant
        );
        document["schemaVersion"] = "1.2";
        if (peripherals is not null)
            document["inventory"]!["hardware"]!["peripherals"] = new JsonArray([.. peripherals]);
        if (vms is not null)
            document["inventory"]!["virtualMachines"] = new JsonArray([.. vms]);
        return document;
    }

    private async Task ReportAsync(EnrolledDevice device, JsonObject document)
    {
        var answer = await app.CheckinAsync(document.Text(), device.Authorization, gzip: true);
        Assert.True(answer.Status == 202, answer.Body);
        Assert.True(await app.ProcessNextCheckinAsync());
    }

    private async Task<AssetView> ViewAsync(string assetId)
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{assetId}",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, assetId, CancellationToken.None)
        );
        Assert.True(answer.Status == 200, answer.Body);
        return JsonSerializer.Deserialize(answer.Body, ApiJsonContext.Default.AssetView)!;
    }

    private async Task<List<AssetHistoryEntity>> HistoryAsync(string assetId)
    {
        var rows = new List<AssetHistoryEntity>();
        await foreach (
            var row in app.Store.Assets.QueryAsync<AssetHistoryEntity>(
                TableClient.CreateQueryFilter(
                    $"PartitionKey eq {assetId} and RowKey ge {TableKeys.HistoryRowPrefix} and RowKey lt {"h}"}"
                )
            )
        )
        {
            rows.Add(row);
        }
        return rows;
    }

    private async Task<IReadOnlyList<AuditRecordView>> AuditAsync(string assetId) =>
        await app
            .Services.GetRequiredService<AuditTrail>()
            .QueryAsync("asset", assetId, null, null, null, 1000, CancellationToken.None);

    private async Task<List<string>> PeripheralIdentityRowsAsync()
    {
        var keys = new List<string>();
        await foreach (
            var row in app.Store.Identities.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey ge {"peripheral|"} and PartitionKey lt {"peripheral}"}")
            )
        )
        {
            keys.Add(row.PartitionKey);
        }
        return keys;
    }

    [Fact]
    public async Task A_monitor_reported_by_a_host_becomes_a_peripheral_asset_linked_to_it()
    {
        var host = await app.EnrollNewDeviceAsync();

        await ReportAsync(host, Inventory(host, peripherals: [Monitor()]));

        var hostView = await ViewAsync(host.DeviceId);
        var monitorId = Assert.Single(hostView.Peripherals).AssetId;
        Assert.NotNull(monitorId);
        Assert.Equal([monitorId], hostView.LinkedAssets);
        var monitor = await ViewAsync(monitorId);
        Assert.Equal(
            (nameof(AssetType.Peripheral), nameof(AssetKind.Hardware), nameof(LifecycleState.Discovered)),
            (monitor.Type, monitor.Kind, monitor.State)
        );
        Assert.Equal(
            ("DELL P2422H", "Dell Inc.", MonitorSerial),
            (monitor.Name, monitor.Manufacturer, monitor.SerialNumber)
        );
        Assert.Equal(host.DeviceId, monitor.LinkedTo);
        Assert.False(monitor.CredentialRevoked);
        var discovered = Assert.Single(await AuditAsync(monitorId), r => r.Action == "discover");
        Assert.Equal(("device", host.DeviceId), (discovered.Actor.Kind, discovered.Actor.Id));
        // Search filters by type as for any asset.
        var found = await CatalogueKit.SearchAsync(app, "?type=peripheral");
        Assert.Contains(monitorId, found.Body);
        // The host's own record says what it linked.
        Assert.Contains(await HistoryAsync(host.DeviceId), h => h.ChangesJson?.Contains("linked " + monitorId) == true);
    }

    [Fact]
    public async Task The_same_monitor_reported_by_another_host_moves_there_with_history_and_audit()
    {
        var first = await app.EnrollNewDeviceAsync();
        var second = await app.EnrollNewDeviceAsync();
        await ReportAsync(first, Inventory(first, peripherals: [Monitor()]));
        var monitorId = (await ViewAsync(first.DeviceId)).LinkedAssets.Single();

        await ReportAsync(second, Inventory(second, peripherals: [Monitor()]));

        Assert.Equal([monitorId], (await ViewAsync(second.DeviceId)).LinkedAssets);
        Assert.Empty((await ViewAsync(first.DeviceId)).LinkedAssets);
        Assert.Equal(second.DeviceId, (await ViewAsync(monitorId)).LinkedTo);
        Assert.Single(await PeripheralIdentityRowsAsync());
        Assert.Contains(await HistoryAsync(monitorId), h =>
            h.Summary.Contains($"Moved from host {first.DeviceId} to host {second.DeviceId}")
        );
        var moved = Assert.Single(await AuditAsync(monitorId), r => r.Action == "move");
        Assert.Equal(second.DeviceId, moved.Actor.Id);
        var change = Assert.Single(moved.Changes);
        Assert.Equal(
            (nameof(AssetDetailEntity.LinkedTo), first.DeviceId, second.DeviceId),
            (change.Field, change.From, change.To)
        );

        // The first host no longer reports it: the monitor is another host's now, so nothing of it changes.
        var before = (await HistoryAsync(monitorId)).Count;
        await ReportAsync(first, Inventory(first, peripherals: []));
        Assert.Equal(second.DeviceId, (await ViewAsync(monitorId)).LinkedTo);
        Assert.Equal(before, (await HistoryAsync(monitorId)).Count);
    }

    [Fact]
    public async Task A_peripheral_no_longer_reported_is_unlinked_not_deleted()
    {
        var host = await app.EnrollNewDeviceAsync();
        await ReportAsync(host, Inventory(host, peripherals: [Monitor()]));
        var monitorId = (await ViewAsync(host.DeviceId)).LinkedAssets.Single();

        await ReportAsync(host, Inventory(host, peripherals: []));

        Assert.Empty((await ViewAsync(host.DeviceId)).LinkedAssets);
        var monitor = await ViewAsync(monitorId);
        Assert.Null(monitor.LinkedTo);
        Assert.Contains(await HistoryAsync(monitorId), h => h.Summary.Contains("Unlinked from host " + host.DeviceId));
        Assert.Single(await AuditAsync(monitorId), r => r.Action == "unlink");

        // Reported again: linked again, the same asset.
        await ReportAsync(host, Inventory(host, peripherals: [Monitor()], variant: 1));
        Assert.Equal([monitorId], (await ViewAsync(host.DeviceId)).LinkedAssets);
        Assert.Equal(host.DeviceId, (await ViewAsync(monitorId)).LinkedTo);
    }

    [Fact]
    public async Task An_inventory_without_the_peripherals_section_unlinks_nothing()
    {
        var host = await app.EnrollNewDeviceAsync();
        await ReportAsync(host, Inventory(host, peripherals: [Monitor()], vms: [Vm()]));
        var linked = (await ViewAsync(host.DeviceId)).LinkedAssets;
        Assert.Equal(2, linked.Count);

        await ReportAsync(host, Inventory(host, variant: 3));

        var view = await ViewAsync(host.DeviceId);
        Assert.Equal(linked.Order(), view.LinkedAssets.Order());
        Assert.NotNull(Assert.Single(view.Peripherals).AssetId);
        foreach (var id in linked)
            Assert.Equal(host.DeviceId, (await ViewAsync(id)).LinkedTo);
    }

    [Theory]
    [InlineData("0000000000")]
    [InlineData("To Be Filled By O.E.M.")]
    [InlineData("123456789")]
    [InlineData("")]
    public async Task A_peripheral_with_a_junk_serial_stays_a_component_of_the_host(string serial)
    {
        var host = await app.EnrollNewDeviceAsync();

        await ReportAsync(host, Inventory(host, peripherals: [Monitor(serial)]));

        var view = await ViewAsync(host.DeviceId);
        Assert.Null(Assert.Single(view.Peripherals).AssetId);
        Assert.Empty(view.LinkedAssets);
        Assert.Empty(await PeripheralIdentityRowsAsync());
    }

    [Fact]
    public async Task A_peripheral_whose_serial_equals_a_computers_is_a_separate_asset_and_the_computer_is_untouched()
    {
        var computer = await app.EnrollNewDeviceAsync();
        var host = await app.EnrollNewDeviceAsync();
        var before = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(computer.DeviceId, "asset")).Value;

        await ReportAsync(host, Inventory(host, peripherals: [Monitor(computer.Serial)]));

        var monitorId = (await ViewAsync(host.DeviceId)).LinkedAssets.Single();
        Assert.NotEqual(computer.DeviceId, monitorId);
        Assert.Equal(computer.Serial, (await ViewAsync(monitorId)).SerialNumber);
        var after = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(computer.DeviceId, "asset")).Value;
        Assert.Equal(before.ETag, after.ETag);
        var serialRow = await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>(
            new IdentityKey(IdentityKind.Serial, computer.Serial).Key,
            TableKeys.IdentityRow
        );
        Assert.Equal(computer.DeviceId, serialRow.Value.AssetId);
    }

    [Fact]
    public async Task A_vm_reported_by_a_hypervisor_is_a_virtual_machine_asset_that_its_own_agent_claims_later()
    {
        var hypervisor = await app.EnrollNewDeviceAsync();
        await ReportAsync(hypervisor, Inventory(hypervisor, vms: [Vm()]));
        var hostView = await ViewAsync(hypervisor.DeviceId);
        var vmId = Assert.Single(hostView.VirtualMachines).AssetId!;
        Assert.Equal([vmId], hostView.LinkedAssets);
        var vm = await ViewAsync(vmId);
        Assert.Equal(
            (nameof(AssetType.VirtualMachine), VmUuid, hypervisor.DeviceId),
            (vm.Type, vm.SmbiosUuid, vm.LinkedTo)
        );

        // The VM's own agent enrolls with the same UUID (and a serial and MAC the asset did not have): identities
        // agree, so it claims the agentless asset.
        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment(
                "VMW564DAB12CD34",
                VmUuid,
                ["00:50:56:8a:11:22"],
                "web-01",
                TestApp.EnrollmentSecret
            )
        );
        Assert.True(enrolled.Status is 200 or 201, enrolled.Body);
        Assert.Equal(vmId, enrolled.Json.GetProperty("deviceId").GetString());
        Assert.Equal("re-enrolled", enrolled.Json.GetProperty("status").GetString());
        Assert.Contains(await HistoryAsync(vmId), h => h.Summary.Contains("Enrolled with its own agent"));

        // A clone with the same UUID but another serial does not: it is kept apart for review.
        var clone = await app.EnrollAsync(
            SamplePayloads.Enrollment("VMW564DFFFFEE99", VmUuid, [], "web-01-clone", TestApp.EnrollmentSecret)
        );
        Assert.Equal(201, clone.Status);
        Assert.NotEqual(vmId, clone.Json.GetProperty("deviceId").GetString());

        // Now a device of its own: the hypervisor no longer changes it, even when it stops reporting it.
        var etag = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(vmId, "asset")).Value.ETag;
        await ReportAsync(hypervisor, Inventory(hypervisor, vms: []));
        Assert.Equal(etag, (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(vmId, "asset")).Value.ETag);
    }

    [Fact]
    public async Task A_changed_inventory_whose_peripherals_and_vms_did_not_change_costs_no_extra_request()
    {
        var plain = await app.EnrollNewDeviceAsync();
        var host = await app.EnrollNewDeviceAsync();
        await ReportAsync(plain, Inventory(plain, peripherals: [], vms: []));
        await ReportAsync(host, Inventory(host, peripherals: [Monitor()], vms: [Vm()]));

        async Task<int> CostAsync(EnrolledDevice device, JsonObject document)
        {
            var answer = await app.CheckinAsync(document.Text(), device.Authorization, gzip: true);
            Assert.Equal(202, answer.Status);
            using var scope = StorageRequestCounter.BeginScope();
            Assert.True(await app.ProcessNextCheckinAsync());
            return scope.Count;
        }

        var withoutLinks = await CostAsync(plain, Inventory(plain, peripherals: [], vms: [], variant: 5));
        var withLinks = await CostAsync(host, Inventory(host, peripherals: [Monitor()], vms: [Vm()], variant: 5));

        Assert.Equal(withoutLinks, withLinks);
    }
}
