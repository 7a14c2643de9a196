using System.IO.Compression;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>Schema 1.2 sections on Azurite: stored on the detail row, shown by the asset API, and licence keys never
/// written in clear anywhere.</summary>
public sealed class InventoryModelStorageTests : IAsyncLifetime
{
    public const string HashSecret = "a-test-secret-of-at-least-32-characters!";

    private TestApp app = null!;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(settings => settings["LicenceKeys:HashSecret"] = HashSecret);

    public async Task DisposeAsync() => await app.DisposeAsync();

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

    private async Task<EnrolledDevice> CheckInAsync(Func<EnrolledDevice, string> body)
    {
        var device = await app.EnrollNewDeviceAsync();
        var answer = await app.CheckinAsync(body(device), device.Authorization, gzip: true);
        Assert.True(answer.Status == 202, answer.Body);
        Assert.True(await app.ProcessNextCheckinAsync());
        return device;
    }

    private static string Document(EnrolledDevice device, string bootAt = "2026-11-02T07:58:00Z", string user = "alice")
    {
        var document = InventoryModelContractTests.Inventory12(bootAt, user);
        document["deviceId"] = device.DeviceId;
        document["inventory"]!["hardware"]!["serialNumber"] = device.Serial;
        document["inventory"]!["hardware"]!["networkInterfaces"]![0]!["macAddress"] = device.Mac;
        return document.ToJsonString();
    }

    [Fact]
    public async Task The_new_sections_are_stored_on_the_asset_and_shown_by_the_asset_api()
    {
        var device = await CheckInAsync(d => Document(d));

        var view = await ViewAsync(device.DeviceId);

        Assert.Equal(
            ("LENOVO", "N3MET18W (1.17 )", "2024-05-21"),
            (view.Bios!.Vendor, view.Bios.Version, view.Bios.ReleaseDate)
        );
        Assert.Equal(new DateTimeOffset(2024, 6, 20, 14, 5, 9, TimeSpan.Zero), view.OsInstalledAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 58, 0, TimeSpan.Zero), view.LastBootAt);
        Assert.Equal(["alice"], view.LoggedOnUsers);
        Assert.Equal("alice", view.LastLoggedOnUser);
        var battery = Assert.Single(view.Batteries);
        Assert.Equal(
            (57000L, 48450L, 85),
            (battery.DesignCapacityMwh!.Value, battery.FullChargeCapacityMwh!.Value, battery.HealthPercent!.Value)
        );
        var antivirus = Assert.Single(view.Security!.Antivirus);
        Assert.Equal(
            ("Sophos Intercept X", (bool?)true, (bool?)false),
            (antivirus.Name, antivirus.Enabled, antivirus.UpToDate)
        );
        Assert.Equal(("ufw", (bool?)true), (view.Security.Firewalls[0].Name, view.Security.Firewalls[0].Enabled));
        Assert.Equal(
            [("TeamViewer", null, "software", "TeamViewer 15"), ("rustdesk", "123 456 789", "agent", null)],
            view.RemoteAccess.Select(r => (r.Tool, r.Id, r.Source, r.Software))
        );
        var key = Assert.Single(view.LicenceKeys);
        Assert.Equal("Microsoft Office Professional Plus 2021", key.Product);
        Assert.Equal("*****-*****-*****-*****-6MWKP", key.MaskedKey);
        Assert.True(Sha256Hex.IsValid(key.KeyHash));
        Assert.Equal(
            [("keyboard", null), ("monitor", "V90A1B2C")],
            view.Peripherals.Select(p => (p.Kind, p.SerialNumber))
        );
    }

    [Fact]
    public async Task Two_machines_with_the_same_licence_key_have_the_same_key_hash()
    {
        var first = await CheckInAsync(d => Document(d));
        var second = await CheckInAsync(d => Document(d));

        var hashes = new[] { (await ViewAsync(first.DeviceId)), (await ViewAsync(second.DeviceId)) }
            .Select(v => Assert.Single(v.LicenceKeys).KeyHash)
            .ToList();

        Assert.Equal(hashes[0], hashes[1]);
    }

    [Fact]
    public async Task A_licence_key_is_never_written_in_clear_to_any_table_blob_or_queue()
    {
        var device = await app.EnrollNewDeviceAsync();
        var answer = await app.CheckinAsync(Document(device), device.Authorization, gzip: true);
        Assert.Equal(202, answer.Status);
        // Before processing (the queue still holds the claim check) and after.
        await app.AssertNowhereAsync(InventoryModelContractTests.OfficeKey);
        Assert.True(await app.ProcessNextCheckinAsync());

        await app.AssertNowhereAsync(InventoryModelContractTests.OfficeKey);
        Assert.Single((await ViewAsync(device.DeviceId)).LicenceKeys);
    }

    [Fact]
    public async Task A_new_boot_and_another_logged_on_user_alone_leave_the_inventory_unchanged()
    {
        var device = await CheckInAsync(d => Document(d));

        var again = await app.CheckinAsync(
            Document(device, bootAt: "2026-11-03T08:01:00Z", user: "bob"),
            device.Authorization,
            gzip: true
        );

        Assert.True(again.Status == 200, again.Body);
        Assert.Equal("unchanged", again.Json.GetProperty("status").GetString());
    }
}
