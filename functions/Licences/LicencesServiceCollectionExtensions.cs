using ItInventory.Functions.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Licences;

public static class LicencesServiceCollectionExtensions
{
    /// <summary>Software licences, their compliance and reclamation, and the decommissioning step that releases a
    /// retired asset's seats.</summary>
    public static IServiceCollection AddLicences(this IServiceCollection services)
    {
        services
            .AddOptions<LicenceOptions>()
            .BindConfiguration(LicenceOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<LicenceService>();
        services.AddSingleton<LicenceNames>();
        services.AddSingleton<LicenceComplianceService>();
        services.AddSingleton<LicenceReclamationService>();
        services.AddSingleton<LicenceImportService>();
        services.AddSingleton<IDecommissioningStep, LicenceDecommissioningStep>();
        return services;
    }
}
