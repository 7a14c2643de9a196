using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Assets;

public static class AssetsServiceCollectionExtensions
{
    /// <summary>Asset reads and writes.</summary>
    public static IServiceCollection AddAssets(this IServiceCollection services)
    {
        services.AddSingleton<AssetReader>();
        services.AddSingleton<AssetRegistry>();
        services.AddSingleton<AssetUpdateService>();
        return services;
    }
}
