using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>The function app's settings: identity-based connections only, secrets only as Key Vault
/// references.</summary>
[Collection(InfraCollection.Name)]
public sealed class AppSettingsTests(InfraFixture infra)
{
    [Fact]
    public void App_settings_contain_no_keys_or_connection_strings()
    {
        foreach (var snapshot in new[] { infra.Full, infra.Vnet })
        {
            foreach (var (name, value) in snapshot.AppSettings)
            {
                foreach (
                    var forbidden in new[]
                    {
                        "AccountKey=",
                        "SharedAccessKey=",
                        "SharedAccessSignature=",
                        "sig=",
                        "listKeys(",
                        "listConnectionStrings(",
                        "Password=",
                    }
                )
                {
                    Assert.False(
                        value.Contains(forbidden, StringComparison.OrdinalIgnoreCase),
                        $"{name} contains {forbidden}"
                    );
                }
                // An instrumentation key only inside the App Insights connection string, and that only with Entra auth.
                if (name != "APPLICATIONINSIGHTS_CONNECTION_STRING")
                {
                    Assert.DoesNotContain("InstrumentationKey=", value, StringComparison.OrdinalIgnoreCase);
                }
            }
            var names = snapshot.AppSettings.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);
            // Classic key-based settings must not exist at all.
            foreach (
                var legacy in new[]
                {
                    "AzureWebJobsStorage",
                    "APPINSIGHTS_INSTRUMENTATIONKEY",
                    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
                    "AzureWebJobsDashboard",
                    "ServiceBus",
                    "ServiceBusConnection",
                }
            )
            {
                Assert.DoesNotContain(legacy, names);
            }
            Assert.DoesNotContain(names, n =>
                n.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase)
                && n != "APPLICATIONINSIGHTS_CONNECTION_STRING"
            );
            Assert.Contains("Authorization=AAD", snapshot.AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
        }
    }

    [Fact]
    public void Storage_connection_is_identity_based_with_the_user_assigned_identity()
    {
        var settings = infra.Full.AppSettings;
        var storage = (string)infra.Full.Single("Microsoft.Storage/storageAccounts")["id"]!;
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Equal($"[{infra.Full.IdentityClientIdReference}]", settings["AzureWebJobsStorage__clientId"]);
        foreach (var service in new[] { "blob", "queue", "table" })
        {
            Assert.Equal(
                $"[reference('{storage}', '2024-01-01').primaryEndpoints.{service}]",
                settings[$"AzureWebJobsStorage__{service}ServiceUri"]
            );
        }
    }

    [Fact]
    public void Telemetry_uses_entra_auth_with_the_user_assigned_identity()
    {
        var settings = infra.Full.AppSettings;
        Assert.Equal(
            $"[format('ClientId={{0}};Authorization=AAD', {infra.Full.IdentityClientIdReference})]",
            settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]
        );
        var appInsights = (string)infra.Full.Single("Microsoft.Insights/components")["id"]!;
        Assert.Equal(
            $"[reference('{appInsights}', '2020-02-02').ConnectionString]",
            settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]
        );
    }

    [Fact]
    public void Secrets_are_key_vault_references_to_secrets_the_template_creates()
    {
        var vault = (string)infra.Full.Single("Microsoft.KeyVault/vaults")["id"]!;
        var secrets = infra.Full.ChildNames("Microsoft.KeyVault/vaults/secrets");
        foreach (
            var (setting, secret) in new[]
            {
                ("Enrollment__Secret", "enrollment-secret"),
                ("LicenceKeys__HashSecret", "licence-key-hash-secret"),
                ("Smtp__Password", "smtp-password"),
            }
        )
        {
            var value = infra.Full.AppSettings[setting];
            Assert.Equal(
                $"[format('@Microsoft.KeyVault(SecretUri={{0}})', format('{{0}}secrets/{{1}}', reference('{vault}', "
                    + $"'2024-11-01').vaultUri, '{secret}'))]",
                value
            );
            Assert.Contains(secret, secrets);
        }
        // Without SMTP there are no SMTP settings at all; the enrollment secret is always there.
        Assert.DoesNotContain(infra.Vnet.AppSettings.Keys, k => k.StartsWith("Smtp__", StringComparison.Ordinal));
        Assert.StartsWith("[format('@Microsoft.KeyVault(SecretUri=", infra.Vnet.AppSettings["Enrollment__Secret"]);
    }

    [Fact]
    public void Service_bus_connection_is_identity_based()
    {
        var settings = infra.Full.AppSettings;
        var ns = (string)infra.Full.Single("Microsoft.ServiceBus/namespaces")["id"]!;
        Assert.Equal(
            $"[split(replace(reference('{ns}', '2024-01-01').serviceBusEndpoint, 'https://', ''), ':')[0]]",
            settings["ServiceBus__fullyQualifiedNamespace"]
        );
        Assert.Equal("managedidentity", settings["ServiceBus__credential"]);
        Assert.Equal($"[{infra.Full.IdentityClientIdReference}]", settings["ServiceBus__clientId"]);
        Assert.Equal("inventory-events", settings["INVENTORY_EVENTS_TOPIC"]);
    }

    [Fact]
    public void Flex_consumption_settings_omit_worker_runtime_and_extension_version()
    {
        // Flex Consumption rejects them: functionAppConfig.runtime says what runs.
        foreach (
            var name in new[]
            {
                "FUNCTIONS_WORKER_RUNTIME",
                "FUNCTIONS_EXTENSION_VERSION",
                "WEBSITE_RUN_FROM_PACKAGE",
                "WEBSITE_CONTENTSHARE",
            }
        )
        {
            Assert.DoesNotContain(name, infra.Full.AppSettings.Keys);
        }
    }

    [Fact]
    public void Management_api_entra_settings_come_from_parameters()
    {
        var full = infra.Full.AppSettings;
        Assert.Equal(InfraFixture.TenantId, full["AzureAd__TenantId"]);
        Assert.Equal(InfraFixture.ApiClientId, full["AzureAd__ClientId"]);
        Assert.Equal($"api://{InfraFixture.ApiClientId}", full["AzureAd__Audience"]);
        Assert.Equal("[environment().authentication.loginEndpoint]", full["AzureAd__Instance"]);
        // Before infra/hooks/entra-app.sh has run there is no client id yet (and no audience made up).
        Assert.Equal("", infra.Vnet.AppSettings["AzureAd__ClientId"]);
        Assert.Equal("", infra.Vnet.AppSettings["AzureAd__Audience"]);
    }

    [Fact]
    public void Monitoring_settings_come_from_parameters_with_the_documented_defaults()
    {
        var full = infra.Full.AppSettings;
        Assert.Equal("0 */5 * * * *", full["OFFLINE_SCAN_SCHEDULE"]);
        Assert.Equal("3", full["Monitoring__OfflineTolerance"]);
        Assert.Equal("90", full["Monitoring__DiskThresholdPercent"]);
        Assert.Equal("95", full["Monitoring__MemoryThresholdPercent"]);
        Assert.Equal("3", full["Monitoring__MemorySustainedHeartbeats"]);
        Assert.Equal("offlinedue", full["Storage__OfflineDueTable"]);
    }

    [Fact]
    public void Financials_and_report_settings_come_from_parameters_with_the_documented_defaults()
    {
        var full = infra.Full.AppSettings;
        Assert.Equal("EUR", full["Financials__ReportingCurrency"]);
        Assert.Equal("0 0 5 1 * *", full["FINANCE_REPORT_SCHEDULE"]);
        Assert.Equal("0 30 5 * * 1", full["IT_SNAPSHOT_SCHEDULE"]);
        Assert.Equal("fxrates", full["Storage__ExchangeRatesTable"]);
        Assert.Equal("reports", full["Storage__ReportsTable"]);
        Assert.Equal("reports", full["Storage__ReportsContainer"]);
    }
}
