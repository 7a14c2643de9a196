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

    /// <summary>Whether a judged run meets the benches' targets: at least <see cref="ScanBenchOptions.RatioTarget"/>
    /// × raw and a peak working set below <see cref="ScanBenchOptions.MemoryTargetMb"/>.</summary>
    public bool MeetsTargets(double ratio) =>
        ratio >= ScanBenchOptions.RatioTarget && PeakWorkingSetMb < ScanBenchOptions.MemoryTargetMb;

    /// <summary>The run's progress line: time, rows, requests by method, peak working set, its note.</summary>
    public void Print(string label) =>
        Console.WriteLine(
            $"    {label, -6} {Elapsed.TotalSeconds, 6:F2} s  {Result.RowsRead, 8} rows  "
                + $"{Requests, 6} requests ({Methods})  peak {PeakWorkingSetMb:F0} MB  {Result.Detail}"
        );

    /// <summary>The run's <c>metric=value</c> lines under <paramref name="key"/>: seconds, rows per second (where
    /// given), the ratio beside raw, requests and peak working set.</summary>
    public void PrintMetrics(string key, double ratio, double? rowsPerSecond = null)
    {
        Console.WriteLine(Invariant($"{key}.seconds={Elapsed.TotalSeconds:F2}"));
        if (rowsPerSecond is { } rate)
            Console.WriteLine(Invariant($"{key}.rows_per_s={rate:F0}"));
        Console.WriteLine(Invariant($"{key}.ratio={ratio:F2}"));
        Console.WriteLine(Invariant($"{key}.requests={Requests}"));
        Console.WriteLine(Invariant($"{key}.peak_working_set_mb={PeakWorkingSetMb:F0}"));
    }

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

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The measured sequence of the scans, KPI and reports benches: a warm-up that is not measured nor judged (the raw
/// pass, and the run under test too where its first measured run is judged, so that no judged run pays for the JIT,
/// the SDK clients' first requests or a first render), then raw, the diagnostic passes, run 1, run 2 and raw again,
/// each with <see cref="ScanMeasurement.RunAsync"/>; their lines are printed when the sequence ends.
/// </summary>
public sealed record MeasuredSequence(
    ScanMeasurement RawA,
    IReadOnlyList<ScanMeasurement> Passes,
    ScanMeasurement First,
    ScanMeasurement Second,
    ScanMeasurement RawB
)
{
    /// <summary>The mean of the two raw passes' times.</summary>
    public double RawSeconds => (RawA.Elapsed.TotalSeconds + RawB.Elapsed.TotalSeconds) / 2;

    public double RawPeakMb => Math.Max(RawA.PeakWorkingSetMb, RawB.PeakWorkingSetMb);

    /// <summary>A run beside raw: the raw mean's seconds over the run's (1: as fast as raw).</summary>
    public double Ratio(ScanMeasurement run) => RawSeconds / Math.Max(run.Elapsed.TotalSeconds, 1e-6);

    /// <summary>The metric lines of a bench that judges both runs (KPI, reports): the raw mean's seconds and the raw
    /// rows, then each run's lines; whether both runs meet the targets.</summary>
    public bool PrintJudgedMetrics(string prefix)
    {
        Console.WriteLine(Invariant($"{prefix}.raw.seconds={RawSeconds:F2}"));
        Console.WriteLine(Invariant($"{prefix}.raw.rows={RawA.Result.RowsRead}"));
        var passed = true;
        foreach (var (run, m) in Runs)
        {
            var ratio = Ratio(m);
            passed &= m.MeetsTargets(ratio);
            m.PrintMetrics($"{prefix}.run{run}", ratio);
        }
        return passed;
    }

    /// <summary>Run 1 and run 2 with their numbers.</summary>
    public (string Number, ScanMeasurement Run)[] Runs => [("1", First), ("2", Second)];

    /// <summary>Ends the metrics block with <c>{prefix}.exit_code</c>, prints the markdown table and the verdict
    /// against the targets: exit code 0 when met, 2 when not (<paramref name="failed"/> names what missed them).
    /// </summary>
    public static int Verdict(string prefix, bool passed, IEnumerable<string> table, string failed, TimeSpan elapsed)
    {
        Console.WriteLine($"{prefix}.exit_code={(passed ? 0 : 2)}");
        Console.WriteLine("END_BENCH_METRICS");
        Console.WriteLine();
        foreach (var line in table)
            Console.WriteLine(line);
        Console.WriteLine();
        Console.WriteLine(
            (
                passed
                    ? "All targets met"
                    : $"FAILED: {failed} below {ScanBenchOptions.RatioTarget:F1} × raw or above "
                        + $"{ScanBenchOptions.MemoryTargetMb:F0} MB"
            ) + $" ({elapsed.TotalSeconds:F0} s)"
        );
        return passed ? 0 : 2;
    }

    /// <param name="raw">The raw pass.</param>
    /// <param name="name">The run's name.</param>
    /// <param name="run">The run under test, measured twice.</param>
    /// <param name="warmUpRun">Run it once in the warm-up: where run 1 is judged. Where only run 2 is (run 1 opens
    /// findings, a one-off), run 1 is run 2's warm-up and the state it starts from.</param>
    /// <param name="passes">Diagnostic passes (printed, not judged), measured between raw and run 1.</param>
    public static async Task<MeasuredSequence> RunAsync(
        Func<CancellationToken, Task<ScanResult>> raw,
        string name,
        Func<CancellationToken, Task<ScanResult>> run,
        bool warmUpRun,
        params (string Name, Func<CancellationToken, Task<ScanResult>> Pass)[] passes
    )
    {
        var none = CancellationToken.None;
        await raw(none);
        if (warmUpRun)
            await run(none);
        var rawA = await ScanMeasurement.RunAsync("raw", raw, none);
        var measured = new List<ScanMeasurement>();
        foreach (var (passName, pass) in passes)
            measured.Add(await ScanMeasurement.RunAsync(passName, pass, none));
        var first = await ScanMeasurement.RunAsync(name, run, none);
        var second = await ScanMeasurement.RunAsync(name, run, none);
        var rawB = await ScanMeasurement.RunAsync("raw", raw, none);
        rawA.Print("raw");
        foreach (var pass in measured)
            pass.Print(pass.Name);
        first.Print("run 1");
        second.Print("run 2");
        rawB.Print("raw");
        return new MeasuredSequence(rawA, measured, first, second, rawB);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
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
