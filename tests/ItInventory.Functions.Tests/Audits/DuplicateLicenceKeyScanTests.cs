using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.CheckIns;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Licences;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>The duplicate-licence-key finding end to end: inventories with keys through the real check-in path, the
/// reconciliation raising it for a reused retail key (not for volume keys), and auto-resolving it once the key is
/// gone from one machine.</summary>
public sealed class DuplicateLicenceKeyScanTests : IAsyncLifetime
{
    private const string Secret = InventoryModelStorageTests.HashSecret;
    private const string RetailKey = "NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP";
    private const string MakKey = "ABCDE-FGHJK-LMNPQ-RSTVW-XY234";
    private const string SiteKey = "QWERT-YUPAS-DFGHJ-KLZXC-VBN56";

    private TestApp app = null!;

    private static string HashOf(string key) =>
        new LicenceKeyProtector(Options.Create(new LicenceKeyOptions { HashSecret = Secret })).Hash(
            LicenceKeyProtector.Normalise(key)!
        )!;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(settings =>
        {
            settings["LicenceKeys:HashSecret"] = Secret;
            settings["Reconciliation:VolumeLicenceKeyHashes"] = "0000, " + HashOf(MakKey).ToUpperInvariant();
        });

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<EnrolledDevice> CheckInAsync(EnrolledDevice? device, params (string Product, string Key)[] keys)
    {
        device ??= await app.EnrollNewDeviceAsync();
        var document = InventoryModelContractTests.Inventory12(user: "u" + Guid.NewGuid().ToString("N")[..6]);
        document["deviceId"] = device.DeviceId;
        document["inventory"]!["hardware"]!["serialNumber"] = device.Serial;
        document["inventory"]!["hardware"]!["networkInterfaces"]![0]!["macAddress"] = device.Mac;
        document["inventory"]!["licences"] = new JsonArray([
            .. keys.Select(k => (JsonNode)new JsonObject { ["product"] = k.Product, ["key"] = k.Key }),
        ]);
        var answer = await app.CheckinAsync(document.ToJsonString(), device.Authorization, gzip: true);
        Assert.True(answer.Status == 202, answer.Body);
        Assert.True(await app.ProcessNextCheckinAsync());
        return device;
    }

    private async Task<Dictionary<(string Kind, string Subject), string>> RunAsync()
    {
        await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);
        return await AuditKit.FindingsAsync(app, FindingKinds.DuplicateLicenceKey);
    }

    [Fact]
    public async Task A_retail_key_on_two_machines_is_raised_for_both_volume_keys_are_not_and_it_clears_when_one_goes()
    {
        var licences = new LicenceTestKit(app);
        var product = await licences.CreateProductAsync("Visio Site", "PerDevice", "[{\"name\":\"Visio Ent*\"}]");
        await licences.AddEntitlementAsync(product, "{\"reference\":\"SITE-1\",\"type\":\"Site\"}");
        var first = await CheckInAsync(null, ("Office Professional Plus 2021", RetailKey), ("Windows 11 Pro", MakKey));
        var second = await CheckInAsync(null, ("Office Professional Plus 2021", RetailKey), ("Windows 11 Pro", MakKey));
        await CheckInAsync(null, ("Visio Enterprise 2021", SiteKey));
        await CheckInAsync(null, ("Visio Enterprise 2021", SiteKey));

        // The keys ride on the summary row, masked and hashed only.
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(first.DeviceId),
                first.DeviceId
            )
        ).Value;
        Assert.Contains(HashOf(RetailKey), summary.LicenceKeysJson);
        Assert.DoesNotContain("NMMKJ", summary.LicenceKeysJson);

        var findings = await RunAsync();

        Assert.Equal(
            new Dictionary<(string, string), string>
            {
                [(FindingKinds.DuplicateLicenceKey, first.DeviceId)] = "Open",
                [(FindingKinds.DuplicateLicenceKey, second.DeviceId)] = "Open",
            },
            findings
        );
        var finding = await app
            .Services.GetRequiredService<FindingService>()
            .FindAsync(
                FindingKeys.Id(
                    FindingKinds.DuplicateLicenceKey,
                    FindingKeys.RowKey(FindingSubjects.Asset, first.DeviceId)
                ),
                CancellationToken.None
            );
        Assert.Contains("*****-*****-*****-*****-6MWKP (Office Professional Plus 2021) also on", finding!.Text);
        Assert.DoesNotContain("NMMKJ", finding.Text);

        // The second machine is re-keyed: its next inventory no longer reports the key.
        await CheckInAsync(second, ("Windows 11 Pro", MakKey));
        var after = await RunAsync();
        Assert.All(after.Values, status => Assert.Equal("AutoResolved", status));
        Assert.Equal(2, after.Count);
    }
}
