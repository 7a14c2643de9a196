using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests;

/// <summary>An app whose worker.config.json does not enable worker indexing: the host reads functions.metadata
/// itself.</summary>
public sealed class MetadataFileTests : IDisposable
{
    private readonly string app = Path.Combine(
        Path.GetTempPath(),
        "functionshost-noindexing-" + Guid.NewGuid().ToString("N")[..8]
    );

    public MetadataFileTests()
    {
        CopyDirectory(BuiltPaths.SampleApp, app);
        var configPath = Path.Combine(app, "worker.config.json");
        var config = JsonNode.Parse(File.ReadAllText(configPath))!;
        config["description"]!["workerIndexing"] = "false";
        File.WriteAllText(configPath, config.ToJsonString());
    }

    public void Dispose() => Directory.Delete(app, recursive: true);

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Functions_load_from_functions_metadata_and_run()
    {
        var azurite = await Azurite.SharedAsync();
        var settings = SampleHostFixture.SampleSettings(azurite.ConnectionString, Guid.NewGuid().ToString("N")[..10]);
        await using var host = await HostProcess.StartAsync(
            app,
            settings,
            masterKey: "metadata-master-key",
            extraArgs: ["--functions", "Hello,WorkMessage"]
        );
        Assert.Contains("reading functions.metadata", host.Output);

        using var http = new HttpClient { BaseAddress = host.BaseUri };
        using var hello = await http.GetAsync("v1/hello/file?code=metadata-master-key");
        Assert.Equal(HttpStatusCode.OK, hello.StatusCode);
        Assert.Contains("Hello, file", await hello.Content.ReadAsStringAsync());

        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var messages = new QueueClient(azurite.ConnectionString, settings["MESSAGE_QUEUE"], options);
        await messages.CreateIfNotExistsAsync();
        await messages.SendMessageAsync("from-metadata-file");
        var done = new QueueClient(azurite.ConnectionString, settings["DONE_QUEUE"], options);
        await Eventually.ReturnsAsync(
            async () =>
                await done.ExistsAsync()
                && (await done.PeekMessagesAsync(32)).Value.Any(m =>
                    m.Body.ToString() == "message|from-metadata-file|1|True|True"
                ),
            "the WorkMessage output",
            diagnostics: () => host.Output
        );
    }
}
