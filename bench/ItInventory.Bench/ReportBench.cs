using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Bench;

/// <summary>
/// The reports bench (issue 13, "Scale"): seeds the scans bench's fleet with financial records
/// (<see cref="FleetSeeder.FinancialsOf"/>) and licence products with their seats
/// (<see cref="FleetSeeder.SeedLicenceSeatsAsync"/>), then measures the monthly finance summary of last month
/// (<see cref="FinanceReportService.GenerateAsync(string, CancellationToken)"/>: reads, builds, renders XLSX, HTML
/// and CSV, writes the blobs and the index row) beside the raw projected reads it needs, in order: a warm-up of both
/// (not measured), raw, report, report, raw. The raw pass is the same queries with the same filters and
/// <c>$select</c> through the same SDK clients, rows counted and dropped. Command line:
/// <c>reports [--assets N] [--seats N]</c>.
/// </summary>
public static class ReportBench
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/ItInventory.Bench -- reports [--assets N] [--seats N]
          --assets N   assets to seed, with financial records (default 100000; at least 1000)
          --seats N    licence seats to seed, 1,000 per product (default 50000)
        Exit code: 0 all targets met; 2 the report/raw ratio or the memory target is missed; 3 the bench failed.
        """;

    private const int SeatsPerProduct = 1000;

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
            BenchMachine.PrintHeader("ItInventory reports bench", azurite.ProcessId);
            await using var app = await BenchApp.StartAsync(azurite.ConnectionString);
            var now = DateTimeOffset.UtcNow;
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            Console.WriteLine($"  Seeding {assets} assets with financial records, {seats} seats…");
            var fleet = await FleetSeeder.SeedAsync(
                app.Store,
                app.Services.GetRequiredService<OfflineIndex>(),
                assets,
                now,
                Console.WriteLine,
                CancellationToken.None,
                financials: true
            );
            var seeded = Stopwatch.StartNew();
            var products = await FleetSeeder.SeedLicenceSeatsAsync(
                app.Store,
                seats,
                SeatsPerProduct,
                today,
                CancellationToken.None
            );
            Console.WriteLine(
                $"  Seeded {fleet.Assets} summary rows in {fleet.Elapsed.TotalSeconds:F0} s; {products} products with "
                    + $"{seats} seats in {seeded.Elapsed.TotalSeconds:F0} s"
            );
            Console.WriteLine();

            var service = app.Services.GetRequiredService<FinanceReportService>();
            var period = FinanceReportService.PreviousMonth(now);
            var start = new DateTimeOffset(FinanceReportBuilder.PeriodStart(period).ToDateTime(default), default);
            Func<CancellationToken, Task<ScanResult>> report = async ct =>
            {
                var (entry, built, _) = await service.GenerateAsync(period, ct);
                return new ScanResult(
                    fleet.Assets,
                    built.Holdings.Count,
                    $"{entry.Files.Count} files, {built.Totals.Assets} held, {built.Purchases.Count} purchases, "
                        + $"{built.WarrantyExpiries.Count} warranty ends, {built.Licences.Count} licences"
                );
            };
            Func<CancellationToken, Task<ScanResult>> raw = ct => RawAsync(app, start, ct);

            // The warm-up runs the report too: its first run pays for the JIT of the builders, the first render of
            // the charts (ScottPlot, fonts) and the blob client, which no later run does.
            Console.WriteLine(
                $"  finance report {period}: warm-up (raw, report: not measured), raw, report, report, raw…"
            );
            var runs = await MeasuredSequence.RunAsync(raw, "report", report, warmUpRun: true);
            Console.WriteLine($"  Load average at end: {BenchMachine.LoadAverage()}");
            Console.WriteLine();

            Console.WriteLine("BEGIN_BENCH_METRICS");
            Console.WriteLine($"reports.assets={fleet.Assets}");
            Console.WriteLine($"reports.seats={seats}");
            var passed = runs.PrintJudgedMetrics("reports");
            var rawA = runs.RawA;
            string[] table =
            [
                "| Run | Time | Report/raw | Requests | Peak WS |",
                "|---|---:|---:|---:|---:|",
                .. runs.Runs.Select(r =>
                    Invariant($"| finance report {r.Number} | {r.Run.Elapsed.TotalSeconds:F1} s | ")
                    + Invariant($"{runs.Ratio(r.Run):F2} | {r.Run.Requests} ({r.Run.Methods}) | ")
                    + Invariant($"{r.Run.PeakWorkingSetMb:F0} MB |")
                ),
                Invariant(
                    $"| raw projected reads (mean of 2, {rawA.Result.RowsRead} rows) | {runs.RawSeconds:F1} s | | "
                ) + Invariant($"{rawA.Requests} ({rawA.Methods}) | {runs.RawPeakMb:F0} MB |"),
            ];
            return MeasuredSequence.Verdict("reports", passed, table, "the report is", clock.Elapsed);
        }
        catch (Exception ex)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"Reports bench failed after {clock.Elapsed.TotalSeconds:F0} s: {ex}");
            return 3;
        }
    }

    /// <summary>The reads the finance report makes, raw: the report index, the rate table, the category lives, the
    /// asset audit records since the period start (one filtered query per lane), the summary rows with the report's
    /// columns, the licence rows below the seats — the same filters and columns as FinanceReportSource.</summary>
    private static async Task<ScanResult> RawAsync(BenchApp app, DateTimeOffset start, CancellationToken ct)
    {
        long rows = 0;
        async Task Count(IAsyncEnumerable<TableEntity> query)
        {
            await foreach (var _ in query)
                rows++;
        }
        var store = app.Store;
        await Count(
            store.ReportIndex.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {FinanceReportService.Kind}"),
                cancellationToken: ct
            )
        );
        await Count(store.ExchangeRates.QueryAsync<TableEntity>(cancellationToken: ct));
        await Count(
            store.Taxonomy.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {"category"}"),
                cancellationToken: ct
            )
        );
        foreach (var lane in TableKeys.AllAuditLanes)
        {
            var filter =
                TableClient.CreateQueryFilter($"PartitionKey eq {lane} and RowKey lt {TableKeys.AuditRecordRowsEnd}")
                + " and "
                + TableClient.CreateQueryFilter($"Entity eq {"asset"} and At ge {start}");
            await Count(
                store.AuditTrail.QueryAsync<TableEntity>(
                    filter,
                    select:
                    [
                        nameof(AuditRecordEntity.EntityId),
                        nameof(AuditRecordEntity.Action),
                        nameof(AuditRecordEntity.At),
                        nameof(AuditRecordEntity.ChangesJson),
                    ],
                    cancellationToken: ct
                )
            );
        }
        await Count(
            store.Summaries.QueryAsync<TableEntity>(
                select: FinanceReportSource.SummaryColumns,
                maxPerPage: 1000,
                cancellationToken: ct
            )
        );
        await Count(
            store.Licences.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey lt {TableKeys.LicenceSeatPrefix}"),
                cancellationToken: ct
            )
        );
        return new ScanResult(rows, 0, "raw reads");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
