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
using Microsoft.Extensions.Logging;

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
        services
            .AddOptions<InventoryStorageOptions>()
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
                clients
                    .AddQueueServiceClient(connectionString)
                    .ConfigureOptions(o => o.MessageEncoding = QueueEncoding);
            }
            else
            {
                clients.AddTableServiceClient(RequiredUri(connection, "tableServiceUri"));
                clients.AddBlobServiceClient(RequiredUri(connection, "blobServiceUri"));
                clients
                    .AddQueueServiceClient(RequiredUri(connection, "queueServiceUri"))
                    .ConfigureOptions(o => o.MessageEncoding = QueueEncoding);
                clients.UseCredential(
                    connection["clientId"] is { Length: > 0 } clientId
                        ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                        : new DefaultAzureCredential()
                );
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
                $"Storage is not configured: set '{AppSettingNames.StorageConnection}' to a connection string "
                    + "(local) or "
                    + $"'{AppSettingNames.StorageConnection}__{key}' with a managed identity (Azure)."
            );
}

/// <summary>
/// Creates the app's tables, queues and containers when <see cref="InventoryStorageOptions.CreateIfNotExists"/> is on.
/// Storage that cannot be reached at start-up does not stop the app (its endpoints answer 503 meanwhile): one warning,
/// then the creation is retried in the background until it succeeds or the app stops.
/// </summary>
internal sealed class StorageInitializer(
    InventoryStore store,
    Microsoft.Extensions.Options.IOptions<InventoryStorageOptions> options,
    ILogger<StorageInitializer> logger
) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource stopping = new();
    private Task retrying = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateIfNotExists)
            return;
        try
        {
            await store.CreateIfNotExistsAsync(cancellationToken);
        }
        catch (Exception ex) when (Common.HttpErrors.IsOutage(ex) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(
                "Storage is unreachable at start-up ({Reason}); creating tables, queues and containers "
                    + "again every {Delay} in the background",
                ex.Message,
                RetryDelay
            );
            retrying = RetryAsync(stopping.Token);
        }
    }

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryDelay, cancellationToken);
                await store.CreateIfNotExistsAsync(cancellationToken);
                logger.LogInformation("Storage is reachable again: tables, queues and containers exist");
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (Common.HttpErrors.IsOutage(ex))
            {
                logger.LogDebug(ex, "Storage still unreachable");
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        await retrying.WaitAsync(cancellationToken);
    }

    public void Dispose() => stopping.Dispose();
}
