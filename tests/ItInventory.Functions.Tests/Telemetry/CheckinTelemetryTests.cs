using System.Collections.Concurrent;
using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Telemetry;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ItInventory.Functions.Tests.Telemetry;

/// <summary>
/// Tracer, meter and loggers listen to the whole process, so these tests run alone (no other test's storage calls or
/// measurements mix in) and each check-in runs under a root span of the test, as an invocation runs under the host's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (alone)";
}

/// <summary>
/// The check-in path through the app with the worker's telemetry pipeline and in-memory exporters in place of the
/// Azure Monitor exporter: what would be sent, and that sending it costs no storage request.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class CheckinTelemetryTests : IAsyncLifetime
{
    private static readonly ActivitySource Invocations = new("ItInventory.Tests.Invocation");

    private readonly List<Activity> spans = [];
    private readonly List<MetricSnapshot> metrics = [];
    private readonly List<LogRecord> exportedLogs = [];
    private readonly CapturingLoggerProvider logs = new();
    private TestApp app = null!;
    private TracerProvider tracer = null!;
    private MeterProvider meter = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync(services: services =>
        {
            services
                .AddWorkerTelemetryPipeline()
                .WithTracing(tracing => tracing.AddSource(Invocations.Name).AddInMemoryExporter(spans))
                .WithMetrics(metering =>
                    metering.AddInMemoryExporter(metrics, reader =>
                        reader.TemporalityPreference = MetricReaderTemporalityPreference.Delta
                    )
                )
                .WithLogging(logging => logging.AddInMemoryExporter(exportedLogs));
            // Every level reaches the providers here, so "no Information log" is a finding, not a filter.
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        });
        // The worker's host starts these; the tests have no host.
        tracer = app.Services.GetRequiredService<TracerProvider>();
        meter = app.Services.GetRequiredService<MeterProvider>();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task A_heartbeat_is_two_storage_dependencies_and_measures_two_requests_without_an_information_log()
    {
        var device = await app.EnrollNewDeviceAsync();
        var heartbeat = SamplePayloads.Heartbeat(device.DeviceId).Text();
        var request = app.JsonRequest("/api/checkins", heartbeat, device.Authorization);
        Flush();
        metrics.Clear();
        logs.Clear();

        HttpAnswer answer;
        ActivityTraceId trace;
        using (var storage = StorageRequestCounter.BeginScope())
        {
            using (var invocation = Invocations.StartActivity("function PostCheckin")!)
            {
                trace = invocation.TraceId;
                answer = await app.CheckinAsync(request);
            }
            Assert.True(storage.Count == 2, string.Join("\n", storage.Requests));
        }
        Flush();

        Assert.Equal(200, answer.Status);
        var dependencies = spans.Where(s => s.TraceId == trace && s.Source.Name == "Azure.Core.Http").ToList();
        Assert.Equal(2, dependencies.Count);
        Assert.All(dependencies, dependency =>
        {
            Assert.Equal(ActivityKind.Client, dependency.Kind);
            Assert.Equal("Microsoft.Tables", dependency.GetTagItem("az.namespace"));
            var expected = dependency.DisplayName == "PATCH" ? 204 : 200;
            Assert.Equal(expected, dependency.GetTagItem("http.response.status_code"));
        });
        Assert.Equal(new[] { "GET", "PATCH" }, dependencies.OrderBy(d => d.StartTimeUtc).Select(d => d.DisplayName));

        var heartbeats = Measurements(CheckinOperations.Heartbeat);
        Assert.Equal(1, heartbeats.Count);
        Assert.Equal(2, heartbeats.Sum);
        Assert.Single(Measurements());

        Assert.DoesNotContain(logs.Records, r => r.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task A_refused_heartbeat_keeps_its_warning_and_is_measured_as_refused()
    {
        var device = await app.EnrollNewDeviceAsync();
        var forged = DeviceSecrets.AuthorizationHeader(device.DeviceId, "not-the-secret-of-this-device-0123456789");
        Flush();
        metrics.Clear();
        exportedLogs.Clear();

        var answer = await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), forged);
        Flush();

        Assert.Equal(401, answer.Status);
        var warning = Assert.Single(exportedLogs, r => r.LogLevel >= LogLevel.Warning);
        Assert.Equal(typeof(DeviceAuthenticator).FullName, warning.CategoryName);
        var refused = Measurements(CheckinOperations.Refused);
        Assert.Equal(1, refused.Count);
        Assert.Equal(1, refused.Sum);
    }

    [Fact]
    public async Task Unchanged_and_queued_inventories_are_measured_under_their_own_names()
    {
        var device = await app.EnrollNewDeviceAsync();
        var inventory = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]);
        var first = await app.CheckinAsync(inventory.Text(), device.Authorization);
        Assert.Equal(202, first.Status);
        Assert.True(await app.ProcessNextCheckinAsync());
        var again = await app.CheckinAsync(inventory.Text(), device.Authorization);
        Assert.Equal(200, again.Status);
        Flush();

        Assert.Equal(1, Measurements(CheckinOperations.InventoryQueued).Count);
        Assert.Equal(1, Measurements(CheckinOperations.Processed).Count);
        var unchanged = Measurements(CheckinOperations.InventoryUnchanged);
        Assert.Equal(1, unchanged.Count);
        Assert.Equal(2, unchanged.Sum);
    }

    [Fact]
    public async Task An_expected_conflict_is_neither_a_warning_nor_a_failed_dependency()
    {
        var row = new TableEntity("expected-outcomes", Guid.NewGuid().ToString("N"));
        await app.Store.Assets.AddEntityAsync(row);
        Flush();
        logs.Clear();
        exportedLogs.Clear();

        var (trace, status) = await InvocationAsync(() => app.Store.Assets.AddEntityAsync(row));

        Assert.Equal(409, status);
        var dependency = Assert.Single(spans, s => s.TraceId == trace && s.Source.Name == "Azure.Core.Http");
        Assert.Equal(409, dependency.GetTagItem("http.response.status_code"));
        Assert.NotEqual(ActivityStatusCode.Error, dependency.Status);
        Assert.DoesNotContain(logs.Records, r => r.Category.StartsWith("Azure") && r.Level >= LogLevel.Warning);
        Assert.DoesNotContain(exportedLogs, r => r.CategoryName?.StartsWith("Azure") == true);
    }

    [Fact]
    public async Task An_unexpected_error_response_stays_a_warning_and_a_failed_dependency()
    {
        Flush();
        logs.Clear();

        // A row key with '/' is refused with 400: nothing the code expects.
        var (trace, status) = await InvocationAsync(() =>
            app.Store.Assets.AddEntityAsync(new TableEntity("expected-outcomes", "a/b"))
        );

        Assert.Equal(400, status);
        var dependency = Assert.Single(spans, s => s.TraceId == trace && s.Source.Name == "Azure.Core.Http");
        Assert.Equal(ActivityStatusCode.Error, dependency.Status);
        Assert.Contains(logs.Records, r => r.Category == "Azure.Core" && r.Level == LogLevel.Warning);
    }

    /// <summary>Runs a storage call that fails under a root span; answers the span's trace and the status.</summary>
    private async Task<(ActivityTraceId Trace, int Status)> InvocationAsync(Func<Task> call)
    {
        ActivityTraceId trace;
        RequestFailedException failed;
        using (var invocation = Invocations.StartActivity("function Expected")!)
        {
            trace = invocation.TraceId;
            failed = await Assert.ThrowsAsync<RequestFailedException>(call);
        }
        Flush();
        return (trace, failed.Status);
    }

    private void Flush()
    {
        Assert.True(tracer.ForceFlush(5000));
        Assert.True(meter.ForceFlush(5000));
        app.Services.GetRequiredService<LoggerProvider>().ForceFlush(5000);
    }

    /// <summary>Count and sum of the requests-per-operation histogram since the last clear, by operation.</summary>
    private (long Count, double Sum) Measurements(string operation) =>
        Measurements().TryGetValue(operation, out var point) ? point : (0, 0);

    private Dictionary<string, (long Count, double Sum)> Measurements()
    {
        var totals = new Dictionary<string, (long Count, double Sum)>();
        foreach (
            var point in metrics
                .Where(m => m.Name == StorageRequestMetrics.RequestsPerOperation)
                .SelectMany(m => m.MetricPoints)
        )
        {
            string? operation = null;
            foreach (var tag in point.Tags)
            {
                if (tag.Key == StorageRequestMetrics.OperationTag)
                    operation = (string?)tag.Value;
            }
            var (count, sum) = totals.GetValueOrDefault(operation!);
            totals[operation!] = (count + point.GetHistogramCount(), sum + point.GetHistogramSum());
        }
        return totals;
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> records = new();

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Records => [.. records];

        public void Clear() => records.Clear();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, records);

        public void Dispose() { }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> records) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(
                LogLevel logLevel,
                EventId eventId,
                TState state,
                Exception? exception,
                Func<TState, Exception?, string> formatter
            ) => records.Enqueue((category, logLevel, formatter(state, exception)));
        }
    }
}
