using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;

namespace ItInventory.Functions.Management.Security;

public static class ManagementSecurityServiceCollectionExtensions
{
    /// <summary>Entra ID bearer-token validation (section <c>AzureAd</c>: Instance, TenantId, ClientId, Audience) and the access policy.</summary>
    public static IServiceCollection AddManagementSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(configuration.GetSection("AzureAd"));
        // Microsoft.Identity.Web also registers ASP.NET Core authorization, whose policy cache needs routing's
        // endpoint data source; the worker does not add routing itself (the host routes requests).
        services.AddRouting();
        services.AddOptions<ManagementSecurityOptions>().BindConfiguration(ManagementSecurityOptions.SectionName);
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<AccessPolicy>();
        return services;
    }
}
