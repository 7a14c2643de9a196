using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Reports;

public static class ReportsServiceCollectionExtensions
{
    public static IServiceCollection AddReports(this IServiceCollection services)
    {
        services.AddSingleton<ReportStore>();
        services.AddSingleton<FinanceReportSource>();
        services.AddSingleton<FinanceReportService>();
        return services;
    }
}
