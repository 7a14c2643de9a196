using System.Diagnostics;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Logging;
using OpenTelemetry;

namespace ItInventory.Functions.Telemetry;

/// <summary>
/// Storage answers the code expects and handles are not failures: 404 (a conditional read of a row that is not
/// there), 409 (insert-if-absent of a row that exists: identity claims, markers, audit references) and 412 (an If-Match
/// that lost to a concurrent writer and is retried). The Azure SDK reports every such answer as an error response: a
/// Warning log (<c>Azure.Core</c> event <c>ErrorResponse</c>) and a failed dependency. Here they become a Debug log
/// and a dependency with its status code but without the error status. Anything unexpected still surfaces: the SDK
/// throws, and the code that does not handle the status fails the invocation (logged, exception telemetry).
/// See docs/configuration.md ("Logs and expected storage outcomes").
/// </summary>
public static class ExpectedStorageOutcomes
{
    public static bool IsExpected(int status) => status is 404 or 409 or 412;

    /// <summary>The SDK's log forwarder (Microsoft.Extensions.Azure starts it when it creates a client) writing
    /// through <see cref="LoggerFactory"/>.</summary>
    internal static AzureEventSourceLogForwarder Forwarder(ILoggerFactory loggerFactory) =>
        new(new LoggerFactory(loggerFactory));

    /// <summary>Hands out loggers that log an expected error response at Debug; everything else as it
    /// comes.</summary>
    private sealed class LoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        // The application's logger factory belongs to the container, not to the forwarder.
        public void Dispose() { }
    }

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (logLevel == LogLevel.Warning && eventId.Name == "ErrorResponse" && IsExpected(Status(state)))
                logLevel = LogLevel.Debug;
            if (inner.IsEnabled(logLevel))
                inner.Log(logLevel, eventId, state, exception, formatter);
        }

        private static int Status<TState>(TState state)
        {
            if (state is IReadOnlyList<KeyValuePair<string, object?>> payload)
            {
                foreach (var (name, value) in payload)
                {
                    if (name == "status" && value is int status)
                        return status;
                }
            }
            return 0;
        }
    }

    /// <summary>Clears the error status of the SDK's HTTP span (<c>Azure.Core.Http</c>) for an expected status, before
    /// the exporter sees it; the status code stays on the span.</summary>
    internal sealed class SpanProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            if (
                data.Status == ActivityStatusCode.Error
                && data.Source.Name == TelemetryServiceCollectionExtensions.AzureSdkHttpSource
                && data.GetTagItem("http.response.status_code") is int status
                && IsExpected(status)
            )
            {
                data.SetStatus(ActivityStatusCode.Unset);
                data.SetTag("error.type", null);
            }
        }
    }
}
