using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using DevIdentity;
using ItInventory.Console.Tests.Infrastructure;
using ItInventory.Functions.Tags;
using Microsoft.Playwright;

namespace ItInventory.Console.Tests.EndToEnd;

/// <summary>Findings and audit campaigns in Chromium against the whole local system (one host for the class): acting
/// on a finding a campaign raised, a campaign created and scanned by typing tags, and scan mode reading a QR label
/// from a (fake) camera. Each test works in a department of its own, so the shared tables hold no surprises.</summary>
public sealed class FindingsAndCampaignsTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private static ILocator Nav(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });

    [Fact]
    public async Task Admin_acknowledges_a_finding_is_told_when_it_changed_meanwhile_and_resolves_it()
    {
        var department = Department();
        var asset = await TaggedAssetAsync(department);
        var campaign = await CreateCampaignAsync(department);
        await CallAsync(HttpMethod.Post, $"campaigns/{campaign}/close");

        var page = await host.SignInAsync(Personas.Admin);
        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Findings", Exact = true }).ClickAsync();
        await page.GetByLabel("Department").FillAsync(department);
        await page.GetByLabel("Kind").SelectOptionAsync("campaign-not-audited");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var link = page.GetByRole(AriaRole.Link, new() { NameRegex = new("never recorded before the close") });
        await Assertions.Expect(link).ToHaveCountAsync(1);
        await ConsoleHost.ScreenshotAsync(page, "findings");
        await link.ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await page.GetByText("Acknowledged.", new() { Exact = true }).WaitForAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = "acknowledged", Exact = true }).WaitForAsync();
        var findingId = (await FindingsAsync(department)).Single()!["id"]!.GetValue<string>();
        Assert.Equal("Acknowledged", (await FindingAsync(findingId)).Json["status"]!.GetValue<string>());

        // Someone else snoozes it meanwhile: the page's version is stale, and says so instead of resolving.
        var (etag, _) = await FindingAsync(findingId);
        var until = DateTimeOffset.UtcNow.AddDays(3).ToString("O");
        await CallAsync(HttpMethod.Post, $"findings/{findingId}/snooze", $$"""{"until":"{{until}}"}""", etag);
        await page.GetByLabel("Resolution").FillAsync("Asset " + asset.Tag + " was on loan; seen back on its desk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await page.GetByText("Changed since you opened it — reload.").WaitForAsync();
        Assert.Equal("Snoozed", (await FindingAsync(findingId)).Json["status"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Button, new() { Name = "Reload" }).ClickAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = "snoozed", Exact = true }).WaitForAsync();
        await page.GetByLabel("Resolution").FillAsync("On loan; seen back on its desk");
        await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await page.GetByText("Resolved.", new() { Exact = true }).WaitForAsync();
        await page.GetByText("This finding is closed").WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "finding");
        var resolved = (await FindingAsync(findingId)).Json;
        Assert.Equal("Resolved", resolved["status"]!.GetValue<string>());
        Assert.Equal("On loan; seen back on its desk", resolved["resolution"]!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_assigns_a_finding_to_a_person_of_its_department()
    {
        var department = Department();
        await TaggedAssetAsync(department);
        var campaign = await CreateCampaignAsync(department);
        await CallAsync(HttpMethod.Post, $"campaigns/{campaign}/close");
        var person = Guid.NewGuid().ToString();
        var name = "Ada " + person[..6];
        using (var import = new HttpRequestMessage(HttpMethod.Post, new Uri(host.ApiUri, "people/import")))
        {
            import.Headers.Authorization = await host.BearerAsync(Personas.Admin);
            import.Content = new StringContent(
                "objectId,displayName,email,department,managerObjectId,status\r\n"
                    + $"{person},{name},{person[..6]}@contoso.test,{department},,Active\r\n",
                Encoding.UTF8,
                "text/csv"
            );
            using var imported = await host.Http.SendAsync(import);
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        }
        var findingId = (await FindingsAsync(department)).Single()!["id"]!.GetValue<string>();

        var page = await host.SignInAsync(Personas.Admin);
        var detail = "findings/detail?id=" + Uri.EscapeDataString(findingId);
        await page.GotoAsync(new Uri(host.ConsoleUri, detail).ToString());
        // Offered by name: the active people of the finding's department.
        await page.Locator("select[name=assignee]").SelectOptionAsync(new SelectOptionValue { Value = person });
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign", Exact = true }).ClickAsync();
        await page.GetByText($"Assigned to {name}.").WaitForAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = "assigned", Exact = true }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "finding-assign");

        var assigned = (await FindingAsync(findingId)).Json;
        Assert.Equal(person, assigned["assignee"]!.GetValue<string>());
        Assert.Equal(name, assigned["assigneeName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_creates_a_campaign_and_records_typed_tags_seeing_each_result_then_closes_it()
    {
        var department = Department();
        var first = await TaggedAssetAsync(department);
        await TaggedAssetAsync(department);
        var elsewhere = await TaggedAssetAsync(Department());

        var page = await host.SignInAsync(Personas.Admin);
        await Nav(page).GetByRole(AriaRole.Link, new() { Name = "Audit campaigns", Exact = true }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Count of " + department);
        await page.GetByLabel("Scope").SelectOptionAsync("department");
        await page.GetByLabel("Department, location or category").FillAsync(department);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Count of " + department }).WaitForAsync();
        await Assertions.Expect(page.GetByLabel("Recorded of expected")).ToHaveAttributeAsync("max", "2");

        await page.GetByRole(AriaRole.Link, new() { Name = "Scan mode" }).ClickAsync();
        async Task<string> ScanAsync(string tag, string result = "found")
        {
            var before = await page.Locator(".scan-result").CountAsync();
            await page.GetByLabel("Tag", new() { Exact = true }).FillAsync(tag);
            await page.GetByLabel("Result").SelectOptionAsync(result);
            await page.GetByRole(AriaRole.Button, new() { Name = "Record" }).ClickAsync();
            await Assertions.Expect(page.Locator(".scan-result")).ToHaveCountAsync(before + 1);
            return await page.Locator(".scan-result").First.InnerTextAsync();
        }

        Assert.Contains("Expected — recorded found, at its recorded location", await ScanAsync(first.Tag));
        // Typed in lower case: a tag is read as its label prints it.
        var again = await ScanAsync(first.Tag.ToLowerInvariant());
        Assert.Contains("Already recorded — recorded again (2 records)", again);
        Assert.Contains("Unexpected — this asset is not in the campaign", await ScanAsync(elsewhere.Tag));
        Assert.Contains("Unexpected — no asset has this tag", await ScanAsync("ZZ-999999999"));
        var refused = await ScanAsync(elsewhere.Tag, "missing");
        Assert.Contains("Outside the campaign — not recorded", refused);
        Assert.Contains("only the campaign's assets can be recorded missing", refused);
        await ConsoleHost.ScreenshotAsync(page, "campaign-scan");
        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));

        await page.GetByRole(AriaRole.Link, new() { Name = "← Campaign" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Close campaign" }).ClickAsync();
        await page.GetByText("Closed: accuracy 50 %.").WaitForAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Discrepancies" }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "campaign");
    }

    [Fact]
    public async Task Scan_mode_reads_an_asset_label_from_the_camera_and_records_the_asset()
    {
        var department = Department();
        var asset = await TaggedAssetAsync(department);
        var campaign = await CreateCampaignAsync(department);
        var payload = AssetTagFormat.LabelPayload(
            asset.Tag,
            AssetTagFormat.AssetUrl(host.Host.BaseUri.ToString(), asset.Id)
        );
        var video = Path.Combine(Path.GetTempPath(), $"qr-{Guid.NewGuid():N}.y4m");
        await File.WriteAllBytesAsync(video, QrVideo.Y4m(payload));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args =
                [
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    "--use-file-for-fake-video-capture=" + video,
                    .. Environment.UserName == "root" ? new[] { "--no-sandbox" } : [],
                ],
            }
        );
        try
        {
            var page = await SignInAsync(browser, Personas.Auditor);
            await page.GotoAsync(new Uri(host.ConsoleUri, $"campaigns/scan?id={campaign}").ToString());
            await page.GetByRole(AriaRole.Button, new() { Name = "Start camera" }).ClickAsync();
            await page.GetByText("Camera on").WaitForAsync();
            var result = page.Locator(".scan-result").First;
            await result.WaitForAsync();
            Assert.Contains(asset.Tag, await result.InnerTextAsync());
            Assert.Contains("Expected — recorded found", await result.InnerTextAsync());
            await ConsoleHost.ScreenshotAsync(page, "campaign-camera");
            await page.GetByRole(AriaRole.Button, new() { Name = "Stop camera" }).ClickAsync();
        }
        finally
        {
            File.Delete(video);
        }

        var records = await CallAsync(HttpMethod.Get, $"campaigns/{campaign}/assets?result=found");
        var recorded = Assert.Single(records.Json["items"]!.AsArray());
        Assert.Equal(asset.Id, recorded!["assetId"]!.GetValue<string>());
        Assert.StartsWith(Personas.Auditor.Upn, recorded["recordedBy"]!.GetValue<string>());
    }

    private static string Department() => "Dept-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A peripheral at location hq of <paramref name="department"/>, with a tag.</summary>
    private async Task<(string Id, string Tag)> TaggedAssetAsync(string department)
    {
        await CallAsync(HttpMethod.Put, "taxonomy/location/hq", """{"displayName":"Head office"}""");
        var created = await CallAsync(
            HttpMethod.Post,
            "assets",
            $$"""{"name":"Dock {{department}}","type":"peripheral","department":"{{department}}","location":"hq"}"""
        );
        var id = created.Json["id"]!.GetValue<string>();
        var tag = await CallAsync(HttpMethod.Post, $"assets/{id}/tag");
        return (id, tag.Json["tag"]!.GetValue<string>());
    }

    private async Task<string> CreateCampaignAsync(string department)
    {
        var created = await CallAsync(
            HttpMethod.Post,
            "campaigns",
            $$"""{"name":"Count {{department}}","scope":"department","scopeValue":"{{department}}","mode":"full"}"""
        );
        return created.Json["id"]!.GetValue<string>();
    }

    private async Task<JsonArray> FindingsAsync(string department) =>
        (await CallAsync(HttpMethod.Get, $"findings?department={department}")).Json["items"]!.AsArray();

    private async Task<(string ETag, JsonNode Json)> FindingAsync(string id)
    {
        var answer = await CallAsync(HttpMethod.Get, $"findings/{id}");
        return (answer.ETag!, answer.Json);
    }

    /// <summary>The management API as the admin; fails the test on anything but a success.</summary>
    private async Task<(JsonNode Json, string? ETag)> CallAsync(
        HttpMethod method,
        string path,
        string? json = null,
        string? etag = null
    )
    {
        using var request = new HttpRequestMessage(method, new Uri(host.ApiUri, path));
        request.Headers.Authorization = await host.BearerAsync(Personas.Admin);
        if (etag is not null)
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        if (json is not null)
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return (
            response.StatusCode == HttpStatusCode.NoContent ? new JsonObject() : JsonNode.Parse(body)!,
            response.Headers.ETag?.ToString()
        );
    }

    /// <summary>Signs in through the persona picker in a browser of the test's own (the camera test's Chromium).
    /// </summary>
    private async Task<IPage> SignInAsync(IBrowser browser, Persona persona)
    {
        var context = await browser.NewContextAsync();
        context.SetDefaultTimeout(60_000);
        await context.GrantPermissionsAsync(["camera"]);
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.ConsoleUri.ToString());
        await page.GetByRole(AriaRole.Link, new() { Name = persona.DisplayName, Exact = true }).ClickAsync();
        await page.GetByText($"Signed in as {persona.DisplayName}").WaitForAsync();
        return page;
    }
}
