using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ItInventory.Functions.Telemetry;

/// <summary>
/// The worker's own telemetry: OpenTelemetry exported to Application Insights by the Azure Monitor exporter.
/// The Functions host keeps its classic Application Insights mode (requests, host logs; sampled per host.json); the
/// worker adds what only it sees: one span per invocation, one span per storage request, the storage requests per
/// operation as a metric, and its warnings and errors. Without <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> (local
/// runs, tests) nothing is registered: no listener, no exporter, no network, no storage request.
/// Why OpenTelemetry rather than the classic SDK, and what it costs: docs/deploy.md ("Telemetry").
/// </summary>
public static class TelemetryServiceCollectionExtensions
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>
    /// <c>Authorization=AAD;ClientId=…</c>: send as a managed identity (Entra ID), as the host does.
    /// </summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Azure.Core creates activities through an ActivitySource only with this (experimental) switch.</summary>
    public const string AzureSdkActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";

    /// <summary>
    /// Azure.Core's span per HTTP request (per try, kind Client, tagged <c>az.namespace</c>): one dependency per
    /// storage request, as <see cref="Storage.StorageRequestCounter"/> counts them. The per-method spans of the
    /// clients (<c>Azure.Data.Tables.*</c>, <c>Azure.Storage.*</c>) are left out: they would double the items.
    /// </summary>
    internal const string AzureSdkHttpSource = "Azure.Core.Http";

    /// <summary>The host then drops the logs it relays from the worker, which exports them itself.</summary>
    private const string WorkerLoggingCapability = "WorkerApplicationInsightsLoggingEnabled";

    /// <summary>Prefix of the categories of the Azure SDK's forwarded logs (Azure.Core, Azure.Identity, …).</summary>
    internal const string AzureSdkLogCategory = "Azure";

    private const string ExportLogLevelKey = "Logging:OpenTelemetry:LogLevel:Default";

    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<TelemetryOptions>()
            .BindConfiguration(TelemetryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The Azure SDK logs every request and response at Information (two lines per heartbeat, relayed to the
        // host as the function's own logs): warnings only, telemetry or not. "Logging:LogLevel:Azure.Core" overrides.
        services.AddLogging(logging => logging.AddFilter(AzureSdkLogCategory, LogLevel.Warning));
        // Expected 404/409/412 answers at Debug, not Warning (whichever of this and AddAzureClients runs first).
        services.Replace(
            ServiceDescriptor.Singleton(provider =>
                ExpectedStorageOutcomes.Forwarder(provider.GetRequiredService<ILoggerFactory>())
            )
        );
        var connectionString = configuration[ConnectionStringSetting];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return services;
        }

        var credential = Credential(configuration[AuthenticationStringSetting]);
        services.AddWorkerTelemetryPipeline().UseFunctionsWorkerDefaults().UseAzureMonitorExporter();
        services
            .AddOptions<AzureMonitorExporterOptions>()
            .Configure<IOptions<TelemetryOptions>>(
                (exporter, telemetry) =>
                {
                    exporter.ConnectionString = connectionString;
                    exporter.Credential = credential;
                    // Fixed-rate sampling on the trace id (the classic SDK's hash), not the exporter's default of
                    // 5 traces/s per instance: the same share as the host's requests, and a cost that scales linearly.
                    exporter.SamplingRatio = (float)(telemetry.Value.SamplingPercentage / 100);
                    exporter.TracesPerSecond = null;
                    // Warnings and errors are rare and are what one searches for: never drop them with their trace.
                    exporter.EnableTraceBasedLogsSampler = false;
                }
            );
        services.Configure<WorkerOptions>(worker => worker.Capabilities[WorkerLoggingCapability] = bool.TrueString);
        if (configuration[ExportLogLevelKey] is null)
        {
            // Information stays in the console and the log stream; Application Insights gets warnings and errors.
            services.AddLogging(logging => logging.AddFilter<OpenTelemetryLoggerProvider>(null, LogLevel.Warning));
        }
        return services;
    }

    /// <summary>What the worker listens to, without an exporter (the tests add an in-memory one).</summary>
    internal static IOpenTelemetryBuilder AddWorkerTelemetryPipeline(this IServiceCollection services)
    {
        AppContext.SetSwitch(AzureSdkActivitySourceSwitch, true);
        return services
            .AddOpenTelemetry()
            .WithTracing(tracing =>
                tracing.AddSource(AzureSdkHttpSource).AddProcessor(new ExpectedStorageOutcomes.SpanProcessor())
            )
            .WithMetrics(metrics => metrics.AddMeter(StorageRequestMetrics.MeterName));
    }

    /// <summary>
    /// The credential <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> asks for (the host reads the same setting):
    /// <c>Authorization=AAD;ClientId=…</c> a user-assigned identity, <c>Authorization=AAD</c> the system-assigned
    /// one; none for anything else (instrumentation-key ingestion, refused where local authentication is off).
    /// </summary>
    internal static TokenCredential? Credential(string? authenticationString)
    {
        var parts = (authenticationString ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (
            !parts.TryGetValue("Authorization", out var authorization)
            || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase)
        )
        {
            return null;
        }
        return new ManagedIdentityCredential(
            parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
                ? ManagedIdentityId.FromUserAssignedClientId(clientId)
                : ManagedIdentityId.SystemAssigned
        );
    }
}
