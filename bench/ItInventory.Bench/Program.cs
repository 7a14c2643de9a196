using System.Diagnostics;
using System.Runtime;
using System.Text;
using System.Text.Json;
using ItInventory.Bench;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;

// ItInventory check-in bench: storage requests per operation, and throughput of the service code against the raw
// SDK ceiling, on a real Azurite started here. See BenchOptions.Usage for arguments and exit codes.

// The scans bench (issue 10) is its own subcommand; without it, the check-in bench runs as before.
if (args.Length > 0 && args[0] == "scans")
    return await ScanBench.RunAsync(args[1..]);

// The KPI bench (issue 12): a KPI snapshot beside the raw projected reads it needs.
if (args.Length > 0 && args[0] == "kpis")
    return await KpiBench.RunAsync(args[1..]);

// The outbox bench (issue 12): requests per change before/after, dispatcher throughput beside raw appends.
if (args.Length > 0 && args[0] == "outbox")
    return await OutboxBench.RunAsync(args[1..]);
// The reports bench (issue 13): the monthly finance report beside the raw projected reads it needs.
if (args.Length > 0 && args[0] == "reports")
    return await ReportBench.RunAsync(args[1..]);

// The existing agents' formats (issue 14) against the native check-in, in the same run.
if (args.Length > 0 && args[0] == "agents")
    return await AgentBench.RunAsync(args[1..]);

// CPU and allocations of the pure intake path (issue 11): no storage, independent of the machine's load.
if (args.Length > 0 && args[0] == "intake-cpu")
    return IntakeCpuBench.Run(args[1..]);

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    if (ex.Message.Length > 0)
        Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return ex.Message.Length == 0 ? 0 : 64;
}

var report = new Report(Console.Out);
var clock = Stopwatch.StartNew();
try
{
    var azurite = await Azurite.SharedAsync();
    CpuMeter.Watch(azurite.ProcessId);
    var environment = Describe(azurite, options);
    report.Line("ItInventory check-in bench");
    report.Line($"  {environment}");
    report.Line($"  {PayloadSummary()}");
    report.Line(
        $"  Load average at start: {BenchMachine.LoadAverage()} (other processes on this machine skew wall-clock "
            + "figures; CPU ms/op less so)"
    );
#if DEBUG
    report.Line("  WARNING: Debug build; run with -c Release for representative figures.");
#endif
    report.Line();

    var costs = await RequestCosts.MeasureAsync(azurite.ConnectionString);
    report.Costs(costs);

    var comparisons = new List<Comparison>();
    if (!options.RequestsOnly)
    {
        comparisons = await ThroughputComparison.RunAsync(azurite.ConnectionString, options, report.Progress);
        report.Line();
        report.Throughput(comparisons);
        report.Line($"   Load average at end: {BenchMachine.LoadAverage()}");
        report.Line();
    }

    var exitCode =
        !costs.Passed ? 1
        : comparisons.All(c => c.Passed) ? 0
        : 2;
    var memory = ProcessMemory.Measure();
    report.Line($"  {memory}");
    report.Metrics(costs, comparisons, exitCode, clock.Elapsed, memory);
    report.Markdown(costs, comparisons, environment);
    report.Line(
        exitCode switch
        {
            0 => "All targets met.",
            1 => "FAILED: a storage-request target is not met.",
            _ => $"FAILED: a throughput ratio is below {BenchOptions.RatioTarget:F1}.",
        } + $" ({clock.Elapsed.TotalSeconds:F0} s)"
    );
    return exitCode;
}
catch (Exception ex)
{
    Console.Out.Flush();
    Console.Error.WriteLine($"Bench failed after {clock.Elapsed.TotalSeconds:F0} s: {ex}");
    return 3;
}

static string Describe(Azurite azurite, BenchOptions options)
{
    var version = "?";
    var package = RepositoryRoot.Combine("node_modules", "azurite", "package.json");
    if (File.Exists(package))
    {
        version = JsonDocument.Parse(File.ReadAllText(package)).RootElement.GetProperty("version").GetString() ?? "?";
    }
    var gc = GCSettings.IsServerGC ? "server GC" : "workstation GC";
    return $"Azurite {version} in memory (pid {azurite.ProcessId}), .NET {Environment.Version}, "
        + $"{Environment.ProcessorCount} cores, {gc}, "
        + $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, mode {options.Mode}";
}

static string PayloadSummary()
{
    var json = Encoding.UTF8.GetBytes(
        SamplePayloads.Inventory(new string('0', 32), "BN000000X0000", softwareCount: BenchDevice.SoftwareCount).Text()
    );
    var gzip = BenchApp.Gzip(json);
    return $"Full inventory: {BenchDevice.SoftwareCount} software entries (Debian package list), "
        + $"{json.Length / 1024.0:F0} KB JSON, {gzip.Length / 1024.0:F1} KB gzip (sent gzip-compressed)";
}
