using System.Diagnostics;
using System.Globalization;
using ItInventory.Functions.Storage;

namespace ItInventory.Bench;

/// <summary>What one scan run reports of itself: the rows it read, the conditions it found, a short note.</summary>
public sealed record ScanResult(long RowsRead, int Conditions, string Detail);

/// <summary>One measured run: wall time, the storage requests it sent (by method) and the process's peak working
/// set while it ran.</summary>
public sealed record ScanMeasurement(
    string Name,
    ScanResult Result,
    TimeSpan Elapsed,
    int Requests,
    IReadOnlyDictionary<string, int> ByMethod,
    double PeakWorkingSetMb
)
{
    public double RowsPerSecond(long rows) => rows / Math.Max(Elapsed.TotalSeconds, 1e-6);

    public string Methods =>
        string.Join(
            " ",
            ByMethod
                .OrderByDescending(m => m.Value)
                .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key}×{m.Value}"))
        );

    /// <summary>Runs <paramref name="scan"/> once: a full GC first (so that earlier phases' garbage is not counted),
    /// the peak resident set reset (Linux <c>clear_refs</c>) and sampled while it runs, every storage request
    /// counted in a <see cref="StorageRequestCounter"/> scope.</summary>
    public static async Task<ScanMeasurement> RunAsync(
        string name,
        Func<CancellationToken, Task<ScanResult>> scan,
        CancellationToken cancellationToken
    )
    {
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        PeakMemory.Reset();
        using var sampler = new PeakMemory.Sampler();
        using var counter = StorageRequestCounter.BeginScope();
        var clock = Stopwatch.StartNew();
        var result = await scan(cancellationToken);
        clock.Stop();
        var byMethod = counter
            .Requests.GroupBy(r => r[..r.IndexOf(' ', StringComparison.Ordinal)], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var peak = Math.Max(sampler.Stop(), PeakMemory.HighWaterMb());
        return new ScanMeasurement(name, result, clock.Elapsed, counter.Count, byMethod, peak);
    }
}

/// <summary>The process's resident set: its high-water mark (VmHWM, resettable on Linux) and a sampler (every 20 ms)
/// for kernels that refuse the reset.</summary>
public static class PeakMemory
{
    public static void Reset()
    {
        try
        {
            // "5" resets the peak resident set size of the process (Linux ≥ 4.0).
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The sampler still sees the peak, to within its period.
        }
    }

    public static double HighWaterMb() => Read("VmHWM:") ?? Environment.WorkingSet / 1048576.0;

    public static double CurrentMb() => Read("VmRSS:") ?? Environment.WorkingSet / 1048576.0;

    private static double? Read(string field)
    {
        if (!File.Exists("/proc/self/status"))
            return null;
        var line = File.ReadLines("/proc/self/status")
            .FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is not null && long.TryParse(line[field.Length..].Trim().Split(' ')[0], out var kb)
            ? kb / 1024.0
            : null;
    }

    public sealed class Sampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task<double> loop;

        public Sampler() =>
            loop = Task.Run(async () =>
            {
                var peak = CurrentMb();
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        peak = Math.Max(peak, CurrentMb());
                        await Task.Delay(20, stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Stopped.
                }
                return Math.Max(peak, CurrentMb());
            });

        public double Stop()
        {
            stop.Cancel();
            return loop.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            if (!stop.IsCancellationRequested)
                stop.Cancel();
            stop.Dispose();
        }
    }
}
