using System.Text;
using System.Text.Json;
using System.Xml;
using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Functions.Tests.AgentProtocols;

/// <summary>GLPI JSON and OCS/FusionInventory XML onto the check-in model, field by field (pure code).</summary>
public sealed class AgentMappingTests
{
    private static InventoryData MapJson(System.Text.Json.Nodes.JsonObject document)
    {
        using var json = JsonDocument.Parse(document.ToJsonString());
        return AgentInventoryMapper.Map(AgentNode.FromJson(json.RootElement).One("CONTENT")!);
    }

    private static InventoryData MapXml(string xml, Encoding? encoding = null) =>
        AgentInventoryMapper.Map(
            AgentNode.FromXml((encoding ?? Encoding.UTF8).GetBytes(xml), 1 << 22).One("REQUEST")!.One("CONTENT")!
        );

    [Fact]
    public void A_windows_laptop_in_glpi_json_maps_field_by_field()
    {
        var inventory = MapJson(AgentDocuments.WindowsLaptop());

        Assert.Equal("LAPTOP-7Q2", inventory.Hostname);
        var hw = inventory.Hardware!;
        Assert.Equal("Dell Inc.", hw.Manufacturer);
        Assert.Equal("Latitude 5440", hw.Model);
        Assert.Equal("7Q2XK93", hw.SerialNumber);
        Assert.Equal("4C4C4544-0051-3210-8032-B7C04F4B3332", hw.SmbiosUuid);
        Assert.Equal("laptop", hw.Type);
        Assert.Equal(16035, hw.MemoryMb);
        Assert.Equal("13th Gen Intel(R) Core(TM) i5-1345U", hw.Cpu!.Model);
        Assert.Equal(10, hw.Cpu.Cores);
        Assert.Equal(10, hw.Cpu.Threads);
        var disk = Assert.Single(hw.Disks!);
        Assert.Equal(
            ("\\\\.\\PHYSICALDRIVE0", "KXG80ZNV512G KIOXIA", "8E1PS0ABCDEF", 512.1),
            (disk.Name, disk.Model, disk.SerialNumber, disk.SizeGb)
        );
        var nic = Assert.Single(hw.NetworkInterfaces!);
        Assert.Equal("Intel(R) Wi-Fi 6E AX211 160MHz", nic.Name);
        Assert.Equal("a4:c3:f0:12:34:56", nic.MacAddress);
        Assert.Equal(["10.20.30.40", "fe80::1c2d:3e4f:5a6b:7c8d"], nic.IpAddresses);
        Assert.Equal("8E1PS0ABCDEF", hw.PlatformIdentities!.SystemDiskSerial);
        var os = inventory.OperatingSystem!;
        Assert.Equal(
            ("Microsoft Windows 11 Pro", "23H2", "10.0.22631", "64-bit"),
            (os.Name, os.Version, os.Build, os.Architecture)
        );
        Assert.Equal(3, inventory.Software!.Count);
        var firefox = inventory.Software[0];
        Assert.Equal(
            ("Mozilla Firefox (x64 en-GB)", "132.0.2", "Mozilla", "x86_64", "2026-10-30"),
            (firefox.Name, firefox.Version, firefox.Publisher, firefox.Architecture, firefox.InstalledOn)
        );
        Assert.Null(inventory.Software[2].InstalledOn);
        Assert.Equal(["Administrator", "j.doe"], inventory.LocalUsers!.Select(u => u.Name));
        Assert.Null(CheckinValidator.Validate(Checkin(inventory)));
    }

    [Fact]
    public void A_linux_server_counts_cores_and_threads_over_sockets()
    {
        var inventory = MapJson(AgentDocuments.LinuxServer());

        Assert.Equal(
            ("HPE", "ProLiant DL360 Gen11", "CZJ4021ABC"),
            (inventory.Hardware!.Manufacturer, inventory.Hardware.Model, inventory.Hardware.SerialNumber)
        );
        Assert.Equal((64, 128), (inventory.Hardware.Cpu!.Cores!.Value, inventory.Hardware.Cpu.Threads!.Value));
        Assert.Equal(
            ("Ubuntu 24.04.1 LTS", "24.04", "6.8.0-48-generic"),
            (inventory.OperatingSystem!.Name, inventory.OperatingSystem.Version, inventory.OperatingSystem.Build)
        );
        Assert.Equal("2026-09-01", inventory.Software![0].InstalledOn);
        Assert.Null(inventory.Hardware.Type);
    }

