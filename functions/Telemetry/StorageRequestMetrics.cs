using System.Diagnostics.Metrics;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Storage;
using Microsoft.AspNetCore.Http;

namespace ItInventory.Functions.Telemetry;

/// <summary>
/// The storage requests of one operation (a check-in, a processed inventory) as a histogram: the design's budget
/// (2 for a heartbeat) measured in production, unsampled. Counted by <see cref="StorageRequestCounter"/>, so the
/// figure is the one the tests and the bench assert. Without a listener (telemetry off) recording costs nothing.
/// </summary>
public static class StorageRequestMetrics
{
    public const string MeterName = "ItInventory.Storage";

    /// <summary>Histogram of storage requests per operation, tagged with <see cref="OperationTag"/>.</summary>
    public const string RequestsPerOperation = "itinventory.storage.requests";

    public const string OperationTag = "itinventory.operation";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<int> Requests = Meter.CreateHistogram(
        RequestsPerOperation,
        unit: "{request}",
        description: "Storage requests (per try) sent by one operation of the app.",
        tags: null,
        // Small whole numbers: the default buckets (0, 5, 10, …) would not tell 2 from 4.
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64] }
    );

    /// <summary>
    /// Counts the storage requests from here to <see cref="Operation.Dispose"/> and records them under the
    /// operation's name as it is then (set it once the operation knows what it was).
    /// </summary>
    public static Operation Measure(string name) => new(name);

    public sealed class Operation(string name) : IDisposable
    {
        private readonly StorageRequestCounter.Scope scope = StorageRequestCounter.BeginScope();

        public string Name { get; set; } = name;

        public void Dispose()
        {
            scope.Dispose();
            Requests.Record(scope.Count, new KeyValuePair<string, object?>(OperationTag, Name));
        }
    }
}

/// <summary>The operations of the check-in path, as <see cref="StorageRequestMetrics"/> names them.</summary>
public static class CheckinOperations
{
    public const string Heartbeat = "checkin.heartbeat";
    public const string InventoryUnchanged = "checkin.inventory.unchanged";
    public const string InventoryQueued = "checkin.inventory.queued";

    /// <summary>Refused or failed before it was handled (authentication, validation, an outage).</summary>
    public const string Refused = "checkin.refused";

    public const string Processed = "checkin.processed";
    public const string ProcessingFailed = "checkin.processing.failed";

    /// <summary>What a handled check-in was: a heartbeat, an unchanged inventory (200) or a queued one (202).</summary>
    public static string Of(string? kind, int status) =>
        kind == CheckinKinds.Heartbeat ? Heartbeat
        : status == StatusCodes.Status202Accepted ? InventoryQueued
        : InventoryUnchanged;
}
