using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsHost;

/// <summary>
/// Serves a Blazor WebAssembly app from its build output (the static web assets manifest a Debug build writes, so no
/// publish is needed) on a loopback port, with a fallback to index.html for client-side routes. The app is told it
/// runs in the <c>Local</c> environment (<c>Blazor-Environment</c> header), and its <c>appsettings.json</c> is served
/// with this run's addresses (the API's and the identity provider's) laid over the file's.
/// </summary>
internal sealed class ConsoleSite(WebApplication app) : IAsyncDisposable
{
    public const string Environment = "Local";

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The origin browsers send (CORS), e.g. <c>http://127.0.0.1:7073</c>.</summary>
    public string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

    public static async Task<ConsoleSite> StartAsync(
        HostOptions options,
        int port,
        Func<JsonObject> localSettings,
        CancellationToken cancellationToken
    )
    {
        var manifest = await FindManifestAsync(options, cancellationToken);
        var outputDir = Path.GetDirectoryName(manifest)!;
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions
            {
                ContentRootPath = outputDir,
                WebRootPath = Path.Combine(outputDir, "wwwroot"),
                Args = [],
            }
        );
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Configuration[WebHostDefaults.StaticWebAssetsKey] = manifest;
        StaticWebAssetsLoader.UseStaticWebAssets(builder.Environment, builder.Configuration);
        var app = builder.Build();
        app.Use(
            (http, next) =>
            {
                http.Response.Headers["Blazor-Environment"] = Environment;
                http.Response.Headers.CacheControl = "no-cache";
                return next(http);
            }
        );
        // The app's own appsettings.json with this run's addresses laid over it (a standalone WebAssembly app reads
        // its environment name from its build, not from the server, so the overlay replaces the file itself).
        app.MapGet("/appsettings.json", async (HttpContext http) =>
        {
            var file = app.Environment.WebRootFileProvider.GetFileInfo("appsettings.json");
            var settings = new JsonObject();
            if (file.Exists)
            {
                await using var stream = file.CreateReadStream();
                settings = JsonNode.Parse(stream)?.AsObject() ?? [];
            }
            foreach (var (key, value) in localSettings())
                settings[key] = value?.DeepClone();
            return Results.Json(settings);
        });
        // The runtime fetches .pdb, .dat and other files the default type map does not know.
        app.UseStaticFiles(
            new StaticFileOptions { ServeUnknownFileTypes = true, DefaultContentType = "application/octet-stream" }
        );
        app.MapFallbackToFile("index.html");
        var site = new ConsoleSite(app);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new HostStartupException(
                $"Cannot serve the console: {ex.Message} (choose another port with --console-port)."
            );
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        site.BaseUri = new Uri(new Uri(address.First()).GetLeftPart(UriPartial.Authority) + "/");
        return site;
    }

    /// <summary>The static web assets manifest of the console's build output (building the project first unless
    /// --no-build).</summary>
    private static async Task<string> FindManifestAsync(HostOptions options, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(options.Console!);
        var outputDir = path;
        var projects = Directory.Exists(path) ? Directory.GetFiles(path, "*.csproj") : [];
        if (File.Exists(path) && path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
            projects = [path];
        if (projects.Length == 1)
        {
            if (!options.NoBuild)
                await FunctionApp.BuildAsync(projects[0], options.Configuration, cancellationToken);
            outputDir = await FunctionApp.MsBuildPropertyAsync(
                projects[0],
                "TargetDir",
                options.Configuration,
                cancellationToken
            );
        }
        var manifests = Directory.Exists(outputDir)
            ? Directory.GetFiles(outputDir, "*.staticwebassets.runtime.json")
            : [];
        return manifests.Length == 1
            ? manifests[0]
            : throw new HostStartupException(
                $"--console {options.Console}: no Blazor WebAssembly build output (one *.staticwebassets.runtime.json) "
                    + $"in {outputDir}."
            );
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
