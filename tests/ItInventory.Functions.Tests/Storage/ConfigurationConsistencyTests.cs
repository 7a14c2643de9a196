using System.Text.Json;
using Azure.Storage.Queues;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Storage;

public sealed class ConfigurationConsistencyTests
{
    private static JsonElement HostJson =>
        JsonDocument.Parse(File.ReadAllText(RepositoryRoot.Combine("host.json"))).RootElement;

    [Fact]
    public void Queue_senders_use_the_message_encoding_host_json_gives_the_queue_trigger()
    {
        var hostEncoding = HostJson
            .GetProperty("extensions")
            .GetProperty("queues")
            .GetProperty("messageEncoding")
            .GetString();

        var hostSetting = hostEncoding switch
        {
            "none" => QueueMessageEncoding.None,
            "base64" => QueueMessageEncoding.Base64,
            _ => throw new InvalidOperationException($"Unknown messageEncoding {hostEncoding}"),
        };
        Assert.Equal(StorageServiceCollectionExtensions.QueueEncoding, hostSetting);
    }

    [Fact]
    public void Poison_handling_is_configured_in_host_json()
    {
        var queues = HostJson.GetProperty("extensions").GetProperty("queues");

        Assert.InRange(queues.GetProperty("maxDequeueCount").GetInt32(), 2, 10);
        Assert.Equal(
            "api",
            HostJson.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()
        );
    }

    [Fact]
    public void The_queue_name_comes_from_the_same_app_setting_the_trigger_reads()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                    ["CHECKIN_QUEUE"] = "checkins-custom",
                }
            )
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddItInventory(configuration)
            .BuildServiceProvider();

        var options = services
            .GetRequiredService<IOptions<ItInventory.Functions.Storage.InventoryStorageOptions>>()
            .Value;

        Assert.Equal("checkins-custom", options.CheckinQueue);
        Assert.Equal("checkins-custom-poison", options.CheckinPoisonQueue);
        Assert.Equal("checkins-custom", services.GetRequiredService<InventoryStore>().CheckinQueue.Name);
    }

    [Fact]
    public void Identity_based_storage_settings_need_service_uris()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?> { ["AzureWebJobsStorage:credential"] = "managedidentity" }
            )
            .Build();

        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection()
                .AddSingleton<IConfiguration>(configuration)
                .AddLogging()
                .AddItInventory(configuration)
        );
        Assert.Contains("AzureWebJobsStorage__tableServiceUri", error.Message);
    }

    [Fact]
    public void Identity_based_storage_settings_build_clients_without_keys()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage:credential"] = "managedidentity",
                    ["AzureWebJobsStorage:clientId"] = "00000000-0000-0000-0000-000000000001",
                    ["AzureWebJobsStorage:tableServiceUri"] = "https://stexample.table.core.windows.net",
                    ["AzureWebJobsStorage:blobServiceUri"] = "https://stexample.blob.core.windows.net",
                    ["AzureWebJobsStorage:queueServiceUri"] = "https://stexample.queue.core.windows.net",
                }
            )
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddItInventory(configuration)
            .BuildServiceProvider();

        var store = services.GetRequiredService<InventoryStore>();

        Assert.Equal("stexample.table.core.windows.net", store.Assets.Uri.Host);
        Assert.Equal("stexample.blob.core.windows.net", store.Checkins.Uri.Host);
        Assert.Equal("stexample.queue.core.windows.net", store.CheckinQueue.Uri.Host);
    }
}
