using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Reports.Snapshot;

public static class ItSnapshotServiceCollectionExtensions
{
    /// <summary>The weekly IT snapshot (needs <see cref="ReportsServiceCollectionExtensions.AddReports"/>).</summary>
    public static IServiceCollection AddItSnapshot(this IServiceCollection services)
    {
        services.AddSingleton<ItSnapshotSource>();
        services.AddSingleton<ItSnapshotService>();
        return services;
    }
}