    [Fact]
    public void A_mac_maps_its_os_and_slash_dates()
    {
        var inventory = MapJson(AgentDocuments.MacBook());

        Assert.Equal(
            ("Apple Inc", "MacBookPro17,1", "C02FK1ABQ05D"),
            (inventory.Hardware!.Manufacturer, inventory.Hardware.Model, inventory.Hardware.SerialNumber)
        );
        Assert.Equal(
            ("macOS", "14.6.1", "arm64"),
            (inventory.OperatingSystem!.Name, inventory.OperatingSystem.Version, inventory.OperatingSystem.Architecture)
        );
        Assert.Equal("2024-08-07", Assert.Single(inventory.Software!).InstalledOn);
    }

    [Fact]
    public void A_fusioninventory_xml_maps_field_by_field()
    {
        var inventory = MapXml(AgentDocuments.FusionXml());

        Assert.Equal("ws-linux", inventory.Hostname);
        var hw = inventory.Hardware!;
        Assert.Equal(("LENOVO", "ThinkCentre M70q", "MJ0ABCDE"), (hw.Manufacturer, hw.Model, hw.SerialNumber));
        Assert.Equal("2a9c4e61-17b3-4d0f-8e25-6b1c0d9f3a47", hw.SmbiosUuid);
        Assert.Equal("desktop", hw.Type);
        Assert.Equal(15734, hw.MemoryMb);
        Assert.Equal((6, 12), (hw.Cpu!.Cores!.Value, hw.Cpu.Threads!.Value));
        var nic = Assert.Single(hw.NetworkInterfaces!);
        Assert.Equal(("enp2s0", "98:fa:9b:10:20:30"), (nic.Name, nic.MacAddress));
        Assert.Equal(["192.168.7.14"], nic.IpAddresses);
        Assert.Equal(
            ("Debian GNU/Linux 12 (bookworm)", "12.7", "6.1.0-26-amd64", "x86_64"),
            (
                inventory.OperatingSystem!.Name,
                inventory.OperatingSystem.Version,
                inventory.OperatingSystem.Build,
                inventory.OperatingSystem.Architecture
            )
        );
        var package = inventory.Software![1];
        Assert.Equal(
            ("package-0001", "1.1-1", "Debian", "amd64", "2025-04-20"),
            (package.Name, package.Version, package.Publisher, package.Architecture, package.InstalledOn)
        );
        Assert.Equal([("root", (bool?)true), ("alex", null)], inventory.LocalUsers!.Select(u => (u.Name!, u.IsAdmin)));
        Assert.Null(CheckinValidator.Validate(Checkin(inventory)));
    }

    [Fact]
    public void An_iso_8859_1_xml_document_keeps_its_accents()
    {
        var xml = AgentDocuments.FusionXml(encoding: "ISO-8859-1", publisher: "Société Générale");
        var inventory = MapXml(xml, Encoding.Latin1);

        Assert.Equal("Société Générale", inventory.Software![0].Publisher);
    }

    [Fact]
    public void Xml_with_a_doctype_is_refused_before_any_entity_is_expanded()
    {
        const string laughs =
            "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
            + "<REQUEST><QUERY>&lol2;</QUERY></REQUEST>";
        const string external =
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><REQUEST>&x;</REQUEST>";

        Assert.Throws<XmlException>(() => AgentNode.FromXml(Encoding.UTF8.GetBytes(laughs), 1 << 20));
        Assert.Throws<XmlException>(() => AgentNode.FromXml(Encoding.UTF8.GetBytes(external), 1 << 20));
    }

