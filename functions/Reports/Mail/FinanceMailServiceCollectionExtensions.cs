using Azure.Identity;
using ItInventory.Functions.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Reports.Mail;

public static class FinanceMailServiceCollectionExtensions
{
    /// <summary>The finance email: options validated at start, both transports, the claims and the service.</summary>
    public static IServiceCollection AddFinanceMail(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<FinanceMailOptions>()
            .BindConfiguration(FinanceMailOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddOptions<SmtpOptions>()
            .BindConfiguration(SmtpOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FinanceMailOptions>, FinanceMailOptionsValidator>();
        services.AddSingleton(sp =>
        {
            // The app's user-assigned identity: the one the storage connection names, unless set apart.
            var clientId = sp.GetRequiredService<IOptions<FinanceMailOptions>>().Value.ManagedIdentityClientId;
            if (string.IsNullOrEmpty(clientId))
                clientId = configuration[$"{AppSettingNames.StorageConnection}:clientId"];
            return new GraphMailCredential(
                string.IsNullOrEmpty(clientId)
                    ? new DefaultAzureCredential()
                    : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            );
        });
        services.AddHttpClient();
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<IMailTransport, GraphMailTransport>();
        services.AddSingleton<MailSendClaims>();
        services.AddSingleton<FinanceMailService>();
        return services;
    }
}
