using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Management;

/// <summary>The management security settings are validated when the app starts, as every options class is.</summary>
public sealed class ManagementSecurityOptionsTests
{
    private static IHost Build(params (string Key, string Value)[] overrides)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var settings = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["Enrollment:Secret"] = TestApp.EnrollmentSecret,
        };
        TestTokens.AddSettings(settings);
        foreach (var (key, value) in overrides)
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging().AddItInventory(builder.Configuration);
        return builder.Build();
    }

    [Theory]
    [InlineData("ManagementSecurity:MetadataTimeoutSeconds", "0", "MetadataTimeoutSeconds")]
    [InlineData("ManagementSecurity:MetadataRetrySeconds", "0", "MetadataRetrySeconds")]
    [InlineData("ManagementSecurity:MetadataRefreshMinutes", "1", "MetadataRefreshMinutes")]
    [InlineData("ManagementSecurity:DepartmentGroups:1b1b1b1b-0000-4000-8000-000000000009", " ", "DepartmentGroups")]
    [InlineData("ManagementSecurity:MfaMethods:1", " ", "MfaMethods")]
    [InlineData("ManagementSecurity:DevelopmentAuthority", "https://login.example.org/", "DevelopmentAuthority")]
    [InlineData("ManagementSecurity:DevelopmentAuthority", "http://10.0.0.5:7072/", "DevelopmentAuthority")]
    public async Task A_bad_management_security_setting_stops_the_app_naming_the_setting(
        string key,
        string value,
        string named
    )
    {
        using var host = Build((key, value));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(typeof(ManagementSecurityOptions), error.OptionsType);
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void The_defaults_pass_the_start_up_validation()
    {
        using var host = Build();

        // What StartAsync runs first (without starting the storage initialiser, which needs a storage account).
        host.Services.GetRequiredService<IStartupValidator>().Validate();

        var options = host.Services.GetRequiredService<IOptions<ManagementSecurityOptions>>().Value;
        Assert.Equal(5, options.MetadataTimeoutSeconds);
        Assert.Equal(15, options.MetadataRetrySeconds);
        Assert.Equal(720, options.MetadataRefreshMinutes);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7072/", false, true)]
    [InlineData("http://[::1]:7072/", false, true)]
    [InlineData("http://localhost:7072/", false, false)]
    [InlineData("http://192.168.1.10:7072/", false, false)]
    [InlineData("https://login.microsoftonline.com/common/v2.0", false, false)]
    [InlineData("not a uri", false, false)]
    [InlineData("http://127.0.0.1:7072/", true, false)]
    public void The_development_authority_is_accepted_only_on_a_loopback_ip_and_never_on_azure(
        string authority,
        bool onAzure,
        bool accepted
    )
    {
        Assert.Equal(accepted, ManagementSecurityOptions.DevelopmentAuthorityProblem(authority, onAzure) is null);
    }

    [Fact]
    public void Without_a_development_authority_there_is_nothing_to_refuse_even_on_azure()
    {
        Assert.Null(ManagementSecurityOptions.DevelopmentAuthorityProblem(null, runningInAzure: true));
    }
}
