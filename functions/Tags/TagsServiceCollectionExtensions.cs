using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tags;

public static class TagsServiceCollectionExtensions
{
    /// <summary>Asset tags and QR labels (options section <c>AssetTags</c>).</summary>
    public static IServiceCollection AddTags(this IServiceCollection services)
    {
        services
            .AddOptions<AssetTagOptions>()
            .BindConfiguration(AssetTagOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                o =>
                    string.IsNullOrEmpty(o.LabelBaseUrl)
                    || (
                        Uri.TryCreate(o.LabelBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
                    ),
                $"{AssetTagOptions.SectionName}:{nameof(AssetTagOptions.LabelBaseUrl)} must be an absolute http(s) URL."
            )
            .ValidateOnStart();
        services.AddSingleton<AssetTagService>();
        return services;
    }
}
