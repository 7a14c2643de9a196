using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Bench;

/// <summary>Percentiles of one series of latencies.</summary>
public sealed record Latencies(double P50Ms, double P99Ms, double MaxMs)
{
    public static Latencies From(IEnumerable<long> stopwatchTicks)
    {
        var sorted = stopwatchTicks.Order().Select(t => t * 1000.0 / Stopwatch.Frequency).ToArray();
        if (sorted.Length == 0)
            return new Latencies(0, 0, 0);
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Latencies(At(0.50), At(0.99), sorted[^1]);
    }
}

public enum Workload
{
    Heartbeat,

    /// <summary>A full inventory with <see cref="BenchDevice.ChangedPackages"/> changed packages: HTTP intake, then
    /// queue processing.</summary>
    Inventory,
}

/// <summary>One timed run (or several rounds combined) of a workload on one path at one concurrency.</summary>
/// <param name="LatencyTicks">Heartbeat: the request. Inventory: the HTTP intake. In <see cref="Stopwatch"/>
/// ticks.</param>
/// <param name="ProcessingTicks">Inventory only: the queue processing of one message.</param>
/// <param name="StorageRequests">All storage requests of the run, the host's queue receive/delete included.</param>
/// <param name="BenchCpu">CPU time of this process (the app code, the SDK, the harness) during the run.</param>
/// <param name="AzuriteCpu">CPU time of Azurite during the run.</param>
/// <param name="AllocatedBytes">Managed memory this process allocated during the run.</param>
public sealed record RunResult(
    string Path,
    Workload Workload,
    int Concurrency,
    int Operations,
    double Seconds,
    long[] LatencyTicks,
    long[]? ProcessingTicks,
    long StorageRequests,
    TimeSpan BenchCpu,
    TimeSpan AzuriteCpu,
    long AllocatedBytes,
    GcCounts Collections,
    TimeSpan GcPause
)
{
    public double PerSecond => Operations / Seconds;

    public Latencies Latency => Latencies.From(LatencyTicks);

    public Latencies? Processing => ProcessingTicks is null ? null : Latencies.From(ProcessingTicks);

    public double StorageRequestsPerOperation => (double)StorageRequests / Operations;

    public double BenchCpuMsPerOperation => BenchCpu.TotalMilliseconds / Operations;

    public double AzuriteCpuMsPerOperation => AzuriteCpu.TotalMilliseconds / Operations;

    public double AllocatedKBPerOperation => AllocatedBytes / 1024.0 / Operations;

    public double GcPauseMsPerOperation => GcPause.TotalMilliseconds / Operations;

    public static RunResult Combine(IReadOnlyList<RunResult> rounds) =>
        rounds[0] with
        {
            Operations = rounds.Sum(r => r.Operations),
            Seconds = rounds.Sum(r => r.Seconds),
            LatencyTicks = [.. rounds.SelectMany(r => r.LatencyTicks)],
            ProcessingTicks = rounds[0].ProcessingTicks is null
                ? null
                : [.. rounds.SelectMany(r => r.ProcessingTicks!)],
            StorageRequests = rounds.Sum(r => r.StorageRequests),
            BenchCpu = rounds.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.BenchCpu),
            AzuriteCpu = rounds.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.AzuriteCpu),
            AllocatedBytes = rounds.Sum(r => r.AllocatedBytes),
            Collections = rounds.Aggregate(new GcCounts(0, 0, 0), (sum, r) => sum + r.Collections),
            GcPause = rounds.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.GcPause),
        };
}

/// <summary>Garbage collections by generation (a gen2 collection also counts as gen1 and gen0, as the runtime counts
/// them).</summary>
public readonly record struct GcCounts(int Gen0, int Gen1, int Gen2)
{
    public static GcCounts Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    public static GcCounts operator +(GcCounts a, GcCounts b) => new(a.Gen0 + b.Gen0, a.Gen1 + b.Gen1, a.Gen2 + b.Gen2);

    public static GcCounts operator -(GcCounts a, GcCounts b) => new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2);
}

/// <summary>CPU time consumed so far by this process and by Azurite.</summary>
public static class CpuMeter
{
    private static readonly Process Self = Process.GetCurrentProcess();
    private static Process? azurite;

    public static void Watch(int azuritePid) => azurite = Process.GetProcessById(azuritePid);

    public static (TimeSpan Bench, TimeSpan Azurite) Now()
    {
        Self.Refresh();
        azurite?.Refresh();
        return (Self.TotalProcessorTime, azurite?.TotalProcessorTime ?? TimeSpan.Zero);
    }
}

