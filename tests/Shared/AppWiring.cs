using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Shared;

/// <summary>
/// The one wiring of the app outside the Functions worker, shared by the tests (TestApp) and the bench (BenchApp):
/// the real registrations (<see cref="ServiceCollectionExtensions.AddItInventory"/>) with an in-memory configuration
/// that gives every table, queue and container of <see cref="InventoryStorageOptions"/> a name of its own. The names
/// are derived from the options class itself, so a storage name added there can never be left shared.
/// </summary>
public static class AppWiring
{
    /// <summary>A unique, storage-safe part for the names of one app's tables, queues and containers.</summary>
    public static string NewSuffix() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// The settings of an app on <paramref name="connectionString"/>, its storage names ending in
    /// <paramref name="suffix"/>.
    /// </summary>
    public static Dictionary<string, string?> Settings(string connectionString, string suffix, string enrollmentSecret)
    {
        var settings = new Dictionary<string, string?>
        {
            [AppSettingNames.StorageConnection] = connectionString,
            ["Enrollment:Secret"] = enrollmentSecret,
            // Tests read audit records right after a change: deliver outbox entries in the request (the outbox tests
            // and the bench turn this off to exercise the queue).
            ["Outbox:DispatchInline"] = "true",
        };
        foreach (var name in StorageNames.All)
        {
            var unique = name.Unique(suffix);
            settings[$"{InventoryStorageOptions.SectionName}:{name.Property.Name}"] = unique;
            if (name.Property.Name == nameof(InventoryStorageOptions.CheckinQueue))
            {
                // The queue trigger reads this setting; the app takes the same name from it.
                settings[AppSettingNames.CheckinQueue] = unique;
            }
            if (name.Property.Name == nameof(InventoryStorageOptions.OutboxQueue))
                settings[AppSettingNames.OutboxQueue] = unique;
        }
        return settings;
    }

    /// <summary>The app's registrations on <paramref name="configuration"/> and <paramref name="clock"/>.</summary>
    public static IServiceCollection Services(IConfiguration configuration, TimeProvider clock) =>
        new ServiceCollection()
            .AddSingleton(configuration)
            .AddSingleton(clock)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddItInventory(configuration);

    public static ServiceProvider Build(IServiceCollection services) =>
        services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    /// <summary>
    /// Deletes every table, queue (with its poison queue) and container the app's options name, so that Azurite does
    /// not carry them into later tests or runs. Names are read from the options the app resolved.
    /// </summary>
    public static async Task DeleteStorageAsync(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<InventoryStorageOptions>>().Value;
        var tables = services.GetRequiredService<TableServiceClient>();
        var blobs = services.GetRequiredService<BlobServiceClient>();
        var queues = services.GetRequiredService<QueueServiceClient>();
        foreach (var name in StorageNames.All)
        {
            var value = name.ValueIn(options);
            switch (name.Kind)
            {
                case StorageKind.Table:
                    await tables.DeleteTableAsync(value);
                    break;
                case StorageKind.Container:
                    await blobs.GetBlobContainerClient(value).DeleteIfExistsAsync();
                    break;
                case StorageKind.Queue:
                    await queues.GetQueueClient(value).DeleteIfExistsAsync();
                    await queues.GetQueueClient(value + "-poison").DeleteIfExistsAsync();
                    break;
            }
        }
    }
}

public enum StorageKind
{
    Table,
    Container,
    Queue,
}

/// <summary>A storage name of <see cref="InventoryStorageOptions"/>: property, kind and production default.</summary>
public sealed record StorageName(PropertyInfo Property, StorageKind Kind, string Default)
{
    /// <summary>The default name made unique, checked against the property's own validation pattern.</summary>
    public string Unique(string suffix)
    {
        // Table names allow letters and digits only; queue and container names allow hyphens.
        var unique = Kind == StorageKind.Table ? Default + suffix : $"{Default}-{suffix}";
        var pattern = Property.GetCustomAttribute<RegularExpressionAttribute>();
        if (pattern is not null && !pattern.IsValid(unique))
        {
            throw new InvalidOperationException($"'{unique}' is no valid name for {Property.Name}.");
        }
        return unique;
    }

    public string ValueIn(InventoryStorageOptions options) => (string)Property.GetValue(options)!;
}

/// <summary>Every storage name of the app, read from <see cref="InventoryStorageOptions"/> by property name.</summary>
public static class StorageNames
{
    public static IReadOnlyList<StorageName> All { get; } = Read();

    private static StorageName[] Read()
    {
        var defaults = new InventoryStorageOptions();
        return typeof(InventoryStorageOptions)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.CanWrite)
            .Select(p => new StorageName(p, KindOf(p), (string)p.GetValue(defaults)!))
            .ToArray();
    }

    private static StorageKind KindOf(PropertyInfo property) =>
        property.Name.EndsWith("Table", StringComparison.Ordinal) ? StorageKind.Table
        : property.Name.EndsWith("Container", StringComparison.Ordinal) ? StorageKind.Container
        : property.Name.EndsWith("Queue", StringComparison.Ordinal) ? StorageKind.Queue
        : throw new InvalidOperationException(
            $"{nameof(InventoryStorageOptions)}.{property.Name}: end storage names in Table, Container or Queue."
        );
}

internal static class AzureSdkActivities
{
    /// <summary>
    /// Azure.Core reads its ActivitySource switch once per process, at its first traced call: set it before any test
    /// or bench code runs, so the telemetry tests see storage spans whichever test ran first. Nothing is traced
    /// unless a test builds a tracer provider.
    /// </summary>
#pragma warning disable CA2255 // A test and bench assembly, not a library.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Enable() =>
        AppContext.SetSwitch(TelemetryServiceCollectionExtensions.AzureSdkActivitySourceSwitch, true);
}
