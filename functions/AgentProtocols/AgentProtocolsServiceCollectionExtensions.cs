using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.AgentProtocols;

public static class AgentProtocolsServiceCollectionExtensions
{
    /// <summary>The existing agents' endpoints (they reuse the check-in options: size caps, intervals).</summary>
    public static IServiceCollection AddAgentProtocols(this IServiceCollection services)
    {
        services.AddSingleton<AgentPins>();
        services.AddSingleton<AgentDiscovery>();
        services.AddSingleton<NetworkAssets>();
        services.AddSingleton<AgentProtocolService>();
        return services;
    }
}
