using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ItInventory.Functions.Common;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ItInventory.Functions.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Queue message text encoding. host.json sets <c>extensions.queues.messageEncoding</c> to <c>none</c>, so the
    /// senders write plain JSON; a test keeps the two in step.
    /// </summary>
    public const QueueMessageEncoding QueueEncoding = QueueMessageEncoding.None;

    /// <summary>
    /// Registers the Azure Storage clients: with a connection string in <c>AzureWebJobsStorage</c> (Azurite, local
    /// runs), or identity-based from <c>AzureWebJobsStorage__tableServiceUri</c>/<c>__blobServiceUri</c>/
    /// <c>__queueServiceUri</c> and the managed identity named by <c>AzureWebJobsStorage__clientId</c> (Azure).
    /// </summary>
    public static IServiceCollection AddInventoryStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InventoryStorageOptions>()
            .BindConfiguration(InventoryStorageOptions.SectionName)
            .PostConfigure(options =>
            {
                if (configuration[AppSettingNames.CheckinQueue] is { Length: > 0 } queue)
                {
                    options.CheckinQueue = queue;
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var connection = configuration.GetSection(AppSettingNames.StorageConnection);
        services.AddAzureClients(clients =>
        {
            if (connection.Value is { Length: > 0 } connectionString)
            {
                clients.AddTableServiceClient(connectionString);
                clients.AddBlobServiceClient(connectionString);
                clients.AddQueueServiceClient(connectionString).ConfigureOptions(o => o.MessageEncoding = QueueEncoding);
            }
            else
            {
                clients.AddTableServiceClient(RequiredUri(connection, "tableServiceUri"));
                clients.AddBlobServiceClient(RequiredUri(connection, "blobServiceUri"));
                clients.AddQueueServiceClient(RequiredUri(connection, "queueServiceUri")).ConfigureOptions(o => o.MessageEncoding = QueueEncoding);
                clients.UseCredential(connection["clientId"] is { Length: > 0 } clientId
                    ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                    : new DefaultAzureCredential());
            }

            clients.ConfigureDefaults(options =>
            {
                options.AddPolicy(StorageRequestCounter.Instance, HttpPipelinePosition.PerRetry);
                BoundRetries(options.Retry);
            });
        });

        services.AddSingleton<InventoryStore>();
        services.AddHostedService<StorageInitializer>();
        return services;
    }

    /// <summary>
    /// Retries short enough for a request path: a storage outage must become a 503 in seconds, not after the SDK's
    /// default minute of back-off while devices pile up. Worst case with storage unreachable: a refused connection
    /// fails in well under a second per try; a silent one after <see cref="RetryOptions.NetworkTimeout"/> per try
    /// (3 tries). Queue-triggered work is redelivered by the queue, timers run again, so they lose nothing by it.
    /// </summary>
    internal static void BoundRetries(RetryOptions retry)
    {
        retry.Mode = RetryMode.Exponential;
        retry.MaxRetries = 2;
        retry.Delay = TimeSpan.FromMilliseconds(200);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.NetworkTimeout = TimeSpan.FromSeconds(10);
    }

    private static Uri RequiredUri(IConfigurationSection connection, string key) =>
        Uri.TryCreate(connection[key], UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(
                $"Storage is not configured: set '{AppSettingNames.StorageConnection}' to a connection string (local) or "
                + $"'{AppSettingNames.StorageConnection}__{key}' with a managed identity (Azure).");
}

/// <summary>Creates the app's tables, queues and containers when <see cref="InventoryStorageOptions.CreateIfNotExists"/> is on.</summary>
internal sealed class StorageInitializer(InventoryStore store, Microsoft.Extensions.Options.IOptions<InventoryStorageOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.CreateIfNotExists ? store.CreateIfNotExistsAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
