using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Bench;

/// <summary>
/// The KPI bench (issue 12, "Scale"): seeds the scans bench's fleet (<see cref="FleetSeeder"/>, with lifecycle
/// stamps), licence products with their seats, open and resolved findings and a closed campaign, then measures the
/// KPI snapshot (<see cref="KpiSnapshotService.SnapshotAsync"/>) beside the raw projected reads it needs, in order:
/// a warm-up of both (not measured), raw, snapshot, snapshot, raw. The raw pass is the same queries with the same
/// filters and <c>$select</c> through the same SDK clients, rows counted and dropped. Command line:
/// <c>kpis [--assets N] [--seats N]</c>.
/// </summary>
public static class KpiBench
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/ItInventory.Bench -- kpis [--assets N] [--seats N]
          --assets N   assets to seed (default 100000; at least 1000)
          --seats N    licence seats to seed, 1,000 per product (default 50000)
        Exit code: 0 all targets met; 2 the snapshot/raw ratio or the memory target is missed; 3 the bench failed.
        """;

    private const int SeatsPerProduct = 1000;
    private const int OpenFindings = 12_000;
    private const int ResolvedFindings = 3_000;
    private const int CampaignAssets = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var counts = new Dictionary<string, int> { ["--assets"] = 100_000, ["--seats"] = 50_000 };
        var bound = (string name, int n) => name == "--assets" ? Math.Max(1000, n) : Math.Max(SeatsPerProduct, n);
        if (BenchMachine.ParseCounts(args, Usage, counts, bound) is { } exitCode)
            return exitCode;
        var (assets, seats) = (counts["--assets"], counts["--seats"]);

        var clock = Stopwatch.StartNew();
        try
        {
            var azurite = await Azurite.SharedAsync();
            BenchMachine.PrintHeader("ItInventory KPI bench", azurite.ProcessId);
            await using var app = await BenchApp.StartAsync(azurite.ConnectionString);
            var now = DateTimeOffset.UtcNow;
            Console.WriteLine($"  Seeding {assets} assets, {seats} seats…");
            var fleet = await FleetSeeder.SeedAsync(
                app.Store,
                app.Services.GetRequiredService<OfflineIndex>(),
                assets,
                now,
                Console.WriteLine,
                CancellationToken.None
            );
            var seeded = Stopwatch.StartNew();
            var products = await FleetSeeder.SeedLicenceSeatsAsync(
                app.Store,
                seats,
                SeatsPerProduct,
                DateOnly.FromDateTime(now.UtcDateTime),
                CancellationToken.None
            );
            await SeedFindingsAsync(app);
            await SeedCampaignAsync(app, now);
            Console.WriteLine(
                $"  Seeded {fleet.Assets} summary rows in {fleet.Elapsed.TotalSeconds:F0} s; {products} products with "
                    + $"{seats} seats, {OpenFindings} open + {ResolvedFindings} resolved findings, a closed campaign "
                    + $"of {CampaignAssets} assets in {seeded.Elapsed.TotalSeconds:F0} s"
            );
            Console.WriteLine($"  Spread: {fleet.Describe()}");
            Console.WriteLine();

            var service = app.Services.GetRequiredService<KpiSnapshotService>();
            var day = service.Yesterday;
            Func<CancellationToken, Task<ScanResult>> snapshot = async ct =>
            {
                var run = await service.SnapshotAsync(day, "bench", ct);
                return new ScanResult(run.SummaryRows, run.Scopes, $"{run.Scopes} scopes written");
            };
            Func<CancellationToken, Task<ScanResult>> raw = ct => RawAsync(app, day, ct);

            Console.WriteLine("  kpis: warm-up (raw, snapshot: not measured), raw, snapshot, snapshot, raw…");
            var runs = await MeasuredSequence.RunAsync(raw, "snapshot", snapshot, warmUpRun: true);
            Console.WriteLine($"  Load average at end: {BenchMachine.LoadAverage()}");
            Console.WriteLine();

            Console.WriteLine("BEGIN_BENCH_METRICS");
            Console.WriteLine($"kpis.assets={fleet.Assets}");
            Console.WriteLine($"kpis.seats={seats}");
            var passed = runs.PrintJudgedMetrics("kpis");
            var rawA = runs.RawA;
            string[] table =
            [
                "| Run | Time | Snapshot/raw | Rows read | Requests | Peak WS |",
                "|---|---:|---:|---:|---:|---:|",
                .. runs.Runs.Select(r =>
                    Invariant($"| snapshot {r.Number} | {r.Run.Elapsed.TotalSeconds:F1} s | {runs.Ratio(r.Run):F2} | ")
                    + Invariant($"{r.Run.Result.RowsRead} summary | {r.Run.Requests} ({r.Run.Methods}) | ")
                    + Invariant($"{r.Run.PeakWorkingSetMb:F0} MB |")
                ),
                Invariant(
                    $"| raw projected reads (mean of 2) | {runs.RawSeconds:F1} s | | {rawA.Result.RowsRead} all | "
                ) + Invariant($"{rawA.Requests} ({rawA.Methods}) | {runs.RawPeakMb:F0} MB |"),
            ];
            return MeasuredSequence.Verdict("kpis", passed, table, "the snapshot is", clock.Elapsed);
        }
        catch (Exception ex)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"KPI bench failed after {clock.Elapsed.TotalSeconds:F0} s: {ex}");
            return 3;
        }
    }

    /// <summary>The reads a snapshot makes, raw: open findings, closed campaigns and their asset rows, the licence
    /// rows below the seats, the summary rows — the same filters and columns as KpiSnapshotService.</summary>
    private static async Task<ScanResult> RawAsync(BenchApp app, DateOnly day, CancellationToken ct)
    {
        long rows = 0;
        var findings = app.Services.GetRequiredService<FindingsTables>().Findings;
        var (index, resolved, autoResolved) = ("~", nameof(FindingStatus.Resolved), nameof(FindingStatus.AutoResolved));
        await foreach (
            var _ in findings.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter(
                    $"PartitionKey lt {index} and Status ne {resolved} and Status ne {autoResolved}"
                ),
                select: ["PartitionKey", "SubjectType", "SubjectId", "Department"],
                cancellationToken: ct
            )
        )
            rows++;
        var closed = new List<string>();
        await foreach (
            var header in app.Store.Campaigns.QueryAsync<CampaignEntity>(
                TableClient.CreateQueryFilter(
                    $"PartitionKey eq {CampaignKeys.ListPartition} and Status eq {nameof(CampaignStatus.Closed)}"
                ),
                cancellationToken: ct
            )
        )
        {
            rows++;
            closed.Add(header.RowKey);
        }
        foreach (var id in closed)
        {
            await foreach (
                var _ in app.Store.Campaigns.QueryAsync<TableEntity>(
                    CampaignKeys.PrefixFilter(id, CampaignKeys.AssetPrefix),
                    select: ["Department", "Result", "LocationMatches"],
                    cancellationToken: ct
                )
            )
                rows++;
        }
        await foreach (
            var _ in app.Store.Licences.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey lt {TableKeys.LicenceSeatPrefix}"),
                select:
                [
                    "PartitionKey",
                    "RowKey",
                    "Metric",
                    "InstallingAssets",
                    "InstallingUsers",
                    "Type",
                    "Seats",
                    "UnitCost",
                    "StartDate",
                    "EndDate",
                ],
                cancellationToken: ct
            )
        )
            rows++;
        await foreach (
            var _ in app.Store.Summaries.QueryAsync<TableEntity>(select: KpiCalculator.Columns, cancellationToken: ct)
        )
            rows++;
        return new ScanResult(rows, 0, $"raw reads for {KpiKeys.Row(day)}");
    }

    /// <summary>Open findings over five kinds (about what the daily scans keep open for 100k assets) and resolved
    /// ones the snapshot filters out, in batches per kind partition.</summary>
    private static async Task SeedFindingsAsync(BenchApp app)
    {
        string[] kinds =
        [
            FindingKinds.Missing,
            FindingKinds.OwnershipGap,
            FindingKinds.IdleAsset,
            FindingKinds.DuplicateIdentity,
            FindingKinds.Offline,
        ];
        var table = app.Services.GetRequiredService<FindingsTables>().Findings;
        var all = Enumerable
            .Range(0, OpenFindings + ResolvedFindings)
            .Select(i =>
            {
                var subject = Guid.NewGuid().ToString("N");
                var kind = kinds[i % kinds.Length];
                return new FindingEntity
                {
                    PartitionKey = kind,
                    RowKey = FindingKeys.RowKey(FindingSubjects.Asset, subject),
                    Kind = kind,
                    SubjectType = FindingSubjects.Asset,
                    SubjectId = subject,
                    Department = FleetSeeder.Departments[i % FleetSeeder.Departments.Length],
                    Text = "bench",
                    Status = i < OpenFindings ? nameof(FindingStatus.Open) : nameof(FindingStatus.Resolved),
                    FirstRaisedAt = DateTimeOffset.UtcNow,
                    LastConfirmedAt = DateTimeOffset.UtcNow,
                    LastChangedAt = DateTimeOffset.UtcNow,
                };
            })
            .GroupBy(f => f.PartitionKey)
            .SelectMany(g => g.Chunk(100));
        await Parallel.ForEachAsync(all, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (batch, ct) =>
            await table.SubmitTransactionAsync(
                batch.Select(f => new TableTransactionAction(TableTransactionActionType.UpsertReplace, f)),
                ct
            )
        );
    }

    /// <summary>One campaign closed ten days ago, its expected assets spread over departments.</summary>
    private static async Task SeedCampaignAsync(BenchApp app, DateTimeOffset now)
    {
        var id = Guid.NewGuid().ToString("N");
        await app.Store.Campaigns.UpsertEntityAsync(
            new CampaignEntity
            {
                RowKey = id,
                Name = "Bench audit",
                Status = nameof(CampaignStatus.Closed),
                Expected = CampaignAssets,
                CreatedAt = now.AddDays(-20),
                ClosedAt = now.AddDays(-10),
                AccuracyRate = 0.9,
            }
        );
        var rows = Enumerable
            .Range(0, CampaignAssets)
            .Select(i => new CampaignAssetEntity
            {
                PartitionKey = id,
                RowKey = CampaignKeys.AssetRow(Guid.NewGuid().ToString("N")),
                Department = FleetSeeder.Departments[i % FleetSeeder.Departments.Length],
                Result =
                    i % 10 == 0
                        ? nameof(Functions.Campaigns.ScanResult.Missing)
                        : nameof(Functions.Campaigns.ScanResult.Found),
                LocationMatches = i % 10 != 0,
            });
        foreach (var batch in rows.Chunk(100))
        {
            await app.Store.Campaigns.SubmitTransactionAsync(
                batch.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)),
                CancellationToken.None
            );
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
