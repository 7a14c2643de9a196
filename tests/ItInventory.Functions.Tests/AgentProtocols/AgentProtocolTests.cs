using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.AgentProtocols;

/// <summary>The existing agents' endpoints, invoked as the worker would: authentication, PROLOG/CONTACT, inventories
/// through the native pipeline, errors in the agents' own formats, identity pinning and bad input.</summary>
public sealed class AgentProtocolTests : IAsyncLifetime
{
    private TestApp app = null!;
    private EnrolledDevice device = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        device = await app.EnrollNewDeviceAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private sealed record Reply(int Status, string? ContentType, byte[] Body, IHeaderDictionary Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        /// <summary>The XML reply, decompressed (the agents recognise zlib by its header bytes).</summary>
        public string Xml => Encoding.UTF8.GetString(AgentDocuments.Unzlib(Body));
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private string DeviceBasic => Basic(device.DeviceId, device.Secret);

    private async Task<Reply> SendAsync(
        Func<AgentProtocolFunctions, HttpRequest, Task<AgentReply>> function,
        byte[] body,
        string? authorization,
        string contentType = "application/x-compress-zlib",
        string? agentId = null,
        string path = "/api/agents/glpi"
    )
    {
        var headers = new Dictionary<string, string>();
        if (authorization is not null)
            headers["Authorization"] = authorization;
        if (agentId is not null)
            headers[AgentProtocolService.AgentIdHeader] = agentId;
        var request = app.Request("POST", path, body, contentType, headers);
        IActionResult result = await function(app.Create<AgentProtocolFunctions>(), request);
        var context = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(context, new RouteData(), new ActionDescriptor()));
        return new Reply(
            context.Response.StatusCode,
            context.Response.ContentType,
            ((MemoryStream)context.Response.Body).ToArray(),
            context.Response.Headers
        );
    }

    private Task<Reply> GlpiAsync(JsonObject message, string? authorization, string? agentId = null) =>
        SendAsync(
            (f, r) => f.PostGlpiAgentMessage(r, CancellationToken.None),
            AgentDocuments.Zlib(message.ToJsonString()),
            authorization,
            agentId: agentId
        );

    private Task<Reply> OcsAsync(string xml, string? authorization, string contentType = "application/x-compress") =>
        SendAsync(
            (f, r) => f.PostOcsAgentMessage(r, CancellationToken.None),
            AgentDocuments.Zlib(xml),
            authorization,
            contentType,
            path: "/api/agents/ocs"
        );

    private async Task<AssetSummaryEntity> SummaryAsync(string deviceId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
        ).Value;

    private async Task<AssetDetailEntity> DetailAsync(string deviceId) =>
        (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(deviceId, TableKeys.AssetDetailRow)).Value;

    [Fact]
    public async Task An_anonymous_prolog_is_challenged_for_basic_with_a_glpi_error_carrying_expiration()
    {
        var before = await app.SnapshotAsync();

        var reply = await SendAsync(
            (f, r) => f.PostGlpiAgentMessage(r, CancellationToken.None),
            AgentDocuments.Zlib(AgentDocuments.Prolog()),
            authorization: null
        );

        Assert.Equal(401, reply.Status);
        Assert.Equal("Basic realm=\"itinventory\"", reply.Headers.WWWAuthenticate.ToString());
        Assert.Equal("error", reply.Json.GetProperty("status").GetString());
        Assert.True(reply.Json.GetProperty("expiration").GetInt32() >= 1);
        Assert.Contains("device id", reply.Json.GetProperty("message").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task An_xml_prolog_with_basic_gets_the_json_answer_that_switches_the_glpi_agent_to_json()
    {
        var reply = await SendAsync(
            (f, r) => f.PostGlpiAgentMessage(r, CancellationToken.None),
            AgentDocuments.Zlib(AgentDocuments.Prolog()),
            DeviceBasic,
            agentId: AgentDocuments.AgentId
        );

        Assert.Equal(200, reply.Status);
        Assert.Equal("application/json", reply.ContentType);
        Assert.Equal("ok", reply.Json.GetProperty("status").GetString());
        Assert.Equal(4, reply.Json.GetProperty("expiration").GetInt32());
    }

    [Fact]
    public async Task A_contact_lists_the_inventory_task()
    {
        var reply = await GlpiAsync(AgentDocuments.Contact(), DeviceBasic, AgentDocuments.AgentId);

        Assert.Equal(200, reply.Status);
        Assert.Equal("ok", reply.Json.GetProperty("status").GetString());
        Assert.True(reply.Json.GetProperty("tasks").TryGetProperty("inventory", out _));
    }

    [Fact]
    public async Task A_glpi_json_inventory_runs_the_native_pipeline_and_the_same_document_again_is_unchanged()
    {
        var reply = await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, reply.Status);
        Assert.Equal("ok", reply.Json.GetProperty("status").GetString());
        Assert.True(await app.ProcessNextCheckinAsync());

        var detail = await DetailAsync(device.DeviceId);
        Assert.Equal("laptop-7q2", detail.Hostname);
        Assert.Equal("7Q2XK93", detail.SerialNumber);
        Assert.Equal("Dell Inc.", detail.Manufacturer);
        Assert.Equal("Latitude 5440", detail.Model);
        Assert.Equal("Microsoft Windows 11 Pro", detail.OsName);
        Assert.Equal(nameof(AssetType.Laptop), detail.Type);
        Assert.Equal(16035, detail.MemoryMb);
        Assert.Equal(3, detail.SoftwareCount);
        Assert.Contains("A4C3F0123456", detail.MacAddresses);
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(detail.InventoryHash, summary.InventoryHash);

        // The same document again stops at the door: no blob, no queue message.
        var again = await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, again.Status);
        Assert.False(await app.ProcessNextCheckinAsync());
        var blobs = new List<string>();
        await foreach (var blob in app.Store.Checkins.GetBlobsAsync())
            blobs.Add(blob.Name);
        Assert.Single(blobs);
    }

