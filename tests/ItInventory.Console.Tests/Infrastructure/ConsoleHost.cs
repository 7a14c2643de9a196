using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DevIdentity;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Playwright;

namespace ItInventory.Console.Tests.Infrastructure;

/// <summary>
/// The whole local system as the README starts it: the local host running the function app (tables of its own in the
/// shared Azurite), the development identity provider and the console (its Debug build output), plus one headless
/// Chromium. One per test class: starting it is the expensive part.
/// </summary>
public sealed partial class ConsoleHost : IAsyncLifetime
{
    public const string EnrollmentSecret = "console-e2e-enrollment-secret-0123456789";

    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];
    private IPlaywright? playwright;

    public HostProcess Host { get; private set; } = null!;

    public Uri ConsoleUri { get; private set; } = null!;

    public Uri IdentityUri { get; private set; } = null!;

    public Uri ApiUri => new(Host.BaseUri, "api/");

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        if (await DebianPackages.EnsureAsync("chromium") is { } reason)
            throw new InvalidOperationException("Chromium is needed for the console tests: " + reason);
        var connectionString = (await Azurite.SharedAsync()).ConnectionString;
        Host = await HostProcess.StartAsync(
            BuiltPaths.InventoryApp,
            new Dictionary<string, string>(TimerSchedules.FromLocalSettingsExample())
            {
                ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
                ["AzureWebJobsStorage"] = connectionString,
                ["CHECKIN_QUEUE"] = $"checkins-{suffix}",
                ["OUTBOX_QUEUE"] = $"outbox-{suffix}",
                ["Storage__AssetsTable"] = $"assets{suffix}",
                ["Storage__AssetSummaryTable"] = $"assetsummary{suffix}",
                ["Storage__IdentitiesTable"] = $"assetidentities{suffix}",
                ["Storage__EnrollmentSecretsTable"] = $"enrollmentsecrets{suffix}",
                ["Storage__SightingsTable"] = $"sightings{suffix}",
                ["Storage__PeopleTable"] = $"people{suffix}",
                ["Storage__CampaignsTable"] = $"campaigns{suffix}",
                // Licences, reports and the audit trail of this host only (console2's pages verify and list them).
                ["Storage__AuditTrailTable"] = $"audittrail{suffix}",
                ["Storage__LicencesTable"] = $"licences{suffix}",
                ["Storage__LicenceSeatsTable"] = $"licenceseats{suffix}",
                ["Storage__ReportsTable"] = $"reports{suffix}",
                ["Storage__ReportsContainer"] = $"reports-{suffix}",
                ["Storage__AuditArchiveContainer"] = $"audit-archive-{suffix}",
                ["Storage__CreateIfNotExists"] = "true",
                ["Enrollment__Secret"] = EnrollmentSecret,
            },
            extraArgs: ["--dev-identity", "--dev-identity-port", "0", "--console", ConsoleBuild, "--console-port", "0"]
        );
        IdentityUri = new Uri(IdentityLine().Match(Host.Output).Groups[1].Value);
        ConsoleUri = new Uri(ConsoleLine().Match(Host.Output).Groups[1].Value);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(
            new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
            }
        );
    }

    /// <summary>The console's Debug build output (built with the test project).</summary>
    public static string ConsoleBuild =>
        Path.GetFullPath(
            typeof(ConsoleHost)
                .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "ConsolePath")
                .Value!
        );

    /// <summary>A new browser (own cookies and storage) signed in to the console as <paramref name="persona"/>
    /// through the identity provider's persona picker, on the Home page.</summary>
    public async Task<IPage> SignInAsync(Persona persona, int width = 1280, int height = 800)
    {
        var context = await Browser.NewContextAsync(
            new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = width, Height = height },
            }
        );
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => console.Add($"{message.Type}: {message.Text}");
        page.RequestFailed += (_, request) => console.Add($"failed: {request.Method} {request.Url} {request.Failure}");
        try
        {
            await page.GotoAsync(ConsoleUri.ToString());
            await page.GetByRole(AriaRole.Link, new() { Name = persona.DisplayName, Exact = true }).ClickAsync();
            await page.GetByText($"Signed in as {persona.DisplayName}").WaitForAsync();
        }
        catch (TimeoutException ex)
        {
            var text = await page.InnerTextAsync("body");
            throw new TimeoutException(
                $"Signing in as {persona.Name} did not finish at {page.Url}: {text}\n{string.Join("\n", console)}",
                ex
            );
        }
        return page;
    }

    /// <summary>An access token for API calls the test makes itself (the persona grant of the provider).</summary>
    public async Task<AuthenticationHeaderValue> BearerAsync(Persona persona) =>
        new("Bearer", await DevIdentityServer.RequestTokenAsync(Http, IdentityUri, persona.Name));

    /// <summary>Enrolls a device the way the agent does; answers its asset id.</summary>
    public async Task<string> EnrollAsync(string hostname)
    {
        var serial = "SN" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        using var response = await Http.PostAsync(
            new Uri(ApiUri, "devices/enroll"),
            new StringContent(
                SamplePayloads.Enrollment(serial, hostname: hostname, secret: EnrollmentSecret),
                System.Text.Encoding.UTF8,
                "application/json"
            )
        );
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!["deviceId"]!.GetValue<string>();
    }

    /// <summary>Saves a screenshot into the test output (screenshots/), and into docs/images when asked with
    /// CONSOLE_DOCS_SCREENSHOTS=1.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (Environment.GetEnvironmentVariable("CONSOLE_DOCS_SCREENSHOTS") == "1")
        {
            File.Copy(path, Path.Combine(RepositoryRoot.Path, "docs", "images", $"console-{name}.png"), true);
        }
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        Http.Dispose();
        if (Host is not null)
            await Host.DisposeAsync();
    }

    [GeneratedRegex(@"Development identity provider: (\S+)personas")]
    private static partial Regex IdentityLine();

    [GeneratedRegex(@"Console: (\S+)")]
    private static partial Regex ConsoleLine();
}
