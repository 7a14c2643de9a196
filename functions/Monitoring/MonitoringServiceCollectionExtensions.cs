using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>Offline monitoring (due index, scan) and the heartbeat's threshold alerts.</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services)
    {
        services
            .AddOptions<MonitoringOptions>()
            .BindConfiguration(MonitoringOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<OfflineIndex>();
        services.AddSingleton<OfflineScan>();
        services.AddSingleton<HeartbeatAlerts>();
        services.AddSingleton<DeviceStatusWriter>();
        return services;
    }
}
