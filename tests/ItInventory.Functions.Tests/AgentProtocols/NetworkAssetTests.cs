using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.AgentProtocols;

/// <summary>Network gear, printers and phones from the GLPI Agent's network inventory become agentless assets that
/// record their reporter; serial-less discoveries become sightings; nothing reported changes a computer.</summary>
public sealed class NetworkAssetTests : IAsyncLifetime
{
    private const string SwitchSerial = "JAE2143ZXY7";
    private const string SwitchMac = "70:10:5c:aa:10:00";
    private TestApp app = null!;
    private EnrolledDevice reporter = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        reporter = await app.EnrollNewDeviceAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>A 48-port access switch with 4 uplinks, as the network inventory task reports it.</summary>
    private static JsonObject Switch(string serial = SwitchSerial, string mac = SwitchMac, string firmware = "17.9.4a")
    {
        var ports = new JsonArray();
        for (var i = 1; i <= 52; i++)
        {
            ports.Add(
                new JsonObject
                {
                    ["ifnumber"] = i,
                    ["ifname"] = i <= 48 ? $"Gi1/0/{i}" : $"Te1/1/{i - 48}",
                    ["iftype"] = 6,
                    ["mac"] = $"70:10:5c:aa:10:{i:x2}",
                }
            );
        }
        return Message(
            "NetworkEquipment",
            new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["network_device"] = new JsonObject
                {
                    ["type"] = "Networking",
                    ["name"] = "core-sw-b3",
                    ["serial"] = serial,
                    ["mac"] = mac,
                    ["manufacturer"] = "Cisco",
                    ["model"] = "C9300-48P",
                    ["firmware"] = firmware,
                    ["ips"] = new JsonArray("10.30.0.2", "127.0.0.1", "0.0.0.0", "10.31.0.2"),
                    ["location"] = "Building B, rack 3",
                    ["contact"] = "netops@example.org",
                    ["description"] = "Cisco IOS XE Software, Catalyst L3 Switch",
                    ["uptime"] = "12 days, 03:04:05.00",
                },
                ["network_ports"] = ports,
            }
        );
    }

    /// <summary>A laser printer: no firmware in network_device, its version in <c>firmwares</c>.</summary>
    private static JsonObject Printer() =>
        Message(
            "Printer",
            new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["network_device"] = new JsonObject
                {
                    ["type"] = "Printer",
                    ["name"] = "PRN-LOBBY",
                    ["serial"] = "E78231K4N",
                    ["mac"] = "a4:5d:36:12:34:56",
                    ["manufacturer"] = "Brother",
                    ["model"] = "HL-L6400DW",
                    ["ips"] = new JsonArray("10.30.5.17"),
                    ["location"] = "Lobby",
                },
                ["firmwares"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["name"] = "Main",
                        ["type"] = "device",
                        ["version"] = "1.52",
                    },
                },
                ["network_ports"] = new JsonArray
                {
                    new JsonObject
                    {
                        ["ifnumber"] = 1,
                        ["ifdescr"] = "BRN-ETH",
                        ["mac"] = "a4:5d:36:12:34:56",
                    },
                },
            }
        );

    /// <summary>What network discovery finds without SNMP access: a name, a MAC, an address, a placeholder serial.
    /// </summary>
    private static JsonObject Discovered(string mac, string serial) =>
        Message(
            "NetworkEquipment",
            new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["network_device"] = new JsonObject
                {
                    ["type"] = "Networking",
                    ["name"] = "ap-floor3",
                    ["mac"] = mac,
                    ["serial"] = serial,
                    ["ips"] = new JsonArray("10.30.9.9"),
                },
            }
        );

    private static JsonObject Message(string itemType, JsonObject content) =>
        new()
        {
            ["action"] = "inventory",
            ["deviceid"] = "NETSCAN-01-2026-11-02-09-00-00",
            ["itemtype"] = itemType,
            ["content"] = content,
        };

    /// <summary>Posts a message zlib-compressed, as the agent does, with the device's credential.</summary>
    private Task<int> ReportAsync(JsonObject message, EnrolledDevice? by = null, string? authorization = null) =>
        PostAsync(message.ToJsonString(), "application/x-compress-zlib", by, authorization);

    /// <summary>Posts an XML network task message zlib-compressed (the agents' OCS-style client).</summary>
    private Task<int> ReportXmlAsync(string xml) => PostAsync(xml, "application/x-compress", null, null);

    private async Task<int> PostAsync(string body, string contentType, EnrolledDevice? by, string? authorization)
    {
        by ??= reporter;
        var request = app.Request(
            "POST",
            "/api/agents/glpi",
            AgentDocuments.Zlib(body),
            contentType,
            new Dictionary<string, string>
            {
                ["Authorization"] = authorization ?? Basic(by.DeviceId, by.Secret),
                [AgentProtocolService.AgentIdHeader] = AgentIdOf(by),
            }
        );
        var reply = await app.Create<AgentProtocolFunctions>().PostGlpiAgentMessage(request, CancellationToken.None);
        var result = await TestApp.ExecuteAsync(request, reply);
        return result.Status;
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>Each enrolled device runs its own agent installation.</summary>
    private static string AgentIdOf(EnrolledDevice device) =>
        new Guid(
            System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(device.DeviceId))
        ).ToString("D");

    private async Task<List<AssetDetailEntity>> NetworkAssetsAsync() =>
        await app
            .Store.Assets.QueryAsync<AssetDetailEntity>(a =>
                a.RowKey == TableKeys.AssetDetailRow && a.Source == NetworkAssets.Source
            )
            .ToListAsync();

    private async Task<string?> HolderAsync(string key) =>
        (await app.Store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(key, TableKeys.IdentityRow))
            is { HasValue: true } row
            ? row.Value!.AssetId
            : null;

    private async Task<AssetDetailEntity> DetailAsync(string id) =>
        (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(id, TableKeys.AssetDetailRow)).Value;

    private async Task<List<AuditRecordEntity>> AuditAsync(string assetId) =>
        await app.Store.AuditTrail.QueryAsync<AuditRecordEntity>(r => r.EntityId == assetId).ToListAsync();

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

    [Fact]
    public async Task A_reported_switch_becomes_an_agentless_asset_with_what_it_reported_and_who_reported_it()
    {
        Assert.Equal(200, await ReportAsync(Switch()));

        var asset = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(nameof(AssetKind.Hardware), asset.Kind);
        Assert.Equal(nameof(AssetType.NetworkGear), asset.Type);
        Assert.Equal(nameof(LifecycleState.Discovered), asset.State);
        Assert.Equal("NetworkEquipment", asset.NetworkItemType);
        Assert.Equal("core-sw-b3", asset.Name);
        Assert.Equal(SwitchSerial, asset.SerialNumber);
        Assert.Equal("Cisco", asset.Manufacturer);
        Assert.Equal("C9300-48P", asset.Model);
        Assert.Equal("17.9.4a", asset.Firmware);
        Assert.Equal("10.30.0.2,10.31.0.2", asset.DeviceIpAddresses);
        Assert.Equal(52, asset.PortCount);
        Assert.Equal("Building B, rack 3", asset.ReportedLocation);
        Assert.Null(asset.Location);
        Assert.Equal("netops@example.org", asset.ReportedContact);
        Assert.Equal("Cisco IOS XE Software, Catalyst L3 Switch", asset.DeviceDescription);
        var macs = asset.MacAddresses!.Split(',');
        Assert.Equal(53, macs.Length);
        Assert.Equal("70105CAA1000", macs[0]);
        Assert.Equal("70105CAA1034", macs[^1]);
        Assert.Equal(reporter.DeviceId, asset.ReportedBy);
        Assert.NotNull(asset.ReportedAt);

        // Identity: the serial, then the device's own MAC and its first ports' (as many as a computer's).
        Assert.Equal(asset.PartitionKey, await HolderAsync("serial|" + SwitchSerial));
        Assert.Equal(asset.PartitionKey, await HolderAsync("mac|70105CAA1000"));
        Assert.Equal(asset.PartitionKey, await HolderAsync("mac|70105CAA100F"));
        Assert.Null(await HolderAsync("mac|70105CAA1034"));

        // No credential of its own: only the reporting agent's.
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(asset.PartitionKey),
                asset.PartitionKey
            )
        ).Value;
        Assert.Null(summary.CredentialHash);
        Assert.Equal("core-sw-b3", summary.Name);
        Assert.Equal(SwitchSerial, summary.SerialNumber);
        Assert.True(summary.NeedsReview);

        var audit = Assert.Single(await AuditAsync(asset.PartitionKey));
        Assert.Equal("create", audit.Action);
        Assert.Equal("device", audit.ActorKind);
        Assert.Equal(reporter.DeviceId, audit.ActorId);
        Assert.Contains(reporter.DeviceId, audit.ChangesJson);

        var view = await ViewAsync(asset.PartitionKey);
        Assert.Equal("network-gear", AssetTypes.ToWireName(Enum.Parse<AssetType>(view.Type)));
        Assert.Equal(SwitchSerial, view.SerialNumber);
        var network = Assert.IsType<AssetNetworkReport>(view.NetworkReport);
        Assert.Equal("NetworkEquipment", network.ItemType);
        Assert.Equal("17.9.4a", network.Firmware);
        Assert.Equal(["10.30.0.2", "10.31.0.2"], network.IpAddresses);
        Assert.Equal(52, network.PortCount);
        Assert.Equal("Building B, rack 3", network.Location);
        Assert.Equal("netops@example.org", network.Contact);
        Assert.Equal(reporter.DeviceId, network.ReportedBy);
        Assert.NotNull(network.ReportedAt);
        Assert.False(await app.ProcessNextCheckinAsync());
    }

    [Fact]
    public async Task A_reported_printer_becomes_a_peripheral_with_its_firmware_from_the_firmwares_section()
    {
        Assert.Equal(200, await ReportAsync(Printer()));

        var asset = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(nameof(AssetType.Peripheral), asset.Type);
        Assert.Equal("Printer", asset.NetworkItemType);
        Assert.Equal("PRN-LOBBY", asset.Name);
        Assert.Equal("E78231K4N", asset.SerialNumber);
        Assert.Equal("Brother", asset.Manufacturer);
        Assert.Equal("HL-L6400DW", asset.Model);
        Assert.Equal("1.52", asset.Firmware);
        Assert.Equal("10.30.5.17", asset.DeviceIpAddresses);
        Assert.Equal(1, asset.PortCount);
        Assert.Equal("Lobby", asset.ReportedLocation);
        Assert.Null(asset.ReportedContact);
        Assert.Equal("A45D36123456", asset.MacAddresses);
        Assert.Equal(reporter.DeviceId, asset.ReportedBy);
        Assert.Equal(asset.PartitionKey, await HolderAsync("serial|E78231K4N"));
        Assert.Equal(asset.PartitionKey, await HolderAsync("mac|A45D36123456"));
        Assert.Empty(await app.Store.Sightings.QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task The_same_report_again_is_unchanged_and_writes_nothing()
    {
        Assert.Equal(200, await ReportAsync(Switch()));
        var before = await app.SnapshotAsync();

        Assert.Equal(200, await ReportAsync(Switch()));

        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_second_reporter_updates_the_same_asset_and_the_history_and_audit_name_it()
    {
        Assert.Equal(200, await ReportAsync(Switch()));
        var created = Assert.Single(await NetworkAssetsAsync());
        var second = await app.EnrollNewDeviceAsync();

        Assert.Equal(200, await ReportAsync(Switch(firmware: "17.12.1"), second));

        var asset = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(created.PartitionKey, asset.PartitionKey);
        Assert.Equal(second.DeviceId, asset.ReportedBy);
        Assert.Equal("17.12.1", asset.Firmware);
        Assert.Equal("core-sw-b3", asset.Name);
        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(h =>
                h.PartitionKey == asset.PartitionKey && h.RowKey.CompareTo("h|") >= 0 && h.RowKey.CompareTo("h}") < 0
            )
            .ToListAsync();
        Assert.Equal(2, history.Count);
        var change = Assert.Single(history, h => h.Summary.Contains(second.DeviceId));
        var fields = JsonSerializer.Deserialize(change.ChangesJson!, ApiJsonContext.Default.AssetChanges)!.Fields;
        Assert.Equal(
            [
                new FieldChange(nameof(AssetDetailEntity.Firmware), "17.9.4a", "17.12.1"),
                new FieldChange(nameof(AssetDetailEntity.ReportedBy), reporter.DeviceId, second.DeviceId),
            ],
            fields
        );
        var update = Assert.Single(await AuditAsync(asset.PartitionKey), r => r.Action == "network-report");
        Assert.Equal(second.DeviceId, update.ActorId);
        Assert.Contains(reporter.DeviceId, update.ChangesJson);

        // Found by its MACs when the serial reads differently (a replaced supervisor module): still the same asset.
        Assert.Equal(200, await ReportAsync(Switch(serial: "JAE2143ZXY8", firmware: "17.12.1"), second));
        var moved = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(asset.PartitionKey, moved.PartitionKey);
        Assert.Equal("JAE2143ZXY8", moved.SerialNumber);
        Assert.Equal(asset.PartitionKey, await HolderAsync("serial|JAE2143ZXY8"));
    }

    [Theory]
    [InlineData("N/A")]
    [InlineData("To Be Filled By O.E.M.")]
    [InlineData("")]
    public async Task A_discovered_device_without_a_usable_serial_is_a_sighting_of_the_unregistered_device(
        string serial
    )
    {
        Assert.Equal(200, await ReportAsync(Discovered("00:0b:86:10:20:30", serial)));

        Assert.Empty(await NetworkAssetsAsync());
        var sighting = Assert.Single(await app.Store.Sightings.QueryAsync<TableEntity>().ToListAsync());
        Assert.Equal("000B86102030", sighting.PartitionKey);
        Assert.Equal(reporter.DeviceId, sighting.GetString(nameof(SightingEntity.LastSeenBy)));
        Assert.Equal("NetworkEquipment", sighting.GetString("ReportedItemType"));
        Assert.Equal("10.30.9.9", sighting.GetString(nameof(SightingEntity.LastIpAddress)));
    }

    [Fact]
    public async Task A_network_device_with_an_enrolled_computers_serial_goes_to_review_and_never_merges()
    {
        var computer = await app.EnrollNewDeviceAsync();
        var computerBefore = await DetailAsync(computer.DeviceId);

        Assert.Equal(200, await ReportAsync(Switch(serial: computer.Serial)));

        var apart = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(computer.DeviceId, apart.SuspectedDuplicateOf);
        Assert.Equal(computer.DeviceId, await HolderAsync("serial|" + computer.Serial));
        Assert.Equal(
            apart.PartitionKey,
            await HolderAsync(NetworkDeviceReport.ReviewKey(HardwareIdentity.NormaliseSerial(computer.Serial)!))
        );
        var computerAfter = await DetailAsync(computer.DeviceId);
        Assert.Equal(computerBefore.ETag, computerAfter.ETag);
        Assert.True(string.IsNullOrEmpty(computerAfter.SuspectedDuplicateOf));
        Assert.Null(computerAfter.ReportedBy);
        var finding = Assert.Single(
            await app
                .Services.GetRequiredService<FindingsTables>()
                .Findings.QueryAsync<FindingEntity>(f =>
                    f.PartitionKey == FindingKinds.SuspectedDuplicate && f.SubjectId == apart.PartitionKey
                )
                .ToListAsync()
        );
        Assert.Equal(nameof(FindingStatus.Open), finding.Status);
        Assert.Contains(computer.DeviceId, finding.Text);
        Assert.Contains(await AuditAsync(apart.PartitionKey), r => r.Action == "suspected-duplicate");

        // The same report again finds the asset kept apart: no second one, nothing written.
        var before = await app.SnapshotAsync();
        Assert.Equal(200, await ReportAsync(Switch(serial: computer.Serial)));
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_report_naming_another_devices_mac_cannot_change_that_device()
    {
        var victim = await app.EnrollNewDeviceAsync();
        var victimBefore = await DetailAsync(victim.DeviceId);

        Assert.Equal(200, await ReportAsync(Switch(mac: victim.Mac)));

        var apart = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(victim.DeviceId, apart.SuspectedDuplicateOf);
        Assert.Equal(victim.DeviceId, await HolderAsync("mac|" + HardwareIdentity.NormaliseMac(victim.Mac)));
        Assert.Equal(victimBefore.ETag, (await DetailAsync(victim.DeviceId)).ETag);
    }

    [Fact]
    public async Task Another_devices_id_with_this_devices_secret_is_refused_and_writes_nothing()
    {
        var victim = await app.EnrollNewDeviceAsync();
        var before = await app.SnapshotAsync();

        var status = await ReportAsync(Switch(), victim, Basic(victim.DeviceId, reporter.Secret));

        Assert.Equal(401, status);
        await app.AssertUnchangedSinceAsync(before);
    }

    private static string Xml(string query, string devices) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n  <CONTENT>\n"
        + devices
        + "    <MODULEVERSION>6.1</MODULEVERSION>\n    <PROCESSNUMBER>7</PROCESSNUMBER>\n  </CONTENT>\n"
        + "  <DEVICEID>NETSCAN-01-2026-11-02-09-00-00</DEVICEID>\n"
        + $"  <QUERY>{query}</QUERY>\n</REQUEST>\n";

    [Fact]
    public async Task An_xml_network_inventory_of_a_printer_becomes_an_asset_like_the_json_one()
    {
        var device = """
                <DEVICE>
                  <INFO>
                    <TYPE>PRINTER</TYPE>
                    <NAME>PRN-FLOOR4</NAME>
                    <SERIAL>X3B118822</SERIAL>
                    <MAC>00:80:77:3a:4b:5c</MAC>
                    <MANUFACTURER>Kyocera</MANUFACTURER>
                    <MODEL>ECOSYS P3145dn</MODEL>
                    <LOCATION>Floor 4, copy room</LOCATION>
                    <CONTACT>helpdesk</CONTACT>
                    <COMMENTS>Kyocera Document Solutions Printing System</COMMENTS>
                    <IPS><IP>10.40.4.20</IP><IP>127.0.0.1</IP></IPS>
                  </INFO>
                  <PORTS>
                    <PORT><IFNUMBER>1</IFNUMBER><IFNAME>eth0</IFNAME><MAC>00:80:77:3a:4b:5c</MAC></PORT>
                    <PORT><IFNUMBER>2</IFNUMBER><IFNAME>lo</IFNAME></PORT>
                  </PORTS>
                  <FIRMWARES><NAME>Main</NAME><TYPE>device</TYPE><VERSION>2S0_2000.004.203</VERSION></FIRMWARES>
                </DEVICE>

            """;

        Assert.Equal(200, await ReportXmlAsync(Xml("SNMPQUERY", device)));

        var asset = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(nameof(AssetType.Peripheral), asset.Type);
        Assert.Equal("Printer", asset.NetworkItemType);
        Assert.Equal("PRN-FLOOR4", asset.Name);
        Assert.Equal("X3B118822", asset.SerialNumber);
        Assert.Equal("0080773A4B5C", asset.MacAddresses);
        Assert.Equal("Kyocera", asset.Manufacturer);
        Assert.Equal("ECOSYS P3145dn", asset.Model);
        Assert.Equal("2S0_2000.004.203", asset.Firmware);
        Assert.Equal("10.40.4.20", asset.DeviceIpAddresses);
        Assert.Equal(2, asset.PortCount);
        Assert.Equal("Floor 4, copy room", asset.ReportedLocation);
        Assert.Equal("helpdesk", asset.ReportedContact);
        Assert.Equal("Kyocera Document Solutions Printing System", asset.DeviceDescription);
        Assert.Equal(reporter.DeviceId, asset.ReportedBy);

        // Discovery of the same printer later knows less: it does not overwrite the inventory.
        var before = await app.SnapshotAsync();
        var discovered = """
                <DEVICE>
                  <IP>10.40.4.20</IP><MAC>00:80:77:3a:4b:5c</MAC><TYPE>PRINTER</TYPE>
                  <SERIAL>X3B118822</SERIAL><SNMPHOSTNAME>PRN-FLOOR4</SNMPHOSTNAME>
                </DEVICE>

            """;
        Assert.Equal(200, await ReportXmlAsync(Xml("NETDISCOVERY", discovered)));
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Xml_network_discovery_creates_assets_with_a_serial_and_sightings_without_one()
    {
        var devices = """
                <DEVICE>
                  <IP>10.40.0.1</IP><MAC>00:1a:1e:01:02:03</MAC><TYPE>NETWORKING</TYPE>
                  <SERIAL>CN84KD70QW</SERIAL><SNMPHOSTNAME>edge-sw-4</SNMPHOSTNAME>
                  <MANUFACTURER>Aruba</MANUFACTURER><MODEL>2930F-48G</MODEL><FIRMWARE>WC.16.11.0012</FIRMWARE>
                </DEVICE>
                <DEVICE>
                  <IP>10.40.0.77</IP><MAC>00:1e:c2:aa:bb:cc</MAC><DNSHOSTNAME>nas-1.example.org</DNSHOSTNAME>
                </DEVICE>

            """;

        Assert.Equal(200, await ReportXmlAsync(Xml("NETDISCOVERY", devices)));
        Assert.Equal(200, await ReportXmlAsync(Xml("NETDISCOVERY", "    <AGENT><END>1</END></AGENT>\n")));

        var asset = Assert.Single(await NetworkAssetsAsync());
        Assert.Equal(nameof(AssetType.NetworkGear), asset.Type);
        Assert.Equal("edge-sw-4", asset.Name);
        Assert.Equal("CN84KD70QW", asset.SerialNumber);
        Assert.Equal("WC.16.11.0012", asset.Firmware);
        Assert.Equal("10.40.0.1", asset.DeviceIpAddresses);
        Assert.Equal(0, asset.PortCount);
        var sighting = Assert.Single(await app.Store.Sightings.QueryAsync<TableEntity>().ToListAsync());
        Assert.Equal("001EC2AABBCC", sighting.PartitionKey);
        Assert.Equal("10.40.0.77", sighting.GetString(nameof(SightingEntity.LastIpAddress)));
        Assert.Equal("nas-1.example.org", sighting.GetString("ReportedName"));
        Assert.Equal(reporter.DeviceId, sighting.GetString(nameof(SightingEntity.LastSeenBy)));
    }

    [Fact]
    public void A_report_reads_serial_macs_ips_and_ports_and_drops_junk()
    {
        using var json = JsonDocument.Parse(Switch().ToJsonString());
        var root = AgentNode.FromJson(json.RootElement);
        var report = NetworkDeviceReport.Read("NetworkEquipment", root.One("CONTENT")!)!;

        Assert.Equal(AssetType.NetworkGear, report.Type);
        Assert.Equal(SwitchSerial, report.Serial);
        Assert.Equal("70105CAA1000", report.MacAddresses[0]);
        Assert.Equal(53, report.MacAddresses.Count);
        Assert.Equal(["10.30.0.2", "10.31.0.2"], report.IpAddresses);
        Assert.Equal(52, report.PortCount);
        Assert.Equal(["serial|" + SwitchSerial, "mac|70105CAA1000"], report.IdentityKeys.Take(2).Select(k => k.Key));
        Assert.Equal(1 + CheckinLimits.MaxIdentityMacAddresses, report.IdentityKeys.Count());
        Assert.Null(NetworkDeviceReport.Read("Computer", root.One("CONTENT")!));
        Assert.Equal(AssetType.Peripheral, NetworkDeviceReport.TypeOf("Printer"));
        Assert.Equal(AssetType.Mobile, NetworkDeviceReport.TypeOf("Phone"));
    }
}
