using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Audits;

public static class AuditsServiceCollectionExtensions
{
    /// <summary>The reconciliation and idle scans (their thresholds validated on start).</summary>
    public static IServiceCollection AddReconciliation(this IServiceCollection services)
    {
        services
            .AddOptions<ReconciliationOptions>()
            .BindConfiguration(ReconciliationOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<IdleOptions>()
            .BindConfiguration(IdleOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<SummaryBackfill>();
        services.AddSingleton<ReconciliationScanner>();
        services.AddSingleton<IdleScanner>();
        return services;
    }
}
