using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Reports.Audit;

public static class AuditReportsServiceCollectionExtensions
{
    /// <summary>The audit report on demand (needs <c>AddReports</c>, <c>AddFindings</c> and <c>AddAuditTrail</c>).
    /// </summary>
    public static IServiceCollection AddAuditReports(this IServiceCollection services)
    {
        services.AddSingleton<AuditReportSource>();
        services.AddSingleton<AuditReportService>();
        return services;
    }
}
