using System.Diagnostics;

namespace ItInventory.Bench;

/// <summary>Ours against the raw ceiling for one workload at one concurrency, measured in the same run.</summary>
/// <param name="PairRatios">ours/raw of each pair of adjacent rounds.</param>
public sealed record Comparison(
    Workload Workload,
    int Concurrency,
    RunResult Ours,
    RunResult Raw,
    IReadOnlyList<double> PairRatios
)
{
    /// <summary>The median of the pair ratios: each pair ran back to back, so a burst of background load on the machine
    /// moves one pair, not the figure.</summary>
    public double Ratio
    {
        get
        {
            var sorted = PairRatios.Order().ToArray();
            return sorted.Length % 2 == 1
                ? sorted[sorted.Length / 2]
                : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    /// <summary>Total operations over total time, ours against raw.</summary>
    public double TotalRatio => Ours.PerSecond / Raw.PerSecond;

    public bool Passed => Ratio >= BenchOptions.RatioTarget;

    /// <summary>The ratio if throughput were bound by total CPU (this process + Azurite), as on a saturated 2-core
    /// machine:
    /// raw's CPU per operation over ours.</summary>
    public double CpuBoundRatio =>
        (Raw.BenchCpuMsPerOperation + Raw.AzuriteCpuMsPerOperation)
        / (Ours.BenchCpuMsPerOperation + Ours.AzuriteCpuMsPerOperation);
}

/// <summary>
/// Section 2. Per concurrency level: two fresh apps (own tables, queue and container each), one per path, each with
/// the same number of fresh devices set up identically by the service code (enrollment plus a first full
/// inventory), so both paths meet the same amount of stored data. Then heartbeats on both paths, then full
/// inventories on both, each as pairs of short rounds in ABBA order (ours-raw, raw-ours, raw-ours, ours-raw, …):
/// the machine may be shared, and background load that comes and goes then weighs on both paths alike.
/// </summary>
public static class ThroughputComparison
{
    public static async Task<List<Comparison>> RunAsync(
        string connectionString,
        BenchOptions options,
        Action<string> progress
    )
    {
        await WarmUpAsync(connectionString, progress);

        var comparisons = new List<Comparison>();
        foreach (var concurrency in options.Concurrency)
        {
            var deviceCount = concurrency * BenchOptions.DevicesPerWorker;
            await using var oursApp = await BenchApp.StartAsync(connectionString);
            await using var rawApp = await BenchApp.StartAsync(connectionString);

            var clock = Stopwatch.StartNew();
            var setUp = await Task.WhenAll(
                SetUpDevicesAsync(oursApp, deviceCount),
                SetUpDevicesAsync(rawApp, deviceCount)
            );
            var (oursDevices, rawDevices) = (setUp[0], setUp[1]);
            progress(
                $"concurrency {concurrency}: set up 2 × {deviceCount} fresh devices (enrollment + first "
                    + $"{BenchDevice.SoftwareCount}-package inventory) in {clock.Elapsed.TotalSeconds:F1} s"
            );

            var ours = new ServicePath(oursApp);
            var raw = new RawPath(rawApp);

            var heartbeats = PerRound(options.HeartbeatOperations(concurrency), options.HeartbeatPairs, concurrency);
            var hb = await AbbaAsync(
                Workload.Heartbeat,
                concurrency,
                options.HeartbeatPairs,
                () => ThroughputRunner.HeartbeatsAsync(ours, oursDevices, concurrency, heartbeats),
                () => ThroughputRunner.HeartbeatsAsync(raw, rawDevices, concurrency, heartbeats)
            );
            comparisons.Add(hb);
            progress(
                $"concurrency {concurrency}: {hb.Ours.Operations} heartbeats each — ours {hb.Ours.PerSecond:F0}/s, "
                    + $"raw {hb.Raw.PerSecond:F0}/s, ratio {hb.Ratio:F2}"
            );

            var inventories = PerRound(
                options.InventoryOperations(concurrency),
                options.InventoryPairs(concurrency),
                concurrency
            );
            var inv = await AbbaAsync(
                Workload.Inventory,
                concurrency,
                options.InventoryPairs(concurrency),
                () => ThroughputRunner.InventoriesAsync(ours, oursApp, oursDevices, concurrency, inventories),
                () => ThroughputRunner.InventoriesAsync(raw, rawApp, rawDevices, concurrency, inventories)
            );
            comparisons.Add(inv);
            progress(
                $"concurrency {concurrency}: {inv.Ours.Operations} full inventories each — ours "
                    + $"{inv.Ours.PerSecond:F1}/s, raw {inv.Raw.PerSecond:F1}/s, ratio {inv.Ratio:F2}"
            );
        }
        return comparisons;
    }

    /// <summary>Operations per round: a whole number per worker.</summary>
    private static int PerRound(int operations, int pairs, int concurrency) =>
        Math.Max(1, operations / pairs / concurrency) * concurrency;

    private static async Task<Comparison> AbbaAsync(
        Workload workload,
        int concurrency,
        int pairs,
        Func<Task<RunResult>> ours,
        Func<Task<RunResult>> raw
    )
    {
        var oursRounds = new List<RunResult>();
        var rawRounds = new List<RunResult>();
        for (var pair = 0; pair < pairs; pair++)
        {
            // ours-raw, raw-ours, raw-ours, ours-raw, and again.
            if (pair % 4 is 0 or 3)
            {
                oursRounds.Add(await ours());
                rawRounds.Add(await raw());
            }
            else
            {
                rawRounds.Add(await raw());
                oursRounds.Add(await ours());
            }
        }
        var ratios = oursRounds.Zip(rawRounds, (o, r) => o.PerSecond / r.PerSecond).ToList();
        return new Comparison(
            workload,
            concurrency,
            RunResult.Combine(oursRounds),
            RunResult.Combine(rawRounds),
            ratios
        );
    }

    /// <summary>JIT, connection pools and Azurite's first-use paths, on both paths, before anything is timed.</summary>
    private static async Task WarmUpAsync(string connectionString, Action<string> progress)
    {
        var clock = Stopwatch.StartNew();
        await using var app = await BenchApp.StartAsync(connectionString);
        var oursDevices = await SetUpDevicesAsync(app, 4);
        var rawDevices = await SetUpDevicesAsync(app, 4);
        foreach (
            var (path, devices) in new (ICheckinPath, List<BenchDevice>)[]
            {
                (new ServicePath(app), oursDevices),
                (new RawPath(app), rawDevices),
            }
        )
        {
            await ThroughputRunner.HeartbeatsAsync(path, devices, 4, 400);
            await ThroughputRunner.InventoriesAsync(path, app, devices, 4, 16);
        }
        progress($"warm-up done in {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Enrolls fresh devices and sends each its first full inventory, through the service code.</summary>
    public static async Task<List<BenchDevice>> SetUpDevicesAsync(BenchApp app, int count)
    {
        var devices = Enumerable.Range(0, count).Select(_ => BenchDevice.Create()).ToList();
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (device, _) =>
        {
            var answer = await app.EnrollAsync(device.EnrollmentJson());
            if (answer.Status != 201)
                throw new BenchException($"Enrollment of {device.Serial}: HTTP {answer.Status}: {answer.Body}");
            device.Enrolled(answer.Body);
        });
        // One operation per device: worker w takes devices w, w+p, w+2p, … in turn.
        await ThroughputRunner.InventoriesAsync(new ServicePath(app), app, devices, Math.Min(4, count), count);
        return devices;
    }
}
