using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Campaigns;

public static class CampaignsServiceCollectionExtensions
{
    /// <summary>Audit campaigns and their schedule (options section <c>Campaigns</c>, validated on start).</summary>
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services
            .AddOptions<CampaignOptions>()
            .BindConfiguration(CampaignOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(
                o => CampaignSchedulePlan.Invalid(o) is null,
                "Campaigns: months are 1-12 (e.g. 1,4,7,10), scopes all or department:/location:/category:<value>."
            )
            .ValidateOnStart();
        services.AddSingleton<CampaignFindings>();
        services.AddSingleton<CampaignService>();
        services.AddSingleton<CampaignScheduler>();
        return services;
    }
}
