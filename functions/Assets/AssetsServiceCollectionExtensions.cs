using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ItInventory.Functions.Assets;

public static class AssetsServiceCollectionExtensions
{
    /// <summary>Asset reads, the one asset write path, and the one clock of the app (tests replace it with a
    /// FakeTimeProvider).</summary>
    public static IServiceCollection AddAssets(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AssetReader>();
        services.AddSingleton<AssetRegistry>();
        services.AddSingleton<AssetWriter>();
        services.AddSingleton<AssetUpdateService>();
        return services;
    }
}
