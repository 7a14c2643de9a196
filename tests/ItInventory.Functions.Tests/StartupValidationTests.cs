using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests;

/// <summary>
/// "Options are validated at start-up: a bad value stops the app with a message naming it" (README): the app's own
/// registrations (<see cref="ServiceCollectionExtensions.AddItInventory"/>, as Program.cs calls it) in a generic host,
/// started as the worker starts its host. The worker's FunctionsApplicationBuilder is a HostApplicationBuilder with
/// the Functions middleware on top; the start-up validation is the host's own.
/// </summary>
public sealed class StartupValidationTests
{
    /// <summary>Settings of a working app; each case below spoils one value.</summary>
    private static Dictionary<string, string?> GoodSettings()
    {
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["CHECKIN_QUEUE"] = "checkins",
            ["Enrollment:Secret"] = TestApp.EnrollmentSecret,
        };
        TestTokens.AddSettings(settings);
        return settings;
    }

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddItInventory(builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task The_app_starts_with_good_settings()
    {
        using var host = await StartAsync(GoodSettings());
        await host.StopAsync();
    }

    [Theory]
    // CheckinOptions (CheckIns)
    [InlineData("CheckIns:HeartbeatIntervalSeconds", "30", "HeartbeatIntervalSeconds")]
    [InlineData("CheckIns:HeartbeatIntervalSeconds", "four hours", "CheckIns:HeartbeatIntervalSeconds")]
    [InlineData("CheckIns:MaxRequestBytes", "0", "MaxRequestBytes")]
    [InlineData("CheckIns:MaxDecompressedBytes", "999999999", "MaxDecompressedBytes")]
    [InlineData("CheckIns:NeighbourRefreshInterval", "00:00:05", "NeighbourRefreshInterval")]
    [InlineData("CheckIns:IdleCpuThresholdPercent", "101", "IdleCpuThresholdPercent")]
    // InventoryStorageOptions (Storage, and the CHECKIN_QUEUE app setting the queue trigger reads)
    [InlineData("Storage:AssetsTable", "assets_2026", "AssetsTable")]
    [InlineData("Storage:CheckinsContainer", "Check--Ins", "CheckinsContainer")]
    [InlineData("CHECKIN_QUEUE", "Checkins", "CheckinQueue")]
    [InlineData("Storage:CreateIfNotExists", "sometimes", "Storage:CreateIfNotExists")]
    // EnrollmentOptions (Enrollment)
    [InlineData("Enrollment:Secret", "short", "Secret")]
    [InlineData(
        "Enrollment:Secret",
        "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)",
        "Enrollment:Secret"
    )]
    // AssetTagOptions (AssetTags)
    [InlineData("AssetTags:Prefix", "iti", "Prefix")]
    [InlineData("AssetTags:LabelBaseUrl", "ftp://inventory.contoso.com", "AssetTags:LabelBaseUrl")]
    // LicenceOptions (Licences)
    [InlineData("Licences:ReclaimGraceDays", "-1", "ReclaimGraceDays")]
    // FinanceMailOptions (FinanceMail): a transport needs sender and recipients (SMTP: a host)
    [InlineData("FinanceMail:Transport", "Smtp", "FinanceMail:Sender")]
    [InlineData("FinanceMail:Transport", "Pigeon", "FinanceMail:Transport")]
    [InlineData("FinanceMail:MaxAttempts", "0", "MaxAttempts")]
    public async Task A_bad_value_stops_the_app_with_a_message_naming_it(string setting, string value, string named)
    {
        var settings = GoodSettings();
        settings[setting] = value;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(settings));

        Assert.True(error is OptionsValidationException or InvalidOperationException, error.ToString());
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
