using System.Text;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using DevIdentity;
using ItInventory.Console.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Playwright;

namespace ItInventory.Console.Tests.EndToEnd;

/// <summary>Licences, people, enrollment secrets, reports and the audit trail in Chromium against the whole local
/// system (one host for the class): one flow per page, and what each role is offered.</summary>
public sealed class GovernanceConsoleTests(ConsoleHost host) : IClassFixture<ConsoleHost>
{
    private static ILocator Nav(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" });

    private static Task OpenAsync(IPage page, string link) =>
        Nav(page).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();

    [Fact]
    public async Task Admin_creates_a_product_adds_seats_assigns_one_to_a_device_and_releases_it()
    {
        var hostname = "e2e-licence-" + Guid.NewGuid().ToString("N")[..6];
        var assetId = await host.EnrollAsync(hostname);
        var product = "Visio " + Guid.NewGuid().ToString("N")[..6];
        var page = await host.SignInAsync(Personas.Admin);

        await OpenAsync(page, "Licences");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(product);
        await page.GetByLabel("Counted").SelectOptionAsync("PerDevice");
        await page.GetByLabel("Software name pattern").FillAsync("Visio*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create product" }).ClickAsync();
        await page.GetByText($"{product} created.").WaitForAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = product }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = product }).WaitForAsync();
        await page.GetByLabel("Reference").FillAsync("PO-2026-17");
        await page.GetByLabel("Seats", new() { Exact = true }).FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add entitlement" }).ClickAsync();
        await page.GetByText("Entitlement PO-2026-17 added.").WaitForAsync();

        // The select's accessible name includes its options' text: found by its field name.
        await page.Locator("select[name=holderKind]").SelectOptionAsync("asset");
        await page.GetByLabel("Holder id").FillAsync(assetId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Assign seat" }).ClickAsync();
        await page.GetByText($"Seat assigned to asset {assetId}.").WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "licence");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Release asset-{assetId}" }).ClickAsync();
        await page.GetByText($"Seat of asset {assetId} released.").WaitForAsync();
        await page.GetByText("No seat is assigned.").WaitForAsync();
        await AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Admin_finds_a_person_and_records_their_departure()
    {
        var objectId = Guid.NewGuid().ToString();
        var name = "Grace " + objectId[..6];
        await ApiAsync(
            Personas.Admin,
            HttpMethod.Post,
            "people/import",
            new StringContent(
                "objectId,displayName,email,department,managerObjectId,status\r\n"
                    + $"{objectId},{name},{objectId[..6]}@contoso.test,Finance,,Active\r\n",
                Encoding.UTF8,
                "text/csv"
            )
        );
        var page = await host.SignInAsync(Personas.Admin);

        await OpenAsync(page, "People");
        await page.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = name }).WaitForAsync();
        await page.GetByText("No asset is owned by this person.").WaitForAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Mark as departed" }).ClickAsync();
        await page.GetByText("Marked as departed.").WaitForAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark as active again" }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "person");

        var person = await ApiAsync(Personas.Admin, HttpMethod.Get, $"people/{objectId}");
        Assert.Equal("Departed", person!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_uploads_a_people_csv_and_reads_the_rows_created_and_rejected()
    {
        var objectId = Guid.NewGuid().ToString();
        var name = "Hedy " + objectId[..6];
        var csv =
            "objectId,displayName,email,department,managerObjectId,status\r\n"
            + $"{objectId},{name},{objectId[..6]}@contoso.test,Finance,,Active\r\n"
            + "not-an-object-id,Nobody,nobody@contoso.test,Finance,,Active\r\n";
        var page = await host.SignInAsync(Personas.Admin);

        await OpenAsync(page, "People");
        await page.GetByLabel("People CSV")
            .SetInputFilesAsync(
                new FilePayload
                {
                    Name = "people.csv",
                    MimeType = "text/csv",
                    Buffer = Encoding.UTF8.GetBytes(csv),
                }
            );
        await page.GetByText("Imported people.csv: 1 created, 0 updated, 0 unchanged, 1 rejected.").WaitForAsync();
        var rejected = page.GetByRole(AriaRole.Table, new() { Name = "Rejected rows" }).Locator("tbody tr");
        await Assertions.Expect(rejected).ToHaveCountAsync(1);
        Assert.StartsWith("3", await rejected.Locator("td").First.InnerTextAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = name }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "people-import");
        await AssertAccessibleAsync(page);

        var person = await ApiAsync(Personas.Admin, HttpMethod.Get, $"people/{objectId}");
        Assert.Equal(name, person!["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Admin_creates_an_enrollment_secret_sees_it_once_and_a_device_enrolls_with_it()
    {
        var label = "Branch " + Guid.NewGuid().ToString("N")[..6];
        var page = await host.SignInAsync(Personas.Admin);

        await OpenAsync(page, "Enrollment secrets");
        await page.GetByLabel("Label").FillAsync(label);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create secret" }).ClickAsync();
        var secret = await page.GetByTestId("new-secret").InnerTextAsync();
        Assert.False(string.IsNullOrWhiteSpace(secret));
        await ConsoleHost.ScreenshotAsync(page, "enrollment-secret");

        // Shown once: after a reload only the label is listed.
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = label, Exact = true }).WaitForAsync();
        Assert.Equal(0, await page.GetByText(secret).CountAsync());

        // The secret is real: a device enrolls with it.
        var deviceId = await EnrollWithAsync(secret);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {label}" }).ClickAsync();
        await page.GetByText($"{label} revoked.").WaitForAsync();
        await AssertAccessibleAsync(page);
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = label });
        await Assertions.Expect(row).ToContainTextAsync("Revoked");

        // The device's own credential, given at enrollment, is revoked too: the device is refused from then on.
        await page.GetByLabel("Device (asset id)").FillAsync(deviceId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke credential" }).ClickAsync();
        await page.GetByText($"The credential of {deviceId} is revoked.").WaitForAsync();
    }

    [Fact]
    public async Task Admin_without_mfa_is_shown_the_apis_refusal_in_words()
    {
        var page = await host.SignInAsync(Personas.AdminWithoutMfa);

        await OpenAsync(page, "Enrollment secrets");
        await page.GetByLabel("Label").FillAsync("refused");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create secret" }).ClickAsync();

        await Assertions
            .Expect(page.GetByRole(AriaRole.Alert))
            .ToContainTextAsync("Changes require multi-factor authentication");
        Assert.Equal(0, await page.GetByTestId("new-secret").CountAsync());
    }

    [Fact]
    public async Task Admin_generates_a_finance_summary_and_downloads_its_csv()
    {
        await host.EnrollAsync("e2e-report-" + Guid.NewGuid().ToString("N")[..6]);
        var page = await host.SignInAsync(Personas.Admin);

        await OpenAsync(page, "Reports");
        await page.GetByLabel("Month").FillAsync("2026-10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Generate finance summary" }).ClickAsync();
        await page.GetByText("Finance summary 2026-10 generated").WaitForAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Finance summary" }).WaitForAsync();
        await ConsoleHost.ScreenshotAsync(page, "reports");

        var csv = page.GetByRole(AriaRole.Button, new() { NameRegex = new("^Download .*\\.csv of 2026-10$") }).First;
        var download = await page.RunAndWaitForDownloadAsync(() => csv.ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var path = Path.Combine(AppContext.BaseDirectory, "downloads", download.SuggestedFilename);
        await download.SaveAsAsync(path);
        Assert.True(new FileInfo(path).Length > 0);
    }

    [Fact]
    public async Task Auditor_browses_the_audit_trail_and_verification_says_verified()
    {
        var hostname = "e2e-trail-" + Guid.NewGuid().ToString("N")[..6];
        var assetId = await host.EnrollAsync(hostname);
        var page = await host.SignInAsync(Personas.Auditor);

        await OpenAsync(page, "Audit trail");
        await page.GetByLabel("Entity", new() { Exact = true }).FillAsync("asset");
        await page.GetByLabel("Entity id").FillAsync(assetId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = $"asset {assetId}" }).First.WaitForAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the audit trail" }).ClickAsync();
        await Assertions
            .Expect(page.GetByRole(AriaRole.Status, new() { Name = "Verification result" }))
            .ToContainTextAsync("Verified:");
        await ConsoleHost.ScreenshotAsync(page, "audit-trail");
        await AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Each_role_is_offered_only_what_it_may_do()
    {
        var auditor = await host.SignInAsync(Personas.Auditor);
        await OpenAsync(auditor, "Enrollment secrets");
        await auditor.GetByRole(AriaRole.Heading, new() { Name = "Enrollment secrets" }).WaitForAsync();
        Assert.Equal(0, await auditor.GetByRole(AriaRole.Button, new() { Name = "Create secret" }).CountAsync());
        await OpenAsync(auditor, "Licences");
        await auditor.GetByRole(AriaRole.Button, new() { Name = "Find reclamation candidates" }).WaitForAsync();
        Assert.Equal(0, await auditor.GetByRole(AriaRole.Button, new() { Name = "Create product" }).CountAsync());

        var lead = await host.SignInAsync(Personas.FinanceLead);
        await Nav(lead).GetByRole(AriaRole.Link, new() { Name = "Reports", Exact = true }).WaitForAsync();
        foreach (var hidden in new[] { "Enrollment secrets", "Audit trail" })
            Assert.Equal(
                0,
                await Nav(lead).GetByRole(AriaRole.Link, new() { Name = hidden, Exact = true }).CountAsync()
            );
        await OpenAsync(lead, "People");
        await lead.GetByLabel("Department").FillAsync(Personas.FinanceDepartment);
        await lead.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await lead.GetByRole(AriaRole.Table, new() { Name = "People" })
            .Or(lead.GetByText("Nobody matches."))
            .WaitForAsync();
        Assert.Equal(0, await lead.GetByRole(AriaRole.Alert).CountAsync());
    }

    /// <summary>A call the test makes itself, as <paramref name="persona"/>; answers the JSON (null when empty).
    /// </summary>
    private async Task<JsonNode?> ApiAsync(Persona persona, HttpMethod method, string path, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(host.ApiUri, path)) { Content = body };
        request.Headers.Authorization = await host.BearerAsync(persona);
        using var response = await host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    /// <summary>Enrolls a new device with <paramref name="secret"/>, as the agent does; answers its id.</summary>
    private async Task<string> EnrollWithAsync(string secret)
    {
        var serial = "SN" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        using var response = await host.Http.PostAsync(
            new Uri(host.ApiUri, "devices/enroll"),
            new StringContent(
                SamplePayloads.Enrollment(serial, hostname: "e2e-secret-" + serial[2..8], secret: secret),
                Encoding.UTF8,
                "application/json"
            )
        );
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["deviceId"]!.GetValue<string>();
    }

    private static async Task AssertAccessibleAsync(IPage page)
    {
        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("; ", axe.Violations.Select(v => $"{v.Id}: {v.Help}")));
    }
}
