using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Audit;

public static class AuditServiceCollectionExtensions
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services) =>
        services.AddSingleton<AuditTrail>().AddSingleton<AuditArchiver>();
}
