using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Kpis;

public static class KpisServiceCollectionExtensions
{
    /// <summary>The KPI snapshots: their store (the read API), the snapshot run and backfill (windows validated on
    /// start).</summary>
    public static IServiceCollection AddKpis(this IServiceCollection services)
    {
        services
            .AddOptions<KpiOptions>()
            .BindConfiguration(KpiOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<KpiStore>();
        services.AddSingleton<KpiQueries>();
        services.AddSingleton<KpiSnapshotService>();
        return services;
    }
}
