using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Assets;

public static class AssetsServiceCollectionExtensions
{
    /// <summary>Asset reads and the one asset write path.</summary>
    public static IServiceCollection AddAssets(this IServiceCollection services)
    {
        services.AddSingleton<AssetReader>();
        services.AddSingleton<AssetRegistry>();
        services.AddSingleton<IdentityClaims>();
        services.AddSingleton<SuspectedDuplicates>();
        services.AddSingleton<LinkedAssetService>();
        services.AddSingleton<AssetWriter>();
        services.AddSingleton<AssetUpdateService>();
        services.AddSingleton<AssetHistoryService>();
        return services;
    }
}
