using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Tests.Assets;

/// <summary>The linking rules without storage: which items are linkable, and when an inventory has work.</summary>
public sealed class LinkPlanTests
{
    private static readonly PeripheralData Monitor = new()
    {
        Kind = "monitor",
        Manufacturer = "Dell Inc.",
        SerialNumber = "CN0D4RV2",
    };

    private static InventoryData With(PeripheralData[]? peripherals = null, VirtualMachineData[]? vms = null) =>
        new()
        {
            Hardware = new HardwareData
            {
                Peripherals = peripherals,
                SmbiosUuid = "11111111-2222-4333-8444-555555555555",
            },
            VirtualMachines = vms,
        };

    private static AssetDetailEntity Host(string? peripheralsJson = null) =>
        new() { PartitionKey = "host", PeripheralsJson = peripheralsJson };

    [Fact]
    public void A_peripheral_key_is_kind_manufacturer_and_serial_apart_from_computer_serials()
    {
        Assert.Equal("peripheral|monitor|DELLINC|CN0D4RV2", LinkPlan.KeyOf("monitor", "Dell Inc.", "cn0d-4rv2"));
        Assert.Null(LinkPlan.KeyOf("monitor", "Dell Inc.", "To Be Filled By O.E.M."));
        Assert.StartsWith("peripheral|", TableKeys.PeripheralIdentity("dock", null, "ABC123"));
    }

    [Fact]
    public void A_new_monitor_is_added_and_the_same_monitor_already_resolved_is_carried_without_work()
    {
        var first = LinkPlan.Compute(Host(), With([Monitor]));
        Assert.True(first.HasWork);
        Assert.Equal("peripheral|monitor|DELLINC|CN0D4RV2", Assert.Single(first.Added).Key);

        var stored = """[{"kind":"monitor","manufacturer":"Dell Inc.","serialNumber":"CN0D4RV2","assetId":"m1"}]""";
        var again = LinkPlan.Compute(Host(stored), With([Monitor]));
        Assert.False(again.HasWork);
        Assert.Equal("m1", again.Carried["peripheral|monitor|DELLINC|CN0D4RV2"]);

        var absent = LinkPlan.Compute(Host(stored), With());
        Assert.False(absent.HasWork);

        var gone = LinkPlan.Compute(Host(stored), With([]));
        Assert.Equal("m1", Assert.Single(gone.Removed).AssetId);
    }

    [Fact]
    public void A_vm_without_a_usable_uuid_or_with_the_hosts_own_is_not_linkable()
    {
        var plan = LinkPlan.Compute(
            Host(),
            With(
                vms:
                [
                    new VirtualMachineData { Name = "nil", Uuid = "00000000-0000-0000-0000-000000000000" },
                    new VirtualMachineData { Name = "self", Uuid = "11111111-2222-4333-8444-555555555555" },
                    new VirtualMachineData { Name = "web-01", Uuid = "6B1C2F0E-9A41-4C3D-8E2F-1A2B3C4D5E6F" },
                ]
            )
        );

        var vm = Assert.Single(plan.Added);
        Assert.Equal(("uuid|6b1c2f0e-9a41-4c3d-8e2f-1a2b3c4d5e6f", AssetType.VirtualMachine), (vm.Key, vm.Type));
    }
}
