using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Devices;

public static class DevicesServiceCollectionExtensions
{
    public static IServiceCollection AddDevices(this IServiceCollection services)
    {
        services
            .AddOptions<EnrollmentOptions>()
            .BindConfiguration(EnrollmentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<EnrollmentSecretStore>();
        services.AddSingleton<EnrollmentService>();
        services.AddSingleton<EnrollmentThrottle>();
        services.AddSingleton<DeviceAuthenticator>();
        services.AddSingleton<CredentialRotation>();
        services.AddSingleton<DeviceCredentialService>();
        return services;
    }
}
