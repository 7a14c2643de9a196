using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Financials;

public static class FinancialsServiceCollectionExtensions
{
    public static IServiceCollection AddFinancials(this IServiceCollection services)
    {
        services
            .AddOptions<FinancialsOptions>()
            .BindConfiguration(FinancialsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<ExchangeRateService>();
        return services;
    }
}
