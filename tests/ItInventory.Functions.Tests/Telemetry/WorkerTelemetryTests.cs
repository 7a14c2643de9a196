using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using ItInventory.Functions.Telemetry;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ItInventory.Functions.Tests.Telemetry;

/// <summary>How the worker's telemetry is registered: off without a connection string, configured with one.</summary>
public sealed class WorkerTelemetryTests
{
    // Loopback and a port nothing listens on: these tests resolve options only, no exporter ever sends.
    private const string ConnectionString =
        "InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint=http://127.0.0.1:9/;"
        + "LiveEndpoint=http://127.0.0.1:9/";

    private const string IdentityClientId = "11111111-2222-3333-4444-555555555555";

    private static Task<TestApp> StartWithTelemetryAsync(string? samplingPercentage = null) =>
        TestApp.StartAsync(settings =>
        {
            settings[TelemetryServiceCollectionExtensions.ConnectionStringSetting] = ConnectionString;
            settings[TelemetryServiceCollectionExtensions.AuthenticationStringSetting] =
                $"ClientId={IdentityClientId};Authorization=AAD";
            if (samplingPercentage is not null)
                settings["Telemetry:SamplingPercentage"] = samplingPercentage;
        });

    [Fact]
    public async Task Without_a_connection_string_nothing_listens_and_nothing_exports()
    {
        await using var app = await TestApp.StartAsync();

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.DoesNotContain(app.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
        Assert.False(
            app.Services.GetRequiredService<IOptions<WorkerOptions>>()
                .Value.Capabilities.ContainsKey("WorkerApplicationInsightsLoggingEnabled")
        );
    }

    [Fact]
    public async Task With_a_connection_string_the_exporter_keeps_a_fixed_share_and_sends_as_the_managed_identity()
    {
        await using var app = await StartWithTelemetryAsync();

        var exporter = app
            .Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>()
            .Get(Options.DefaultName);
        Assert.Equal(ConnectionString, exporter.ConnectionString);
        Assert.Equal(0.1f, exporter.SamplingRatio);
        Assert.Null(exporter.TracesPerSecond);
        Assert.False(exporter.EnableTraceBasedLogsSampler);
        Assert.IsType<ManagedIdentityCredential>(exporter.Credential);
        // The host leaves the worker's relayed logs out of its own telemetry: the worker exports them.
        Assert.Equal(
            "True",
            app.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.Capabilities[
                "WorkerApplicationInsightsLoggingEnabled"
            ]
        );
        Assert.Contains(app.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task Sampling_percentage_comes_from_the_telemetry_section()
    {
        await using var app = await StartWithTelemetryAsync(samplingPercentage: "2.5");

        var exporter = app
            .Services.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>()
            .Get(Options.DefaultName);
        Assert.Equal(0.025f, exporter.SamplingRatio);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    public async Task A_sampling_percentage_out_of_range_stops_the_app(string percentage)
    {
        await using var app = await StartWithTelemetryAsync(samplingPercentage: percentage);

        Assert.Throws<OptionsValidationException>(() =>
            app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value
        );
    }

    [Fact]
    public async Task Exported_logs_are_warnings_and_errors_unless_configured_otherwise()
    {
        await using var app = await StartWithTelemetryAsync();

        var filters = app.Services.GetRequiredService<IOptions<LoggerFilterOptions>>().Value;
        Assert.Contains(filters.Rules, rule =>
            rule.ProviderName == typeof(OpenTelemetryLoggerProvider).FullName
            && rule.CategoryName is null
            && rule.LogLevel == LogLevel.Warning
        );
    }

    [Theory]
    [InlineData("ClientId=" + IdentityClientId + ";Authorization=AAD", true)]
    [InlineData("Authorization=AAD", true)]
    [InlineData(" authorization = aad ; clientid = " + IdentityClientId, true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("Authorization=Key", false)]
    public void The_credential_follows_the_authentication_string(string? authenticationString, bool managedIdentity)
    {
        var credential = TelemetryServiceCollectionExtensions.Credential(authenticationString);

        Assert.Equal(managedIdentity, credential is ManagedIdentityCredential);
    }
}
