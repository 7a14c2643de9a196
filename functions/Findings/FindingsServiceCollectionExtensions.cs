using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Findings;

public static class FindingsServiceCollectionExtensions
{
    /// <summary>The findings store and API, and the scan-run history.</summary>
    public static IServiceCollection AddFindings(this IServiceCollection services)
    {
        services.AddSingleton<FindingsTables>();
        services.AddSingleton<FindingService>();
        services.AddSingleton<ScanRunStore>();
        services.AddSingleton<FindingQueries>();
        services.AddSingleton<FindingActions>();
        return services;
    }
}
