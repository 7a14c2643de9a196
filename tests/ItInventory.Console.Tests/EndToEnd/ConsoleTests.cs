using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using DevIdentity;
using ItInventory.Console.Tests.Infrastructure;
using Microsoft.Playwright;

namespace ItInventory.Console.Tests.EndToEnd;

/// <summary>The console in Chromium against the whole local system (one host for the class): sign-in per persona,
/// what each may see, a device enrolled with the API found, approved, and edited with a conflict.</summary>
public sealed class ConsoleTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private static ILocator Nav(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });

    [Fact]
    public async Task Admin_signs_in_through_the_persona_picker_and_finds_an_enrolled_device()
    {
        var hostname = "e2e-find-" + Guid.NewGuid().ToString("N")[..6];
        await host.EnrollAsync(hostname);

        var page = await host.SignInAsync(Personas.Admin);
        string[] links = ["Home", "Assets", "Review", "My devices"];
        foreach (var link in links)
            await Nav(page).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).WaitForAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Assets by state" }).WaitForAsync();

        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Assets", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = hostname }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "assets");

        // The filters narrow the list: no asset of this run is in repair.
        await page.GetByLabel("State").SelectOptionAsync("InRepair");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByText("No asset matches.").WaitForAsync();

        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }

    [Fact]
    public async Task Employee_sees_only_their_own_pages_and_is_refused_the_inventory()
    {
        var page = await host.SignInAsync(Personas.Employee);
        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "My devices", Exact = true }).WaitForAsync();
        Assert.Equal(0, await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Assets", Exact = true }).CountAsync());
        Assert.Equal(0, await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Review", Exact = true }).CountAsync());

        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "My devices", Exact = true }).ClickAsync();
        await page.GetByText("No device is registered to you.").WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "my-devices");

        await page.GotoAsync(new Uri(host.ConsoleUri, "assets").ToString());
        await page.GetByText("Your role does not open this page.").WaitForAsync();
    }

    [Fact]
    public async Task Auditor_reads_an_asset_but_is_offered_no_edit_and_no_review()
    {
        var hostname = "e2e-audit-" + Guid.NewGuid().ToString("N")[..6];
        var assetId = await host.EnrollAsync(hostname);
        var page = await host.SignInAsync(Personas.Auditor);
        Assert.Equal(0, await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Review", Exact = true }).CountAsync());

        await page.GotoAsync(new Uri(host.ConsoleUri, $"assets/{assetId}").ToString());
        await page.GetByRole(AriaRole.Heading, new() { Name = hostname }).WaitForAsync();
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).CountAsync());
    }

    [Fact]
    public async Task Department_lead_sees_the_inventory_pages_but_not_review()
    {
        var page = await host.SignInAsync(Personas.FinanceLead);
        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Assets", Exact = true }).WaitForAsync();
        Assert.Equal(0, await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Review", Exact = true }).CountAsync());
        await page.GetByText("(DepartmentLead)").WaitForAsync();
    }

    [Fact]
    public async Task Admin_approves_a_discovered_device_in_review()
    {
        var hostname = "e2e-approve-" + Guid.NewGuid().ToString("N")[..6];
        var assetId = await host.EnrollAsync(hostname);
        var page = await host.SignInAsync(Personas.Admin);

        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Review", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = hostname }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "review");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Approve {hostname}" }).ClickAsync();
        await page.GetByText($"{hostname} approved.").WaitForAsync();

        var asset = await GetAssetAsync(assetId);
        Assert.Equal("InStock", asset.Json["state"]!.GetValue<string>());
        Assert.False(asset.Json["needsReview"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Saving_an_asset_changed_since_it_was_opened_says_so_and_reload_then_saves()
    {
        var hostname = "e2e-conflict-" + Guid.NewGuid().ToString("N")[..6];
        var assetId = await host.EnrollAsync(hostname);
        var page = await host.SignInAsync(Personas.Admin);
        await page.GotoAsync(new Uri(host.ConsoleUri, $"assets/{assetId}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).WaitForAsync();

        // Locations are a managed taxonomy: the two used here exist.
        foreach (var code in new[] { "storeroom-b", "desk-12" })
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, new Uri(host.ApiUri, $"taxonomy/location/{code}"));
            put.Headers.Authorization = await host.BearerAsync(Personas.Admin);
            put.Content = new StringContent($$"""{"displayName":"{{code}}"}""", Encoding.UTF8, "application/json");
            using var created = await host.Http.SendAsync(put);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        }

        // Someone else changes it meanwhile.
        var (etag, _) = await GetAssetAsync(assetId);
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, new Uri(host.ApiUri, $"assets/{assetId}")))
        {
            patch.Headers.Authorization = await host.BearerAsync(Personas.Admin);
            patch.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
            patch.Content = new StringContent("""{"location":"storeroom-b"}""", Encoding.UTF8, "application/json");
            using var changed = await host.Http.SendAsync(patch);
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        await page.GetByLabel("Location").FillAsync("desk-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GetByText("Changed since you opened it — reload.").WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "asset-conflict");
        Assert.Equal("storeroom-b", (await GetAssetAsync(assetId)).Json["location"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Reload" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Location")).ToHaveValueAsync("storeroom-b");
        await page.GetByLabel("Location").FillAsync("desk-12");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await page.GetByText("Saved.").WaitForAsync();
        await Assertions.Expect(page.GetByLabel("Location")).ToHaveValueAsync("desk-12");
        Assert.Equal("desk-12", (await GetAssetAsync(assetId)).Json["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task Home_counts_assets_by_state_says_what_is_offline_and_links_open_findings_by_kind()
    {
        await host.EnrollAsync("e2e-home-" + Guid.NewGuid().ToString("N")[..6]);
        var page = await host.SignInAsync(Personas.Admin);

        var states = page.Locator("section[aria-labelledby=states] .kpi");
        await Assertions.Expect(states.Filter(new() { HasText = "Discovered" })).ToHaveCountAsync(1);
        var discovered = await states.Filter(new() { HasText = "Discovered" }).Locator("strong").InnerTextAsync();
        Assert.True(int.Parse(discovered) >= 1, discovered);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Offline now" }).WaitForAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Open findings by kind" }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "home");
    }

    [Fact]
    public async Task Admin_retires_an_asset_sanitises_it_downloads_the_certificate_and_records_its_disposal()
    {
        var hostname = "e2e-retire-" + Guid.NewGuid().ToString("N")[..6];
        var assetId = await host.EnrollAsync(hostname);
        var (etag, _) = await GetAssetAsync(assetId);
        using (var approve = new HttpRequestMessage(HttpMethod.Post, new Uri(host.ApiUri, $"assets/{assetId}/approve")))
        {
            approve.Headers.Authorization = await host.BearerAsync(Personas.Admin);
            approve.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
            using var approved = await host.Http.SendAsync(approve);
            Assert.True(approved.IsSuccessStatusCode, await approved.Content.ReadAsStringAsync());
        }
        var page = await host.SignInAsync(Personas.Admin);
        await page.GotoAsync(new Uri(host.ConsoleUri, $"assets/{assetId}").ToString());
        await page.GetByRole(AriaRole.Heading, new() { Name = hostname }).WaitForAsync();

        await page.GetByLabel("Move to").SelectOptionAsync("Retired");
        await page.GetByLabel("Why (optional)").FillAsync("End of lease");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change state" }).ClickAsync();
        await page.GetByText("Moved to Retired.").WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "asset");
        Assert.Equal("Retired", (await GetAssetAsync(assetId)).Json["state"]!.GetValue<string>());

        await page.GetByLabel("Tool", new() { Exact = true }).FillAsync("nvme-cli");
        await page.GetByLabel("Operator").FillAsync("Jo Tech");
        await page.GetByLabel("Media (one per line").FillAsync("nvme0 S/N E2E0001");
        await page.GetByLabel("Verified how").FillAsync("Sampled read-back");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record sanitisation" }).ClickAsync();
        await page.GetByText("Sanitisation recorded.").WaitForAsync();
        var certificate = page.GetByRole(AriaRole.Button, new() { Name = "Download the certificate (PDF)" });
        var download = await page.RunAndWaitForDownloadAsync(() => certificate.ClickAsync());
        Assert.StartsWith("sanitisation-certificate-", download.SuggestedFilename);
        var path = Path.Combine(AppContext.BaseDirectory, "downloads", download.SuggestedFilename);
        await download.SaveAsAsync(path);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(File.ReadAllBytes(path)[..4]));
        await ConsoleHost.ScreenshotAsync(page, "asset-decommissioning");

        await page.GetByLabel("Recycler").FillAsync("GreenCycle Ltd");
        await page.GetByLabel("Certification").FillAsync("R2v3");
        await page.GetByLabel("WEEE reference").FillAsync("WEEE-2026-0042");
        await page.GetByRole(AriaRole.Button, new() { Name = "Record disposal" }).ClickAsync();
        await page.GetByText("Disposal recorded: the asset is disposed of.").WaitForAsync();
        Assert.Equal("Disposed", (await GetAssetAsync(assetId)).Json["state"]!.GetValue<string>());
        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }

    [Fact]
    public async Task Console_fits_a_phone_screen()
    {
        var page = await host.SignInAsync(Personas.Admin, width: 390, height: 844);
        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Assets", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Assets" }).WaitForAsync();
        var overflow = await page.EvaluateAsync<bool>(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        );
        Assert.False(overflow);
        await ConsoleHost.ScreenshotAsync(page, "phone-assets");
    }

    private async Task<(string ETag, JsonNode Json)> GetAssetAsync(string assetId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.ApiUri, $"assets/{assetId}"));
        request.Headers.Authorization = await host.BearerAsync(Personas.Admin);
        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (response.Headers.ETag!.ToString(), JsonNode.Parse(body)!);
    }
}
