using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using ItInventory.ReportSamples;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;

// Generates the report excerpts of docs/reports.md (between its report-samples markers), pictures of the HTML
// summaries and of the audit PDF's first page (docs/images/report-*.png) from deterministic test data on Azurite.
// Usage: dotnet run --project tools/ReportSamples [-- --no-images]

var images = !args.Contains("--no-images");
var azurite = await Azurite.SharedAsync();
var suffix = AppWiring.NewSuffix();
var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(
        AppWiring.Settings(azurite.ConnectionString, suffix, "report-samples-enrollment-secret-0123")
    )
    .Build();
var clock = new FakeTimeProvider(ReportSampleData.Start);
var services = AppWiring.Build(AppWiring.Services(configuration, clock));
try
{
    await services
        .GetRequiredService<ItInventory.Functions.Storage.InventoryStore>()
        .CreateIfNotExistsAsync(CancellationToken.None);
    var output = await ReportSampleData.GenerateAsync(services, clock.SetUtcNow, CancellationToken.None);

    var docs = RepositoryRoot.Combine("docs", "reports.md");
    var text = await File.ReadAllTextAsync(docs);
    await File.WriteAllTextAsync(docs, ReportSampleData.Replace(text, output.Markdown));
    Console.WriteLine($"Wrote the report excerpts into {docs}");

    if (images)
    {
        await ScreenshotsAsync(output.HtmlPages);
        await PdfPicturesAsync(output.Pdfs);
    }
    return 0;
}
finally
{
    await AppWiring.DeleteStorageAsync(services);
    await services.DisposeAsync();
}

// The first page of each PDF as a PNG, rendered by Debian's poppler-utils (pdftoppm): headless Chromium has no PDF
// viewer to screenshot.
static async Task PdfPicturesAsync(IReadOnlyDictionary<string, byte[]> pdfs)
{
    if (await DebianPackages.EnsureAsync("poppler-utils") is { } reason)
    {
        Console.Error.WriteLine($"No PDF pictures: poppler-utils is not available ({reason}).");
        return;
    }
    foreach (var (name, pdf) in pdfs)
    {
        var source = Path.Combine(Path.GetTempPath(), $"report-samples-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(source, pdf);
        try
        {
            var target = RepositoryRoot.Combine("docs", "images", $"report-{name}");
            using var pdftoppm = System.Diagnostics.Process.Start(
                "pdftoppm",
                ["-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", source, target]
            );
            await pdftoppm.WaitForExitAsync();
            Console.WriteLine(
                pdftoppm.ExitCode == 0 ? $"Wrote {target}.png" : $"pdftoppm failed (exit {pdftoppm.ExitCode})"
            );
        }
        finally
        {
            File.Delete(source);
        }
    }
}

// Each HTML page in Debian's Chromium through Playwright (Playwright cannot download its own browsers here).
static async Task ScreenshotsAsync(IReadOnlyDictionary<string, string> pages)
{
    if (await DebianPackages.EnsureAsync("chromium") is { } reason)
    {
        Console.Error.WriteLine($"No pictures: Chromium is not available ({reason}).");
        return;
    }
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(
        new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = Environment.UserName == "root" ? ["--no-sandbox"] : [],
        }
    );
    var page = await browser.NewPageAsync(
        new BrowserNewPageOptions
        {
            ViewportSize = new() { Width = 1000, Height = 1400 },
        }
    );
    Directory.CreateDirectory(RepositoryRoot.Combine("docs", "images"));
    foreach (var (name, html) in pages)
    {
        await page.SetContentAsync(html);
        var path = RepositoryRoot.Combine("docs", "images", $"report-{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        Console.WriteLine($"Wrote {path}");
    }
}