    [Fact]
    public void Junk_values_are_dropped_or_trimmed_so_the_document_stays_valid()
    {
        var document = AgentDocuments.WindowsLaptop();
        var content = document["content"]!;
        content["hardware"]!["name"] = new string('x', 300) + "\u0007";
        content["networks"]![0]!["mac"] = "not-a-mac";
        content["networks"]![1]!["mac"] = "00:00:00:00:00:00";
        content["softwares"]![0]!["install_date"] = "yesterday";
        content["softwares"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject { ["version"] = "1.0" });

        var inventory = MapJson(document);

        Assert.Equal(256, inventory.Hostname!.Length);
        Assert.Null(inventory.Hardware!.NetworkInterfaces![0].MacAddress);
        Assert.Null(inventory.Software![0].InstalledOn);
        Assert.Equal(3, inventory.Software.Count);
        Assert.Null(CheckinValidator.Validate(Checkin(inventory)));
    }

    [Theory]
    [InlineData("2025/04/20 00:00:00", "2025-04-20")]
    [InlineData("2025-04-20", "2025-04-20")]
    [InlineData("20/04/2025", "2025-04-20")]
    [InlineData("20250420", "2025-04-20")]
    [InlineData("1970-00-01", null)]
    [InlineData("", null)]
    public void Agent_dates_become_contract_dates(string text, string? expected) =>
        Assert.Equal(expected, AgentInventoryMapper.Date(text));

    [Fact]
    public void Network_gear_printers_and_phones_are_described_by_mac_serial_and_model()
    {
        static AgentDiscovery.ReportedDevice Describe(System.Text.Json.Nodes.JsonObject document)
        {
            using var json = JsonDocument.Parse(document.ToJsonString());
            var root = AgentNode.FromJson(json.RootElement);
            return AgentDiscovery.Describe(root.Value("ITEMTYPE")!, root.One("CONTENT")!);
        }

        Assert.Equal(
            new AgentDiscovery.ReportedDevice(
                "NetworkEquipment",
                "00:1b:54:aa:bb:cc",
                "10.20.0.2",
                "sw-floor2",
                "FOC2231X0AB",
                "Cisco",
                "C9200L-48P-4G"
            ),
            Describe(AgentDocuments.Switch())
        );
        Assert.Equal(
            new AgentDiscovery.ReportedDevice(
                "Printer",
                "30:05:5c:11:22:33",
                "10.20.0.50",
                "PRN-2F-EAST",
                "VNB3K12345",
                "HP",
                "LaserJet Pro M404dn"
            ),
            Describe(AgentDocuments.Printer())
        );
        Assert.Equal(
            new AgentDiscovery.ReportedDevice(
                "Phone",
                "00:04:f2:ab:cd:ef",
                null,
                "SEP0004F2ABCDEF",
                null,
                "Cisco",
                "CP-8845"
            ),
            Describe(AgentDocuments.Phone())
        );
    }

    [Fact]
    public void The_same_machine_maps_to_the_same_inventory_hash_from_either_format_run_twice()
    {
        var first = InventoryHasher.Hash(MapXml(AgentDocuments.FusionXml()));
        var second = InventoryHasher.Hash(MapXml(AgentDocuments.FusionXml()));

        Assert.Equal(first, second);
    }