/// <summary>
/// Runs a bounded number of operations with a fixed number of concurrent workers. Each worker owns its devices,
/// so no device ever has two operations in flight. A full inventory is processed as it goes: after its intake a
/// worker receives one message from the real check-in queue (its own or another worker's), processes it, and
/// deletes it, as the host does — so the queue never holds more than one message per worker.
/// </summary>
public static class ThroughputRunner
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(30);

    public static Task<RunResult> HeartbeatsAsync(
        ICheckinPath path,
        IReadOnlyList<BenchDevice> devices,
        int concurrency,
        int operations
    ) =>
        RunAsync(
            path.Name,
            Workload.Heartbeat,
            devices,
            concurrency,
            operations,
            withProcessing: false,
            async (device, latency, _, cancellationToken) =>
            {
                var start = Stopwatch.GetTimestamp();
                await path.HeartbeatAsync(device, cancellationToken);
                latency.Add(Stopwatch.GetTimestamp() - start);
            }
        );

    public static Task<RunResult> InventoriesAsync(
        ICheckinPath path,
        BenchApp app,
        IReadOnlyList<BenchDevice> devices,
        int concurrency,
        int operations
    )
    {
        var byId = devices.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        var queue = app.Store.CheckinQueue;
        return RunAsync(
            path.Name,
            Workload.Inventory,
            devices,
            concurrency,
            operations,
            withProcessing: true,
            async (device, intakeLatency, processingLatency, cancellationToken) =>
            {
                await device.BeginInventoryAsync(cancellationToken);
                var start = Stopwatch.GetTimestamp();
                await path.InventoryIntakeAsync(device, cancellationToken);
                intakeLatency.Add(Stopwatch.GetTimestamp() - start);

                // The host's part, not the app's: receive a message, run the trigger, delete the message.
                var message = await ReceiveAsync(queue, cancellationToken);
                var checkin = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage)
                    ?? throw new BenchException($"Queue message {message.MessageId} is empty.");
                start = Stopwatch.GetTimestamp();
                await path.ProcessAsync(message, checkin, cancellationToken);
                processingLatency!.Add(Stopwatch.GetTimestamp() - start);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                byId[checkin.DeviceId].InventoryProcessed();
            }
        );
    }

    private static async Task<QueueMessage> ReceiveAsync(QueueClient queue, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(ReceiveTimeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if ((await queue.ReceiveMessageAsync(cancellationToken: cancellationToken)).Value is { } message)
                return message;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new BenchException(
                    $"No message arrived on queue {queue.Name} within {ReceiveTimeout.TotalSeconds} s."
                );
            await Task.Delay(2, cancellationToken);
        }
    }

    private static async Task<RunResult> RunAsync(
        string pathName,
        Workload workload,
        IReadOnlyList<BenchDevice> devices,
        int concurrency,
        int operations,
        bool withProcessing,
        Func<BenchDevice, List<long>, List<long>?, CancellationToken, Task> operation
    )
    {
        if (devices.Count < concurrency)
            throw new ArgumentException(
                $"{devices.Count} devices cannot serve {concurrency} workers.",
                nameof(devices)
            );
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var latencies = Enumerable
            .Range(0, concurrency)
            .Select(_ => new List<long>(operations / concurrency + 1))
            .ToArray();
        var processing = Enumerable
            .Range(0, concurrency)
            .Select(_ => withProcessing ? new List<long>(operations / concurrency + 1) : null)
            .ToArray();

        // The first failure stops every worker (one may be waiting for a device whose message will never be processed).
        using var abort = new CancellationTokenSource();
        Exception? failure = null;

        async Task Worker(int worker)
        {
            // Worker w owns devices w, w+c, w+2c, … and runs operations w, w+c, w+2c, …
            var mine = devices.Where((_, i) => i % concurrency == worker).ToArray();
            await gate.Task;
            try
            {
                for (int op = worker, k = 0; op < operations; op += concurrency, k++)
                {
                    await operation(mine[k % mine.Length], latencies[worker], processing[worker], abort.Token);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !abort.IsCancellationRequested)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                await abort.CancelAsync();
            }
            catch (OperationCanceledException) { }
        }

        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => Worker(w))).ToArray();
        var requestsBefore = StorageRequestCounter.Total;
        var cpuBefore = CpuMeter.Now();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var gcBefore = GcCounts.Now();
        var pauseBefore = GC.GetTotalPauseDuration();
        var clock = Stopwatch.StartNew();
        gate.SetResult();
        await Task.WhenAll(workers);
        clock.Stop();
        var cpuAfter = CpuMeter.Now();
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        var collections = GcCounts.Now() - gcBefore;
        var pause = GC.GetTotalPauseDuration() - pauseBefore;
        if (failure is not null)
        {
            throw new BenchException(
                $"{workload} run ({pathName}, concurrency {concurrency}) failed: {failure.Message}",
                failure
            );
        }
        var requests = StorageRequestCounter.Total - requestsBefore;

        return new RunResult(
            pathName,
            workload,
            concurrency,
            operations,
            clock.Elapsed.TotalSeconds,
            [.. latencies.SelectMany(l => l)],
            withProcessing ? [.. processing.SelectMany(l => l!)] : null,
            requests,
            cpuAfter.Bench - cpuBefore.Bench,
            cpuAfter.Azurite - cpuBefore.Azurite,
            allocated,
            collections,
            pause
        );
    }
}
