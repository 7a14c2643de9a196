using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.CheckIns;

public static class CheckInsServiceCollectionExtensions
{
    public static IServiceCollection AddCheckIns(this IServiceCollection services)
    {
        services
            .AddOptions<CheckinOptions>()
            .BindConfiguration(CheckinOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<LicenceKeyOptions>()
            .BindConfiguration(LicenceKeyOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<LicenceKeyProtector>();
        services.AddSingleton<HeartbeatService>();
        services.AddSingleton<InventoryIntakeService>();
        services.AddSingleton<InventoryProcessor>();
        services.AddSingleton<CheckinService>();
        services.AddSingleton<PoisonReplayService>();
        return services;
    }
}
