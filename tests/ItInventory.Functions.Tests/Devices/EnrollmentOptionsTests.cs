using ItInventory.Functions.Devices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Devices;

public sealed class EnrollmentOptionsTests
{
    [Fact]
    public void An_unresolved_key_vault_reference_is_never_accepted_as_the_enrollment_secret()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
                    ["Enrollment:Secret"] =
                        "@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/enrollment-secret/)",
                }
            )
            .Build();
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddItInventory(configuration)
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() =>
            services.GetRequiredService<IOptions<EnrollmentOptions>>().Value
        );
        Assert.Contains("Key Vault reference", error.Message);
    }
}
