using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Lifecycle;

public static class LifecycleServiceCollectionExtensions
{
    /// <summary>Lifecycle transitions, review and decommissioning. Other areas add their
    /// <see cref="IDecommissioningStep"/>s with <c>services.AddSingleton&lt;IDecommissioningStep,
    /// …&gt;()</c>.</summary>
    public static IServiceCollection AddLifecycle(this IServiceCollection services)
    {
        services.AddSingleton<LifecycleService>();
        services.AddSingleton<DecommissioningService>();
        return services;
    }
}
