using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Catalogue;

public static class CatalogueServiceCollectionExtensions
{
    /// <summary>Taxonomy, asset creation, search/export, check-out/check-in and CSV import.</summary>
    public static IServiceCollection AddCatalogue(this IServiceCollection services)
    {
        services.AddSingleton<TaxonomyService>();
        services.AddSingleton<AssetCreateService>();
        services.AddSingleton<AssetSearchService>();
        services.AddSingleton<AssetAssignmentService>();
        services.AddSingleton<AssetImportService>();
        return services;
    }
}
