using System.Globalization;
using System.Text;

namespace ItInventory.Bench;

/// <summary>Everything the bench prints: the human-readable sections, the metric lines and the README table.</summary>
public sealed class Report(TextWriter output)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Line(string text = "") => output.WriteLine(text);

    public void Progress(string text) => output.WriteLine($"  · {text}");

    public void Costs(RequestCosts costs)
    {
        Line(
            "1. Storage requests per operation (service code, counted by StorageRequestCounter around each function "
                + "invocation)"
        );
        Line(
            "   The Functions host's own queue receive and delete of a check-in message are not the app's requests "
                + "and are not counted."
        );
        Line();
        Line($"   {"operation", -46} {"requests", 8} {"target", 7}  result");
        foreach (var line in costs.Lines)
        {
            var target = line.Target is { } t ? $"≤ {t}" : "—";
            var result =
                line.Target is null ? "info"
                : line.Passed ? "PASS"
                : "FAIL";
            Line($"   {line.Label, -46} {line.Cost.Count, 8} {target, 7}  {result}");
        }
        Line();
        if (costs.NonDeterministic.Count > 0)
        {
            Line($"   FAIL: counts differed between repeats: {string.Join("; ", costs.NonDeterministic)}");
        }
        else
        {
            Line("   Steady-state counts were identical over 3 repeats each.");
        }
        Line(
            $"   Raw path (section 2's ceiling) sends the same: heartbeat {costs.Raw["heartbeat"]}, intake "
                + $"{costs.Raw["changed_inventory.intake"]}, processing {costs.Raw["changed_inventory.processing"]}"
                + (
                    costs.Raw["heartbeat"] == costs["heartbeat"].Cost.Count
                    && costs.Raw["changed_inventory.intake"] == costs["changed_inventory.intake"].Cost.Count
                    && costs.Raw["changed_inventory.processing"] == costs["changed_inventory.processing"].Cost.Count
                        ? " (equal to ours)."
                        : " — DIFFERENT from ours."
                )
        );
        Line();
        Line("   Requests sent:");
        foreach (
            var key in new[]
            {
                "heartbeat",
                "unchanged_inventory",
                "changed_inventory.intake",
                "changed_inventory.processing",
                "enrollment",
                "first_inventory.processing",
            }
        )
        {
            var line = costs[key];
            Line($"   {line.Label}:");
            foreach (var group in Collapse(line.Cost.Requests.Select(r => RequestCosts.Describe(r, costs.Suffix))))
            {
                Line($"     {group}");
            }
        }
        Line();
    }

    /// <summary>Consecutive identical requests as one line with a count.</summary>
    private static IEnumerable<string> Collapse(IEnumerable<string> requests)
    {
        string? current = null;
        var count = 0;
        foreach (var request in requests.Append(null))
        {
            if (request == current)
            {
                count++;
                continue;
            }
            if (current is not null)
                yield return count > 1 ? $"{current}  × {count}" : current;
            current = request;
            count = 1;
        }
    }

    public void Throughput(IReadOnlyList<Comparison> comparisons)
    {
        Line("2. Throughput: service code (ours) vs raw SDK ceiling (raw), same Azurite, same run, same concurrency");
        Line(
            "   raw = the very same storage requests with entities of the same shapes, and nothing else (no parsing, "
                + "hashing,"
        );
        Line(
            "   diffing, mapping). Each path has its own tables and its own fresh devices (enrollment + first "
                + "inventory)."
        );
        Line(
            "   Each comparison runs as pairs of short rounds in ABBA order (ours-raw, raw-ours, raw-ours, ours-raw, "
                + "…); ratio = median of"
        );
        Line(
            "   the pairs' ratios (robust to bursts of background load), total = all operations over all time; "
                + "PASS/FAIL on the median."
        );
        Line(
            $"   inventory = HTTP intake + queue processing of a full inventory with {BenchDevice.ChangedPackages} "
                + $"changed packages ({BenchDevice.SoftwareCount} software entries);"
        );
        Line(
            "   each worker receives, processes and deletes one queue message per intake (queue depth ≤ concurrency)."
        );
        Line(
            "   req/op counts every storage request, including the queue receive + delete the host would do (+2 per "
                + "inventory)."
        );
        Line("   CPU ms/op: CPU time per operation of this process (app code + SDK + harness) and of Azurite.");
        Line(
            "   alloc KB/op, GC pause ms/op: managed allocations and GC pauses of this process per operation (less "
                + "noisy than wall clock)."
        );
        Line(
            "   CPU-bound ratio: (raw bench + Azurite CPU/op) / (ours bench + Azurite CPU/op), the ratio to expect "
                + "when the cores are the limit."
        );
        Line();
        Line(
            $"   {"workload", -14} {"conc", 4} {"ops", 5} {"ours/s", 7} {"raw/s", 7} {"ratio", 6} {"", 5} "
                + $"{"total", 6} {"pairs min–max", 13}  {"req/op", 9}  {"bench CPU ms/op", 15}  "
                + $"{"Azurite CPU ms/op", 17}"
        );
        Line(
            $"   {"", -14} {"", 4} {"", 5} {"", 7} {"", 7} {"", 6} {"", 5} {"", 6} {"", 13}  {"ours|raw", 9}  "
                + $"{"ours | raw", 15}  {"ours | raw", 17}"
        );
        foreach (var c in comparisons)
        {
            Line(
                $"   {Name(c.Workload), -14} {c.Concurrency, 4} {c.Ours.Operations, 5} {Rate(c.Ours.PerSecond), 7} "
                    + $"{Rate(c.Raw.PerSecond), 7} {Fixed(c.Ratio, 2), 6} {(c.Passed ? "PASS" : "FAIL"), 5} "
                    + $"{Fixed(c.TotalRatio, 2), 6} "
                    + $"{Fixed(c.PairRatios.Min(), 2) + "–" + Fixed(c.PairRatios.Max(), 2), 13}  "
                    + $"{Pair(c.Ours.StorageRequestsPerOperation, c.Raw.StorageRequestsPerOperation, 1, "|"), 9}  "
                    + $"{Ms(c.Ours.BenchCpuMsPerOperation) + " | " + Ms(c.Raw.BenchCpuMsPerOperation), 15}  "
                    + $"{Ms(c.Ours.AzuriteCpuMsPerOperation) + " | " + Ms(c.Raw.AzuriteCpuMsPerOperation), 17}"
            );
        }
        Line($"   target: ratio ours/raw ≥ {BenchOptions.RatioTarget.ToString("F1", Invariant)}");
        Line();
        Line(
            $"   {"workload", -14} {"conc", 4}  {"alloc KB/op", 17}  {"GC pause ms/op", 15}  "
                + $"{"GCs gen0/1/2 per 100 ops", 27}  {"CPU-bound", 9}"
        );
        Line($"   {"", -14} {"", 4}  {"ours | raw", 17}  {"ours | raw", 15}  {"ours | raw", 27}  {"ratio", 9}");
        foreach (var c in comparisons)
        {
            Line(
                $"   {Name(c.Workload), -14} {c.Concurrency, 4}  "
                    + $"{Pair(c.Ours.AllocatedKBPerOperation, c.Raw.AllocatedKBPerOperation, 0, " | "), 17}  "
                    + $"{Ms(c.Ours.GcPauseMsPerOperation) + " | " + Ms(c.Raw.GcPauseMsPerOperation), 15}  "
                    + $"{Gcs(c.Ours) + " | " + Gcs(c.Raw), 27}  {Fixed(c.CpuBoundRatio, 2), 9}"
            );
        }
        Line();
        Line("   Latencies (ms)                          ours p50 / p99 / max      raw p50 / p99 / max");
        foreach (var c in comparisons)
        {
            var what = c.Workload == Workload.Heartbeat ? "heartbeat request" : "inventory HTTP intake";
            Line($"   {what + " @" + c.Concurrency, -38} {Lat(c.Ours.Latency), -25} {Lat(c.Raw.Latency)}");
            if (c.Workload == Workload.Inventory)
            {
                Line(
                    $"   {"inventory queue processing @" + c.Concurrency, -38} {Lat(c.Ours.Processing!), -25} "
                        + $"{Lat(c.Raw.Processing!)}"
                );
            }
        }
        Line();
    }

    public void Metrics(
        RequestCosts costs,
        IReadOnlyList<Comparison> comparisons,
        int exitCode,
        TimeSpan elapsed,
        ProcessMemory memory
    )
    {
        Line("3. Machine-readable results");
        Line("BEGIN_BENCH_METRICS");
        foreach (var line in costs.Lines)
        {
            Line($"requests.{line.Key}={line.Cost.Count}");
            if (line.Target is { } target)
                Line($"requests.{line.Key}.target={target}");
        }
        Line($"requests.deterministic={(costs.NonDeterministic.Count == 0 ? "true" : "false")}");
        Line($"requests.result={(costs.Passed ? "PASS" : "FAIL")}");
        foreach (var c in comparisons)
        {
            var key = $"throughput.{(c.Workload == Workload.Heartbeat ? "heartbeat" : "inventory")}.c{c.Concurrency}";
            Line($"{key}.operations={c.Ours.Operations}");
            Line($"{key}.ours_per_s={Fixed(c.Ours.PerSecond, 1)}");
            Line($"{key}.raw_per_s={Fixed(c.Raw.PerSecond, 1)}");
            Line($"{key}.ratio={Fixed(c.Ratio, 3)}");
            Line($"{key}.ratio_total={Fixed(c.TotalRatio, 3)}");
            Line($"{key}.ratio_pairs={string.Join(',', c.PairRatios.Select(r => Fixed(r, 3)))}");
            Line($"{key}.ratio_cpu_bound={Fixed(c.CpuBoundRatio, 3)}");
            Line($"{key}.ours_p50_ms={Fixed(c.Ours.Latency.P50Ms, 2)}");
            Line($"{key}.ours_p99_ms={Fixed(c.Ours.Latency.P99Ms, 2)}");
            Line($"{key}.raw_p50_ms={Fixed(c.Raw.Latency.P50Ms, 2)}");
            Line($"{key}.raw_p99_ms={Fixed(c.Raw.Latency.P99Ms, 2)}");
            if (c.Workload == Workload.Inventory)
            {
                Line($"{key}.ours_processing_p50_ms={Fixed(c.Ours.Processing!.P50Ms, 2)}");
                Line($"{key}.ours_processing_p99_ms={Fixed(c.Ours.Processing!.P99Ms, 2)}");
                Line($"{key}.raw_processing_p50_ms={Fixed(c.Raw.Processing!.P50Ms, 2)}");
                Line($"{key}.raw_processing_p99_ms={Fixed(c.Raw.Processing!.P99Ms, 2)}");
            }
            Line($"{key}.ours_bench_cpu_ms_per_op={Fixed(c.Ours.BenchCpuMsPerOperation, 3)}");
            Line($"{key}.raw_bench_cpu_ms_per_op={Fixed(c.Raw.BenchCpuMsPerOperation, 3)}");
            Line($"{key}.ours_azurite_cpu_ms_per_op={Fixed(c.Ours.AzuriteCpuMsPerOperation, 3)}");
            Line($"{key}.raw_azurite_cpu_ms_per_op={Fixed(c.Raw.AzuriteCpuMsPerOperation, 3)}");
            Line($"{key}.ours_alloc_kb_per_op={Fixed(c.Ours.AllocatedKBPerOperation, 1)}");
            Line($"{key}.raw_alloc_kb_per_op={Fixed(c.Raw.AllocatedKBPerOperation, 1)}");
            Line($"{key}.ours_gc_pause_ms_per_op={Fixed(c.Ours.GcPauseMsPerOperation, 3)}");
            Line($"{key}.raw_gc_pause_ms_per_op={Fixed(c.Raw.GcPauseMsPerOperation, 3)}");
            Line($"{key}.result={(c.Passed ? "PASS" : "FAIL")}");
        }
        if (comparisons.Count > 0)
            Line($"throughput.result={(comparisons.All(c => c.Passed) ? "PASS" : "FAIL")}");
        Line($"elapsed_s={Fixed(elapsed.TotalSeconds, 1)}");
        Line($"process.peak_working_set_mb={Fixed(memory.PeakWorkingSetMb, 0)}");
        Line($"process.managed_heap_mb={Fixed(memory.ManagedHeapMb, 0)}");
        Line($"exit_code={exitCode}");
        Line("END_BENCH_METRICS");
        Line();
    }

    public void Markdown(RequestCosts costs, IReadOnlyList<Comparison> comparisons, string environment)
    {
        var md = new StringBuilder();
        md.AppendLine("| Operation | Storage requests | Target | |");
        md.AppendLine("|---|---:|---:|---|");
        foreach (var line in costs.Lines.Where(l => l.Key is not "first_inventory.intake"))
        {
            md.AppendLine(
                Invariant,
                $"| {line.Label} | {line.Cost.Count} | {(line.Target is { } t ? $"≤ {t}" : "")} | "
                    + $"{(line.Target is null ? "" : line.Passed ? "✅" : "❌")} |"
            );
        }
        if (comparisons.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(
                "| Check-in | Concurrency | Service code (/s) | Raw ceiling (/s) | Ratio (median of pairs) | p50 / "
                    + "p99 ours (ms) | p50 / p99 raw (ms) |"
            );
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var c in comparisons)
            {
                var name =
                    c.Workload == Workload.Heartbeat
                        ? "heartbeat"
                        : $"full inventory, {BenchDevice.ChangedPackages} changed (intake + processing)";
                var ours =
                    c.Workload == Workload.Heartbeat
                        ? P(c.Ours.Latency)
                        : $"{P(c.Ours.Latency)} + {P(c.Ours.Processing!)}";
                var raw =
                    c.Workload == Workload.Heartbeat
                        ? P(c.Raw.Latency)
                        : $"{P(c.Raw.Latency)} + {P(c.Raw.Processing!)}";
                md.AppendLine(
                    Invariant,
                    $"| {name} | {c.Concurrency} | {Rate(c.Ours.PerSecond)} | {Rate(c.Raw.PerSecond)} | {c.Ratio:F2} "
                        + $"| {ours} | {raw} |"
                );
            }
        }
        md.AppendLine();
        md.Append(Invariant, $"_{environment}_");
        Line("4. Markdown for the README");
        Line();
        Line(md.ToString());
        Line();
    }

    private static string Name(Workload workload) => workload == Workload.Heartbeat ? "heartbeat" : "inventory";

    private static string Rate(double perSecond) => perSecond.ToString(perSecond >= 100 ? "F0" : "F1", Invariant);

    private static string Pair(double ours, double raw, int decimals, string separator) =>
        Fixed(ours, decimals) + separator + Fixed(raw, decimals);

    private static string Fixed(double value, int decimals) =>
        value.ToString("F" + decimals.ToString(Invariant), Invariant);

    private static string Ms(double ms) =>
        ms.ToString(
            ms >= 100 ? "F0"
                : ms >= 10 ? "F1"
                : "F2",
            Invariant
        );

    private static string Lat(Latencies l) => $"{Ms(l.P50Ms)} / {Ms(l.P99Ms)} / {Ms(l.MaxMs)}";

    private static string Gcs(RunResult r) =>
        string.Join(
            '/',
            new[] { r.Collections.Gen0, r.Collections.Gen1, r.Collections.Gen2 }.Select(n =>
                Fixed(100.0 * n / r.Operations, n * 100 >= r.Operations * 10 ? 0 : 1)
            )
        );

    private static string P(Latencies l) => $"{Ms(l.P50Ms)} / {Ms(l.P99Ms)}";
}