    [Fact]
    public async Task A_glpi_monitor_with_a_serial_becomes_a_linked_asset_and_one_without_stays_a_component()
    {
        var reply = await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, reply.Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        var peripherals = AssetViewJson.Read(
            (await DetailAsync(device.DeviceId)).PeripheralsJson,
            ApiJsonContext.Default.IReadOnlyListAssetPeripheral
        );
        Assert.Null(Assert.Single(peripherals, p => p.SerialNumber is null).AssetId);
        var monitorId = Assert.Single(peripherals, p => p.SerialNumber == "CN0D4RV2FCC0027B1ZHL").AssetId!;
        var monitor = await DetailAsync(monitorId);
        Assert.Equal((nameof(AssetType.Peripheral), device.DeviceId), (monitor.Type, monitor.LinkedTo));
    }

    [Fact]
    public async Task A_fusioninventory_xml_monitor_and_virtual_machine_become_assets_linked_to_the_host()
    {
        var reply = await OcsAsync(AgentDocuments.FusionXml(software: 5, extended: true), DeviceBasic);
        Assert.Equal(200, reply.Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        var detail = await DetailAsync(device.DeviceId);
        var monitorId = Assert
            .Single(
                AssetViewJson.Read(detail.PeripheralsJson, ApiJsonContext.Default.IReadOnlyListAssetPeripheral),
                p => p.SerialNumber == "V90A1B2C"
            )
            .AssetId!;
        var vmId = Assert
            .Single(
                AssetViewJson.Read(detail.VirtualMachinesJson, ApiJsonContext.Default.IReadOnlyListAssetVirtualMachine)
            )
            .AssetId!;
        Assert.Equal(device.DeviceId, (await DetailAsync(monitorId)).LinkedTo);
        var vm = await DetailAsync(vmId);
        Assert.Equal(
            (nameof(AssetType.VirtualMachine), "6f1d2c3b-4a59-4e68-9d7c-0b1a2c3d4e5f", device.DeviceId),
            (vm.Type, vm.SmbiosUuid, vm.LinkedTo)
        );
    }

    [Fact]
    public async Task A_glpi_inventory_stores_bios_security_and_masked_keys_and_never_a_key_in_clear()
    {
        var reply = await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, reply.Status);
        await app.AssertNowhereAsync(AgentDocuments.OfficeKey);
        Assert.True(await app.ProcessNextCheckinAsync());

        var detail = await DetailAsync(device.DeviceId);
        Assert.Equal(("Dell Inc.", "1.21.0", "2024-03-11"), (detail.BiosVendor, detail.BiosVersion, detail.BiosDate));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 58, 0, TimeSpan.Zero), detail.LastBootAt);
        Assert.Contains("Microsoft Defender Antivirus", detail.AntivirusJson);
        Assert.Contains("PublicProfile", detail.FirewallsJson);
        Assert.Contains("1234567890", detail.RemoteAccessJson);
        Assert.Contains("*****-*****-*****-*****-6MWKP", detail.LicenceKeysJson);
        Assert.Contains("*****-*****-*****-*****-UVWXY", detail.LicenceKeysJson);
        await app.AssertNowhereAsync(AgentDocuments.OfficeKey);
        await app.AssertNowhereAsync(AgentDocuments.WindowsKey);
    }

    [Fact]
    public async Task A_partial_inventory_merges_and_leaves_absent_sections_untouched()
    {
        await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, AgentDocuments.AgentId);
        Assert.True(await app.ProcessNextCheckinAsync());

        var partial = new JsonObject
        {
            ["action"] = "inventory",
            ["deviceid"] = "LAPTOP-7Q2-2026-11-02-09-00-00",
            ["partial"] = true,
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["hardware"] = new JsonObject { ["name"] = "LAPTOP-7Q2", ["memory"] = 32070 },
            },
        };
        var reply = await GlpiAsync(partial, DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, reply.Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        var detail = await DetailAsync(device.DeviceId);
        Assert.Equal(32070, detail.MemoryMb);
        Assert.Equal(3, detail.SoftwareCount);
        Assert.Equal("7Q2XK93", detail.SerialNumber);
        Assert.Equal("Microsoft Windows 11 Pro", detail.OsName);
        Assert.Contains("A4C3F0123456", detail.MacAddresses);
    }

    [Fact]
    public async Task Fusioninventory_xml_prolog_and_inventory_get_zlib_replies_and_land_on_the_asset()
    {
        var prolog = await OcsAsync(AgentDocuments.Prolog("ws-linux-2026-11-02-09-00-00"), DeviceBasic);
        Assert.Equal(200, prolog.Status);
        Assert.Equal([0x78, 0x9C], prolog.Body[..2]);
        Assert.Contains("<RESPONSE>SEND</RESPONSE>", prolog.Xml);
        Assert.Contains("<PROLOG_FREQ>4</PROLOG_FREQ>", prolog.Xml);

        var reply = await OcsAsync(AgentDocuments.FusionXml(software: 20), DeviceBasic);
        Assert.Equal(200, reply.Status);
        Assert.Contains("<RESPONSE>NO_ACCOUNT_UPDATE</RESPONSE>", reply.Xml);
        Assert.True(await app.ProcessNextCheckinAsync());

        var detail = await DetailAsync(device.DeviceId);
        Assert.Equal("ws-linux", detail.Hostname);
        Assert.Equal("MJ0ABCDE", detail.SerialNumber);
        Assert.Equal(20, detail.SoftwareCount);
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", detail.OsName);
    }

    [Fact]
    public async Task An_iso_8859_1_xml_inventory_is_stored_with_its_accents()
    {
        var xml = AgentDocuments.FusionXml(encoding: "ISO-8859-1", publisher: "Société Générale");
        var reply = await SendAsync(
            (f, r) => f.PostOcsAgentMessage(r, CancellationToken.None),
            AgentDocuments.Zlib(Encoding.Latin1.GetBytes(xml)),
            DeviceBasic
        );
        Assert.Equal(200, reply.Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        var software = (
            await app
                .Store.Assets.QueryAsync<SoftwareEntity>(
                    TableClient.CreateQueryFilter(
                        $"PartitionKey eq {device.DeviceId} and RowKey ge {TableKeys.SoftwareRowPrefix}"
                    )
                        + " and "
                        + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.SoftwareRangeEnd}")
                )
                .ToListAsync()
        ).First();
        Assert.Equal("Société Générale", software.Publisher);
    }

    [Fact]
    public async Task The_oauth_client_credentials_flow_issues_a_token_that_authenticates_inventories()
    {
        var form = Encoding.UTF8.GetBytes(
            $"grant_type=client_credentials&client_id={device.DeviceId}&client_secret="
                + Uri.EscapeDataString(device.Secret)
                + "&scope=inventory"
        );
        var token = await SendAsync(
            (f, r) => f.IssueGlpiAgentToken(r, CancellationToken.None),
            form,
            null,
            "application/x-www-form-urlencoded",
            path: "/api/agents/glpi/api.php/token"
        );
        Assert.Equal(200, token.Status);
        Assert.Equal("Bearer", token.Json.GetProperty("token_type").GetString());
        Assert.Equal(3600, token.Json.GetProperty("expires_in").GetInt32());
        var accessToken = token.Json.GetProperty("access_token").GetString()!;

        var reply = await GlpiAsync(AgentDocuments.LinuxServer(), "Bearer " + accessToken, AgentDocuments.AgentId);
        Assert.Equal(200, reply.Status);
        Assert.True(await app.ProcessNextCheckinAsync());
        Assert.Equal("db-01", (await DetailAsync(device.DeviceId)).Hostname);

        var forged = await GlpiAsync(AgentDocuments.LinuxServer(), "Bearer " + accessToken[..^2] + "xx");
        Assert.Equal(401, forged.Status);
    }

    [Fact]
    public async Task A_token_request_with_a_wrong_secret_or_grant_is_refused_in_oauth_terms()
    {
        var wrong = await SendAsync(
            (f, r) => f.IssueGlpiAgentTokenAtApiRoot(r, CancellationToken.None),
            Encoding.UTF8.GetBytes($"grant_type=client_credentials&client_id={device.DeviceId}&client_secret=nope"),
            null,
            "application/x-www-form-urlencoded",
            path: "/api/api.php/token"
        );
        Assert.Equal(401, wrong.Status);
        Assert.Equal("invalid_client", wrong.Json.GetProperty("error").GetString());

        var password = await SendAsync(
            (f, r) => f.IssueGlpiAgentToken(r, CancellationToken.None),
            Encoding.UTF8.GetBytes("grant_type=password&username=a&password=b"),
            DeviceBasic,
            "application/x-www-form-urlencoded"
        );
        Assert.Equal(400, password.Status);
        Assert.Equal("unsupported_grant_type", password.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_an_agent_parsable_error_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();

        var glpi = await GlpiAsync(AgentDocuments.WindowsLaptop(), Basic(device.DeviceId, "wrong-secret"));
        var ocs = await OcsAsync(AgentDocuments.FusionXml(), Basic(device.DeviceId, "wrong-secret"));

        Assert.Equal(401, glpi.Status);
        Assert.Equal("error", glpi.Json.GetProperty("status").GetString());
        Assert.True(glpi.Json.GetProperty("expiration").GetInt32() >= 1);
        Assert.Equal(401, ocs.Status);
        Assert.Contains("<ERROR>", ocs.Xml);
        Assert.Equal("Basic realm=\"itinventory\"", ocs.Headers.WWWAuthenticate.ToString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_device_only_ever_updates_its_own_asset_whatever_the_document_says()
    {
        var other = await app.EnrollNewDeviceAsync();
        var otherBefore = await DetailAsync(other.DeviceId);

        // The document names the other machine's serial and MAC: it still lands on the credential's own asset.
        var document = AgentDocuments.WindowsLaptop();
        document["content"]!["bios"]!["ssn"] = other.Serial;
        var reply = await GlpiAsync(document, DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, reply.Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        Assert.Equal("laptop-7q2", (await DetailAsync(device.DeviceId)).Hostname);
        var otherAfter = await DetailAsync(other.DeviceId);
        Assert.Equal(otherBefore.ETag, otherAfter.ETag);
    }

    [Fact]
    public async Task A_cloned_agent_is_refused_recorded_for_review_and_never_merged()
    {
        var first = await GlpiAsync(AgentDocuments.Contact(), DeviceBasic, AgentDocuments.AgentId);
        Assert.Equal(200, first.Status);
        var before = await app.SnapshotAsync();

        var clone = await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, Guid.NewGuid().ToString());

        Assert.Equal(409, clone.Status);
        Assert.Equal("error", clone.Json.GetProperty("status").GetString());
        Assert.Contains("another agent installation", clone.Json.GetProperty("message").GetString());
        Assert.False(await app.ProcessNextCheckinAsync());
        var finding = await app
            .Services.GetRequiredService<FindingService>()
            .FindAsync(
                FindingKeys.Id(
                    FindingKinds.AgentIdentityMismatch,
                    FindingKeys.RowKey(FindingSubjects.Asset, device.DeviceId)
                ),
                CancellationToken.None
            );
        Assert.NotNull(finding);
        // Only the finding (and its finding.opened event) was written: no check-in blob or message, no asset change.
        var changes = (await app.SnapshotAsync()).ChangesSince(before);
        Assert.All(changes, c =>
            Assert.True(c.Contains("finding", StringComparison.OrdinalIgnoreCase) || c.Contains("inventory-events"), c)
        );

        // The pinned agent carries on.
        Assert.Equal(
            200,
            (await GlpiAsync(AgentDocuments.WindowsLaptop(), DeviceBasic, AgentDocuments.AgentId)).Status
        );
    }

    [Fact]
    public async Task A_fusioninventory_deviceid_is_pinned_too()
    {
        Assert.Equal(200, (await OcsAsync(AgentDocuments.Prolog("ws-a-2026-01-01-00-00-00"), DeviceBasic)).Status);

        var copy = await OcsAsync(AgentDocuments.FusionXml(deviceId: "ws-b-2026-01-01-00-00-00"), DeviceBasic);

        Assert.Equal(409, copy.Status);
        Assert.Contains("<ERROR>", copy.Xml);
    }

    [Theory]
    [InlineData(
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>"
            + "<REQUEST><QUERY>&b;</QUERY></REQUEST>"
    )]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE r SYSTEM \"http://127.0.0.1:1/evil.dtd\"><REQUEST/>")]
    [InlineData("<REQUEST><QUERY>INVENTORY</QUERY><CONTENT><HARDWARE>")]
    public async Task Doctypes_and_malformed_xml_get_an_xml_error_and_nothing_is_written(string xml)
    {
        var before = await app.SnapshotAsync();

        var reply = await OcsAsync(xml, DeviceBasic);

        Assert.Equal(400, reply.Status);
        Assert.Contains("<ERROR>", reply.Xml);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_decompression_bomb_stops_at_the_cap_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();
        var bomb = AgentDocuments.Zlib(new byte[64 * 1024 * 1024]);

        var reply = await SendAsync((f, r) => f.PostGlpiAgentMessage(r, CancellationToken.None), bomb, DeviceBasic);

        Assert.Equal(413, reply.Status);
        Assert.Equal("error", reply.Json.GetProperty("status").GetString());
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Malformed_json_gets_a_glpi_error_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();

        var reply = await SendAsync(
            (f, r) => f.PostGlpiAgentMessage(r, CancellationToken.None),
            Encoding.UTF8.GetBytes("{\"action\":\"inventory\",\"content\":{"),
            DeviceBasic,
            "application/json"
        );

        Assert.Equal(400, reply.Status);
        Assert.Equal("error", reply.Json.GetProperty("status").GetString());
        Assert.True(reply.Json.GetProperty("expiration").GetInt32() >= 1);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Network_gear_and_printers_with_a_serial_become_assets_and_a_phone_without_one_a_sighting()
    {
        // Issue 14 item 3 changed this: reported devices with a usable serial are agentless assets now
        // (NetworkAssetTests); only the serial-less phone is left to the sightings.
        foreach (var document in new[] { AgentDocuments.Switch(), AgentDocuments.Printer(), AgentDocuments.Phone() })
            Assert.Equal(200, (await GlpiAsync(document, DeviceBasic, AgentDocuments.AgentId)).Status);

        var sighting = Assert.Single(await app.Store.Sightings.QueryAsync<TableEntity>().ToListAsync());
        Assert.Equal("0004F2ABCDEF", sighting.PartitionKey);
        Assert.Equal(device.DeviceId, sighting.GetString(nameof(SightingEntity.LastSeenBy)));
        Assert.Equal(device.DeviceId, sighting.GetString(nameof(SightingEntity.FirstSeenBy)));
        Assert.Equal("Phone", sighting.GetString("ReportedItemType"));
        var assets = await app
            .Store.Assets.QueryAsync<AssetDetailEntity>(a =>
                a.RowKey == TableKeys.AssetDetailRow && a.Source == NetworkAssets.Source
            )
            .ToListAsync();
        Assert.Equal(["FOC2231X0AB", "VNB3K12345"], assets.Select(a => a.SerialNumber).Order());
        Assert.All(assets, a => Assert.Equal(device.DeviceId, a.ReportedBy));
        Assert.False(await app.ProcessNextCheckinAsync());
    }

    [Fact]
    public async Task Network_gear_that_is_already_an_asset_is_not_a_sighting()
    {
        var known = await app.EnrollNewDeviceAsync();

        var reply = await GlpiAsync(AgentDocuments.Switch(mac: known.Mac), DeviceBasic, AgentDocuments.AgentId);

        Assert.Equal(200, reply.Status);
        Assert.Empty(await app.Store.Sightings.QueryAsync<TableEntity>().ToListAsync());
    }
}
