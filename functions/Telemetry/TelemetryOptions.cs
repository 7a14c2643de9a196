using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Telemetry;

/// <summary>
/// The worker's telemetry (section <c>Telemetry</c>). Telemetry is on only where
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set; these options tune it there.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Percentage of operations (traces: the host's request with the worker's invocation and storage dependencies)
    /// sent to Application Insights, decided per trace id, so an operation is kept or dropped whole. Keep it equal to
    /// the host's <c>samplingSettings</c> in host.json (the Bicep template sets both from one parameter). Metrics are
    /// not sampled; warnings and errors are always sent.
    /// </summary>
    [Range(0.01, 100.0)]
    public double SamplingPercentage { get; set; } = 10;
}
