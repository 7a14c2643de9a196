using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Microsoft.Identity.Web.Resource;
using Microsoft.IdentityModel.Tokens;

namespace ItInventory.Functions.Management.Security;

public static class ManagementSecurityServiceCollectionExtensions
{
    /// <summary>Entra ID bearer-token validation (section <c>AzureAd</c>: Instance, TenantId, ClientId, Audience) with
    /// bounded, cached metadata fetches (section <c>ManagementSecurity</c>), and the access policy.</summary>
    public static IServiceCollection AddManagementSecurity(
        this IServiceCollection services,
        IConfiguration configuration
    )
    {
        services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(configuration.GetSection("AzureAd"));
        // Microsoft.Identity.Web also registers ASP.NET Core authorization, whose policy cache needs routing's
        // endpoint data source; the worker does not add routing itself (the host routes requests).
        services.AddRouting();
        services
            .AddOptions<ManagementSecurityOptions>()
            .BindConfiguration(ManagementSecurityOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services
            .AddHttpClient(EntraMetadataManager.HttpClientName)
            .ConfigureHttpClient(
                (provider, client) =>
                {
                    var seconds = provider
                        .GetRequiredService<IOptions<ManagementSecurityOptions>>()
                        .Value.MetadataTimeoutSeconds;
                    client.Timeout = TimeSpan.FromSeconds(seconds);
                    // As the JWT bearer handler's own backchannel: metadata documents are small.
                    client.MaxResponseContentBufferSize = 10 * 1024 * 1024;
                }
            );
        // Microsoft.Identity.Web's issuer validator fetches metadata of its own for issuers it does not know yet;
        // without a named client it would use a default one (100 s timeout).
        services.Configure<AadIssuerValidatorOptions>(o => o.HttpClientName ??= EntraMetadataManager.HttpClientName);
        // Runs after Microsoft.Identity.Web's configuration (which sets the authority) and before the JWT bearer
        // post-configuration, which then keeps this configuration manager instead of creating the stock one.
        services
            .AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IServiceProvider>(UseBoundedMetadata);

        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<AccessPolicy>();
        return services;
    }

    private static void UseBoundedMetadata(JwtBearerOptions options, IServiceProvider provider)
    {
        UseDevelopmentAuthority(options, provider.GetRequiredService<IOptions<ManagementSecurityOptions>>().Value);
        if (
            options.ConfigurationManager is not null
            || options.Configuration is not null
            || (string.IsNullOrEmpty(options.MetadataAddress) && string.IsNullOrEmpty(options.Authority))
        )
        {
            return;
        }
        var address = string.IsNullOrEmpty(options.MetadataAddress)
            ? options.Authority!.TrimEnd('/') + "/.well-known/openid-configuration"
            : options.MetadataAddress;
        var metadata = new EntraMetadataManager(
            address,
            provider.GetRequiredService<IHttpClientFactory>(),
            options.RequireHttpsMetadata,
            provider.GetRequiredService<IOptions<ManagementSecurityOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<EntraMetadataManager>()
        );
        options.MetadataAddress = address;
        options.ConfigurationManager = metadata;

        // Tokens from the tenant's own issuer (the metadata's) are accepted without I/O; anything else goes to
        // Microsoft.Identity.Web's validator (v1 or other-cloud issuers), which may fetch metadata of its own.
        var tokenValidation = options.TokenValidationParameters;
        if (tokenValidation.IssuerValidator is { } fallback)
        {
            tokenValidation.IssuerValidator = (issuer, token, parameters) =>
                metadata.Cached?.Issuer is { } known && string.Equals(issuer, known, StringComparison.Ordinal)
                    ? issuer
                    : fallback(issuer, token, parameters);
        }
    }

    /// <summary>Points token validation at the development identity provider when (and only when) it is configured;
    /// the options' validation has made sure it is on loopback and not on Azure. Its issuer is the only one accepted.
    /// </summary>
    private static void UseDevelopmentAuthority(JwtBearerOptions options, ManagementSecurityOptions security)
    {
        if (string.IsNullOrEmpty(security.DevelopmentAuthority) || options.ConfigurationManager is not null)
        {
            return;
        }
        var authority = security.DevelopmentAuthority;
        options.Authority = authority;
        options.MetadataAddress = authority.TrimEnd('/') + "/.well-known/openid-configuration";
        options.RequireHttpsMetadata = false;
        options.TokenValidationParameters.ValidIssuer = authority;
        options.TokenValidationParameters.ValidIssuers = null;
        options.TokenValidationParameters.IssuerValidator = null;
    }
}
