using Azure.Identity;
using Azure.Messaging.ServiceBus;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>The Service Bus connection's name: <c>ServiceBus__fullyQualifiedNamespace</c> (+ <c>__clientId</c>)
    /// with the managed identity in Azure; a connection string in <c>ServiceBus</c> for tests.</summary>
    public const string ServiceBusConnection = "ServiceBus";

    /// <summary>
    /// The outbox and its dispatcher, and the event sink: the Service Bus topic when a namespace (or connection string)
    /// is configured, else the Storage queue <c>inventory-events</c> (the local default).
    /// </summary>
    public static IServiceCollection AddEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<OutboxOptions>()
            .BindConfiguration(OutboxOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<EventsOptions>()
            .BindConfiguration(EventsOptions.SectionName)
            .PostConfigure(options =>
            {
                if (configuration[AppSettingNames.EventsTopic] is { Length: > 0 } topic)
                    options.Topic = topic;
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.PostConfigure<InventoryStorageOptions>(options =>
        {
            if (configuration[AppSettingNames.OutboxQueue] is { Length: > 0 } queue)
                options.OutboxQueue = queue;
        });
        services.AddSingleton<Outbox>();
        services.AddSingleton<OutboxDispatcher>();

        var connection = configuration.GetSection(ServiceBusConnection);
        if (connection.Value is { Length: > 0 } connectionString)
        {
            services.AddSingleton(_ => new ServiceBusClient(connectionString));
        }
        else if (connection["fullyQualifiedNamespace"] is { Length: > 0 } ns)
        {
            services.AddSingleton(_ => new ServiceBusClient(
                ns,
                connection["clientId"] is { Length: > 0 } clientId
                    ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
                    : new DefaultAzureCredential()
            ));
        }
        else
        {
            services.AddSingleton<IEventSink, StorageQueueEventSink>();
            return services;
        }
        services.AddSingleton<IEventSink>(sp => new ServiceBusEventSink(
            sp.GetRequiredService<ServiceBusClient>()
                .CreateSender(sp.GetRequiredService<IOptions<EventsOptions>>().Value.Topic),
            sp.GetRequiredService<ILogger<ServiceBusEventSink>>()
        ));
        return services;
    }
}