    [Fact]
    public void A_windows_laptop_maps_bios_os_dates_users_batteries_monitors_security_remote_access_and_keys()
    {
        var inventory = MapJson(AgentDocuments.WindowsLaptop());

        var hw = inventory.Hardware!;
        Assert.Equal(("Dell Inc.", "1.21.0", "2024-03-11"), (hw.Bios!.Vendor, hw.Bios.Version, hw.Bios.ReleaseDate));
        // No timezone in the document: the agent's local time is read as UTC.
        Assert.Equal(new DateTimeOffset(2024, 4, 2, 10, 11, 12, TimeSpan.Zero), inventory.OperatingSystem!.InstalledAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 58, 0, TimeSpan.Zero), inventory.OperatingSystem.LastBootAt);
        Assert.Equal(["CORP\\j.doe"], inventory.LoggedOnUsers);
        Assert.Equal("j.doe", inventory.LastLoggedOnUser);
        var battery = Assert.Single(hw.Batteries!);
        Assert.Equal(
            ("DELL VKYJX3A", "BYD", "3185", "LiP", 54000L, 45900L),
            (
                battery.Name,
                battery.Manufacturer,
                battery.SerialNumber,
                battery.Chemistry,
                battery.DesignCapacityMwh!.Value,
                battery.FullChargeCapacityMwh!.Value
            )
        );
        Assert.Equal(
            [("monitor", "DELL P2422H", "CN0D4RV2FCC0027B1ZHL"), ("monitor", "Integrated Monitor", null)],
            hw.Peripherals!.Select(p => (p.Kind!, p.Model!, p.SerialNumber))
        );
        var antivirus = Assert.Single(inventory.Antivirus!);
        Assert.Equal(
            ("Microsoft Defender Antivirus", "Microsoft Corporation", (bool?)true, (bool?)true),
            (antivirus.Name, antivirus.Vendor, antivirus.Enabled, antivirus.UpToDate)
        );
        Assert.Equal(
            [("DomainProfile", (bool?)true), ("PublicProfile", false)],
            inventory.Firewalls!.Select(f => (f.Name!, f.Enabled))
        );
        Assert.Equal(("teamviewer", "1234567890"), (inventory.RemoteAccess![0].Tool, inventory.RemoteAccess[0].Id));
        // In clear here (the mapper's output); masked before anything is written (LicenceKeyProtector).
        Assert.Equal(
            [
                ("Microsoft Office Professional Plus 2021", AgentDocuments.OfficeKey),
                ("Microsoft Windows 11 Pro", AgentDocuments.WindowsKey),
            ],
            inventory.Licences!.Select(l => (l.Product!, l.Key!))
        );
        Assert.Null(CheckinValidator.Validate(Checkin(inventory)));
    }

    [Fact]
    public void A_fusioninventory_host_maps_dmidecode_dates_capacities_with_units_zoned_times_and_its_vms()
    {
        var inventory = MapXml(AgentDocuments.FusionXml(extended: true));

        var hw = inventory.Hardware!;
        // dmidecode writes MM/dd/yyyy.
        Assert.Equal(("M3AKT4AA", "2024-06-12"), (hw.Bios!.Version, hw.Bios.ReleaseDate));
        Assert.Null(hw.Bios.Vendor);
        // Local time at +01:00.
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 6, 30, 0, TimeSpan.Zero), inventory.OperatingSystem!.LastBootAt);
        Assert.Equal(new DateTimeOffset(2024, 6, 20, 13, 5, 9, TimeSpan.Zero), inventory.OperatingSystem.InstalledAt);
        var battery = Assert.Single(hw.Batteries!);
        Assert.Equal((57000L, 51300L), (battery.DesignCapacityMwh!.Value, battery.FullChargeCapacityMwh!.Value));
        var monitor = Assert.Single(hw.Peripherals!);
        Assert.Equal(("monitor", "LEN T27h-20", "V90A1B2C"), (monitor.Kind, monitor.Model, monitor.SerialNumber));
        Assert.Equal(["alex"], inventory.LoggedOnUsers);
        var vm = Assert.Single(inventory.VirtualMachines!);
        Assert.Equal(
            (
                "build-runner-01",
                "6f1d2c3b-4a59-4e68-9d7c-0b1a2c3d4e5f",
                "kvm",
                "running",
                2,
                4096L,
                "52:54:00:ab:cd:ef"
            ),
            (vm.Name, vm.Uuid, vm.Hypervisor, vm.State, vm.Cpus!.Value, vm.MemoryMb!.Value, vm.MacAddress)
        );
        Assert.Null(inventory.Antivirus);
        Assert.Null(inventory.Licences);
        Assert.Null(CheckinValidator.Validate(Checkin(inventory)));
    }

    [Theory]
    [InlineData("2024-03-11", "2024-03-11")]
    [InlineData("03/11/2024", "2024-03-11")]
    [InlineData("20240311000000.000000+000", "2024-03-11")]
    [InlineData("11/31/2024", null)]
    [InlineData("unknown", null)]
    public void Firmware_dates_are_read_in_the_formats_agents_write(string value, string? expected) =>
        Assert.Equal(expected, AgentInventoryMapper.FirmwareDate(value));

    private static CheckinRequest Checkin(InventoryData inventory) =>
        new()
        {
            SchemaVersion = "1.0",
            Kind = CheckinKinds.Inventory,
            DeviceId = "0123456789abcdef0123456789abcdef",
            Inventory = inventory,
        };
}
