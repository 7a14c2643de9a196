using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Bench;

/// <summary>Command line of the scans bench: <c>scans [--assets 100000]</c>.</summary>
public sealed record ScanBenchOptions(int Assets)
{
    public const double RatioTarget = 0.7;
    public const double MemoryTargetMb = 300;

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/ItInventory.Bench -- scans [--assets N]
          --assets N   assets to seed (default 100000; at least 1000)
        Exit code: 0 all targets met; 2 a scan/raw ratio or the memory target is missed; 3 the bench failed.
        """;

    public static ScanBenchOptions Parse(IReadOnlyList<string> args)
    {
        var assets = 100_000;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--assets"
                    when i + 1 < args.Count
                        && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        && n >= 1000:
                    assets = n;
                    i++;
                    break;
                case "-h" or "--help":
                    throw new ArgumentException("");
                default:
                    throw new ArgumentException($"Unknown or bad argument '{args[i]}'.");
            }
        }
        return new ScanBenchOptions(assets);
    }
}

/// <summary>One scan under test, the raw <c>$select</c> pass over the same summary rows it reads, and its read and
/// rules alone (no findings store): what the scan costs before it writes anything.</summary>
public sealed record ScanSubject(
    string Name,
    Func<CancellationToken, Task<ScanResult>> Scan,
    string[] Columns,
    Func<CancellationToken, Task<ScanResult>> RulesOnly
);

/// <summary>
/// The scans bench (issue 10, "Scale and cost"): seeds a fleet on Azurite (<see cref="FleetSeeder"/>), then for each
/// scan runs, in order, a raw <c>$select</c> pass over the summary rows with the scan's own columns, the scan twice
/// (the first run opens its findings, the second confirms them: the steady state) and the raw pass again. The
/// scan/raw ratio compares summary rows per second; the peak working set is the process's, during that run.
/// </summary>
public static class ScanBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        ScanBenchOptions options;
        try
        {
            options = ScanBenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            if (ex.Message.Length > 0)
                Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(ScanBenchOptions.Usage);
            return ex.Message.Length == 0 ? 0 : 64;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var azurite = await Azurite.SharedAsync();
            BenchMachine.PrintHeader("ItInventory scans bench", azurite.ProcessId);
            await using var app = await BenchApp.StartAsync(azurite.ConnectionString);
            var now = DateTimeOffset.UtcNow;
            Console.WriteLine($"  Seeding {options.Assets} assets…");
            var fleet = await FleetSeeder.SeedAsync(
                app.Store,
                app.Services.GetRequiredService<OfflineIndex>(),
                options.Assets,
                now,
                Console.WriteLine,
                CancellationToken.None
            );
            Console.WriteLine(
                $"  Seeded {fleet.Assets} summary rows, {fleet.People} people ({fleet.Departed} "
                    + $"departed), {fleet.Sightings} sightings in {fleet.Elapsed.TotalSeconds:F0} s "
                    + $"({fleet.Assets / fleet.Elapsed.TotalSeconds:F0} summary rows/s incl. the rest)"
            );
            Console.WriteLine($"  Spread: {fleet.Describe()}");
            Console.WriteLine(
                $"  Due index: {fleet.Monitored} monitored assets, {fleet.Due} due now "
                    + $"({FleetSeeder.DueFraction:P0}: a 5-minute scan period over a 15-minute offline window)"
            );
            Console.WriteLine();

            // Offline first: the due times are relative to the seeding, and nothing heartbeats here.
            var offline = await OfflineAsync(app);

            var results = new List<(ScanSubject Subject, MeasuredSequence Runs)>();
            foreach (var subject in Subjects(app))
            {
                // Run 1 is not judged and warms run 2 (the judged one) up: the warm-up is the raw pass alone.
                Console.WriteLine($"  {subject.Name}: raw, read + rules, scan (opens), scan (confirms), raw…");
                var runs = await MeasuredSequence.RunAsync(
                    Raw(app, subject.Columns),
                    subject.Name,
                    subject.Scan,
                    warmUpRun: false,
                    ("rules", subject.RulesOnly)
                );
                results.Add((subject, runs));
            }
            Console.WriteLine($"  Load average at end: {BenchMachine.LoadAverage()}");
            Console.WriteLine();

            var passed = true;
            var table = new List<string>
            {
                "| Scan | Run | Time | Summary rows/s | Raw rows/s | Scan/raw | Rows read | Requests | Peak WS |",
                "|---|---|---:|---:|---:|---:|---:|---:|---:|",
            };
            Console.WriteLine("BEGIN_BENCH_METRICS");
            Console.WriteLine($"scans.assets={fleet.Assets}");
            foreach (var (subject, runs) in results)
            {
                var (rawA, rules, second) = (runs.RawA, runs.Passes[0], runs.Second);
                var rows = rawA.Result.RowsRead;
                var rawRate = rows / runs.RawSeconds;
                foreach (
                    var (run, m) in new[]
                    {
                        ("1 (opens)", runs.First),
                        ("2 (confirms)", second),
                        ("read + rules only", rules),
                    }
                )
                {
                    var rate = m.RowsPerSecond(rows);
                    var ratio = rate / rawRate;
                    // The targets apply to the recurring scan (run 2: a daily run over standing findings). Run 1 opens
                    // every finding of a fleet seen for the first time — a one-off whose writes grow with the findings
                    // (docs/storage.md) — and the rules-only pass is a diagnostic: both are printed, not judged.
                    if (ReferenceEquals(m, second))
                        passed &= m.MeetsTargets(ratio);
                    var key = $"scans.{Key(subject.Name)}." + (ReferenceEquals(m, rules) ? "rules" : $"run{run[0]}");
                    m.PrintMetrics(key, ratio, rate);
                    table.Add(
                        Invariant($"| {subject.Name} | {run} | {m.Elapsed.TotalSeconds:F1} s | {rate:F0} | ")
                            + Invariant($"{rawRate:F0} | {ratio:F2} | {m.Result.RowsRead} | {m.Requests} | ")
                            + Invariant($"{m.PeakWorkingSetMb:F0} MB |")
                    );
                }
                Console.WriteLine(Invariant($"scans.{Key(subject.Name)}.raw.rows_per_s={rawRate:F0}"));
                table.Add(
                    Invariant($"| raw `$select` ({subject.Columns.Length} columns) | mean of 2 | ")
                        + Invariant($"{rows / rawRate:F1} s | {rawRate:F0} | | | {rows} | {rawA.Requests} | ")
                        + Invariant($"{runs.RawPeakMb:F0} MB |")
                );
            }
            var (rawDue, steady, idleRun) = offline;
            var offlineRatio = rawDue.Elapsed.TotalSeconds / Math.Max(steady.Elapsed.TotalSeconds, 1e-6);
            // Nothing due: the shards' range queries, the run row's start and end, and nothing per asset.
            var nothingDueOk = idleRun.Requests <= OfflineIndex.Shards + 4;
            passed &= steady.MeetsTargets(offlineRatio) && nothingDueOk;
            Console.WriteLine(Invariant($"scans.offline.due.rows={rawDue.Result.RowsRead}"));
            steady.PrintMetrics("scans.offline.due", offlineRatio);
            Console.WriteLine(Invariant($"scans.offline.nothing_due.requests={idleRun.Requests}"));
            Console.WriteLine(Invariant($"scans.offline.nothing_due.rows={idleRun.Result.RowsRead}"));
            Console.WriteLine(Invariant($"scans.offline.nothing_due.seconds={idleRun.Elapsed.TotalSeconds:F3}"));
            var dueRows = rawDue.Result.RowsRead / 2;
            table.Add(
                Invariant($"| offline | {dueRows} due | {steady.Elapsed.TotalSeconds:F1} s | ")
                    + Invariant($"{dueRows / steady.Elapsed.TotalSeconds:F0} | ")
                    + Invariant($"{dueRows / rawDue.Elapsed.TotalSeconds:F0} | {offlineRatio:F2} | ")
                    + Invariant($"{steady.Result.RowsRead} | {steady.Requests} | {steady.PeakWorkingSetMb:F0} MB |")
            );
            table.Add(
                Invariant($"| offline | nothing due | {idleRun.Elapsed.TotalSeconds:F2} s | | | | ")
                    + Invariant($"{idleRun.Result.RowsRead} | {idleRun.Requests} ({idleRun.Methods}) | ")
                    + Invariant($"{idleRun.PeakWorkingSetMb:F0} MB |")
            );
            table.Add(
                Invariant($"| raw: due range + point reads | {dueRows} due | ")
                    + Invariant($"{rawDue.Elapsed.TotalSeconds:F1} s | ")
                    + Invariant($"{dueRows / rawDue.Elapsed.TotalSeconds:F0} | | | {rawDue.Result.RowsRead} | ")
                    + Invariant($"{rawDue.Requests} | {rawDue.PeakWorkingSetMb:F0} MB |")
            );
            return MeasuredSequence.Verdict("scans", passed, table, "a scan is", clock.Elapsed);
        }
        catch (Exception ex)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"Scans bench failed after {clock.Elapsed.TotalSeconds:F0} s: {ex}");
            return 3;
        }
    }

    /// <summary>The scans under test, each with the summary columns it selects (read from the scanner itself, so the
    /// raw pass can never drift from it).</summary>
    private static IEnumerable<ScanSubject> Subjects(BenchApp app)
    {
        var reconciliation = app.Services.GetRequiredService<ReconciliationScanner>();
        var reconciliationColumns = ColumnsOf<ReconciliationScanner>();
        yield return new ScanSubject(
            "reconciliation",
            async ct => Result(await reconciliation.RunAsync(ct)),
            reconciliationColumns,
            ct => ReconciliationRulesOnlyAsync(app, reconciliationColumns, ct)
        );
        var idle = app.Services.GetRequiredService<IdleScanner>();
        var idleColumns = ColumnsOf<IdleScanner>();
        yield return new ScanSubject(
            "idle",
            async ct => Result(await idle.RunAsync(ct)),
            idleColumns,
            ct => IdleRulesOnlyAsync(app, idleColumns, ct)
        );
    }

    /// <summary>The reconciliation's asset pass alone: departed people, the summary rows through its rules and the
    /// duplicate-identity detector, conditions kept in memory (no sightings, no findings store).</summary>
    private static async Task<ScanResult> ReconciliationRulesOnlyAsync(
        BenchApp app,
        string[] columns,
        CancellationToken ct
    )
    {
        var departed = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var person in app.Services.GetRequiredService<PeopleService>().FindDepartedAsync(ct))
        {
            departed[person.ObjectId.ToLowerInvariant()] = person.DisplayName;
        }
        var context = new ReconciliationContext(
            DateTimeOffset.UtcNow,
            app.Services.GetRequiredService<IOptions<ReconciliationOptions>>().Value,
            departed
        );
        var conditions = new List<FindingCondition>();
        var duplicates = new DuplicateIdentities();
        long rows = 0;
        await foreach (
            var asset in app.Store.Summaries.QueryAsync<AssetSummaryEntity>(select: columns, cancellationToken: ct)
        )
        {
            rows++;
            conditions.AddRange(ReconciliationRules.ForAsset(asset, context));
            duplicates.Add(asset);
        }
        conditions.AddRange(duplicates.Conditions());
        return new ScanResult(rows, conditions.Count, $"{conditions.Count} conditions (not written)");
    }

    /// <summary>The idle scan's asset pass alone: the summary rows through its rules, conditions kept in memory.
    /// </summary>
    private static async Task<ScanResult> IdleRulesOnlyAsync(BenchApp app, string[] columns, CancellationToken ct)
    {
        var options = app.Services.GetRequiredService<IOptions<IdleOptions>>().Value;
        var threshold = app.Services.GetRequiredService<IOptions<CheckinOptions>>().Value.IdleCpuThresholdPercent;
        var now = DateTimeOffset.UtcNow;
        var conditions = new List<FindingCondition>();
        long rows = 0;
        await foreach (
            var asset in app.Store.Summaries.QueryAsync<AssetSummaryEntity>(select: columns, cancellationToken: ct)
        )
        {
            rows++;
            if (IdleRules.Idle(asset, now, options, threshold) is { } idle)
                conditions.Add(idle);
            if (IdleRules.NoUtilisationData(asset) is { } none)
                conditions.Add(none);
        }
        return new ScanResult(rows, conditions.Count, $"{conditions.Count} conditions (not written)");
    }

    /// <summary>The offline scan in its steady state (a third of the monitored assets due), beside a raw pass over the
    /// same rows (the shards' due ranges and a point read of each due asset's summary row, 16 at a time, as the scan
    /// does), then again at once: nothing due.</summary>
    private static async Task<(ScanMeasurement Raw, ScanMeasurement Due, ScanMeasurement NothingDue)> OfflineAsync(
        BenchApp app
    )
    {
        var scan = app.Services.GetRequiredService<OfflineScan>();
        var index = app.Services.GetRequiredService<OfflineIndex>();
        Func<CancellationToken, Task<ScanResult>> run = async ct =>
        {
            var r = await scan.RunAsync(ct);
            return new ScanResult(
                r.RowsRead,
                r.WentOffline,
                $"{r.Due} due: {r.Rescheduled} rescheduled, {r.WentOffline} went offline, {r.Dropped} dropped"
            );
        };
        Func<CancellationToken, Task<ScanResult>> raw = async ct =>
        {
            var due = new List<OfflineDueEntity>();
            var bound = OfflineIndex.DueBound(DateTimeOffset.UtcNow);
            foreach (var shard in OfflineIndex.AllShards)
            {
                var filter = TableClient.CreateQueryFilter($"PartitionKey eq {shard} and RowKey lt {bound}");
                await foreach (var row in index.Table.QueryAsync<OfflineDueEntity>(filter, cancellationToken: ct))
                {
                    due.Add(row);
                }
            }
            var assets = due.SelectMany(r => r.Assets()).ToList();
            await Parallel.ForEachAsync(
                assets,
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct },
                async (assetId, c) =>
                    await app.Store.Summaries.GetEntityIfExistsAsync<TableEntity>(
                        TableKeys.SummaryPartition(assetId),
                        assetId,
                        OfflineScan.Columns,
                        c
                    )
            );
            return new ScanResult(due.Count + assets.Count, 0, $"{assets.Count} due in {due.Count} rows");
        };
        Console.WriteLine(
            "  offline: warm-up (raw; scan over a few retired assets: not measured), raw (due rows), scan (due), "
                + "scan again (nothing due)…"
        );
        await raw(CancellationToken.None);
        await WarmUpOfflineAsync(app);
        var rawDue = await ScanMeasurement.RunAsync("raw", raw, CancellationToken.None);
        var due = await ScanMeasurement.RunAsync("offline", run, CancellationToken.None);
        var nothing = await ScanMeasurement.RunAsync("offline", run, CancellationToken.None);
        rawDue.Print("raw");
        due.Print("due");
        nothing.Print("none");
        return (rawDue, due, nothing);
    }

    /// <summary>The offline scan's code path warmed without taking the seeded due rows: a scan with its clock ten
    /// minutes back (none of them due yet) over a bucket due before that with a few retired assets, which it reads
    /// and drops (retired assets are not in the index otherwise).</summary>
    private static async Task WarmUpOfflineAsync(BenchApp app)
    {
        var past = DateTimeOffset.UtcNow.AddMinutes(-10);
        var retired = new List<(string, DateTimeOffset)>();
        await foreach (
            var row in app.Store.Summaries.QueryAsync<AssetSummaryEntity>(
                TableClient.CreateQueryFilter($"State eq {nameof(LifecycleState.Retired)}"),
                select: OfflineScan.Columns
            )
        )
        {
            if (!row.Offline)
                retired.Add((row.RowKey, past.AddMinutes(-2)));
            if (retired.Count == 16)
                break;
        }
        var index = app.Services.GetRequiredService<OfflineIndex>();
        foreach (var bucket in OfflineIndex.Buckets(retired, "warm-up"))
            await index.Table.UpsertEntityAsync(bucket, TableUpdateMode.Replace);
        await ActivatorUtilities.CreateInstance<OfflineScan>(app.Services, new FixedClock(past)).RunAsync(default);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static ScanResult Result(AuditRunSummary run) =>
        new(
            run.RowsRead,
            run.Conditions,
            $"{run.Conditions} conditions: {run.Opened} opened, {run.Reopened} "
                + $"reopened, {run.Confirmed} confirmed, {run.AutoResolved} auto-resolved"
        );

    /// <summary>The raw ceiling: the same summary rows with the same <c>$select</c>, through the same SDK client,
    /// counted and dropped.</summary>
    private static Func<CancellationToken, Task<ScanResult>> Raw(BenchApp app, string[] columns) =>
        async ct =>
        {
            long rows = 0;
            await foreach (var _ in app.Store.Summaries.QueryAsync<TableEntity>(select: columns, cancellationToken: ct))
            {
                rows++;
            }
            return new ScanResult(rows, 0, "");
        };

    private static string[] ColumnsOf<TScanner>() =>
        typeof(TScanner).GetField("Columns", BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null) as string[]
        ?? throw new InvalidOperationException($"{typeof(TScanner).Name} has no static Columns to compare with.");

    private static string Key(string name) => name.Replace(' ', '_');

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
