using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tags;

public static class TagsServiceCollectionExtensions
{
    /// <summary>Asset tags and QR labels (options section <c>AssetTags</c>).</summary>
    public static IServiceCollection AddTags(this IServiceCollection services)
    {
        services.AddOptions<AssetTagOptions>().BindConfiguration(AssetTagOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AssetTagService>();
        return services;
    }
}
