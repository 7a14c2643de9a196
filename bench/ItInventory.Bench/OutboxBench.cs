using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Events;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Bench;

/// <summary>
/// The outbox bench (issue 12, "Scale"): (1) storage requests per change on the request path and per entry in the
/// dispatcher, for representative changes, with the app configured as in Azure (entries reach the dispatcher through
/// the outbox queue); beside them the pre-outbox counts, which cannot be run any more (the direct appends were
/// replaced) and are taken from git history (commit 4a146f4, docs/storage.md) and from one raw append measured here.
/// (2) Dispatcher throughput: entries staged by real outbox writes (a row and its outbox row in one batch, in many
/// partitions) delivered by <see cref="OutboxDispatcher.DispatchAsync"/>, beside raw appends of the same records to the
/// audit lanes (<see cref="AuditTrail.AppendOnceAsync"/>, the dispatcher's own append) at the same parallelism, in
/// order raw, dispatcher, raw. Command line: <c>outbox [--entries N] [--parallel P]</c>.
/// </summary>
public static class OutboxBench
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/ItInventory.Bench -- outbox [--entries N] [--parallel P]
          --entries N    outbox entries the dispatcher delivers (default 2000; at least 50)
          --parallel P   concurrent deliveries, and concurrent raw appends (default 8)
        Exit code: 0 every change costs what it did before the outbox; 1 one costs more; 3 the bench failed.
        """;

    private static readonly Caller Admin = new(
        "bench-admin",
        "admin@bench.test",
        new HashSet<string> { ManagementRoles.Admin },
        new HashSet<string>(),
        HasMfa: true
    );

    /// <summary>
    /// Pre-outbox request counts, from git history (commit 4a146f4, before the outbox reached these paths;
    /// docs/storage.md "Before"): the change's own requests plus 2 for the direct append (head read, batch). The outbox
    /// replaces those 2 with the pending row and the queue message, so the request path should cost what it did.
    /// </summary>
    private static readonly Dictionary<string, int> Before = new(StringComparer.Ordinal)
    {
        ["patch"] = 7,
        // docs/storage.md said "about 10"; the 4a146f4 code sends these 12 (the pending row and the queue message
        // stand where its 2 audit requests stood).
        ["tag"] = 12,
        ["full-inventory-request"] = 3,
        ["taxonomy-create"] = 4,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        int entries = 2000,
            parallel = 8;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--entries" or "--parallel" && i + 1 < args.Length && int.TryParse(args[i + 1], out var n))
            {
                if (args[i] == "--entries")
                    entries = Math.Max(50, n);
                else
                    parallel = Math.Clamp(n, 1, 64);
                i++;
            }
            else
            {
                Console.Error.WriteLine(Usage);
                return args[i] is "-h" or "--help" ? 0 : 64;
            }
        }

        var clock = Stopwatch.StartNew();
        try
        {
            var azurite = await Azurite.SharedAsync();
            BenchMachine.PrintHeader("ItInventory outbox bench", azurite.ProcessId);
            var suffix = AppWiring.NewSuffix();
            var settings = AppWiring.Settings(azurite.ConnectionString, suffix, BenchApp.EnrollmentSecret);
            // As in Azure: the change hands its entry to the dispatcher through the outbox queue.
            settings["Outbox:DispatchInline"] = "false";
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            await using var services = AppWiring.Build(AppWiring.Services(configuration, TimeProvider.System));
            try
            {
                var store = services.GetRequiredService<InventoryStore>();
                await store.CreateIfNotExistsAsync(CancellationToken.None);
                var passed = await RequestCountsAsync(services, store);
                await ThroughputAsync(services, store, entries, parallel);
                Console.WriteLine($"outbox.exit_code={(passed ? 0 : 1)}");
                Console.WriteLine("END_BENCH_METRICS");
                Console.WriteLine(
                    (
                        passed
                            ? "Request counts as before the outbox"
                            : "FAILED: a change costs more requests than before"
                    ) + $" ({clock.Elapsed.TotalSeconds:F0} s)"
                );
                return passed ? 0 : 1;
            }
            finally
            {
                await AppWiring.DeleteStorageAsync(services);
            }
        }
        catch (Exception ex)
        {
            Console.Out.Flush();
            Console.Error.WriteLine($"Outbox bench failed after {clock.Elapsed.TotalSeconds:F0} s: {ex}");
            return 3;
        }
    }

    /// <summary>Section 1: requests per change (request path, then the dispatcher for the change's entry).</summary>
    private static async Task<bool> RequestCountsAsync(ServiceProvider services, InventoryStore store)
    {
        var dispatcher = services.GetRequiredService<OutboxDispatcher>();
        var audit = services.GetRequiredService<AuditTrail>();
        var lines = new List<(string Key, string Label, int Now, int Dispatch, int Old)>();

        // One raw append, to show what the old direct append cost on the request path.
        int rawAppend;
        using (var scope = StorageRequestCounter.BeginScope())
        {
            await audit.AppendAsync(Record("bench", "raw-append"), CancellationToken.None);
            rawAppend = scope.Count;
        }

        async Task MeasureAsync(string key, string label, Func<Task> change)
        {
            await DrainAsync(store, dispatcher); // earlier entries (setup) are not counted
            int now;
            using (var scope = StorageRequestCounter.BeginScope())
            {
                await change();
                now = scope.Count;
            }
            var messages = await ReceiveAsync(store);
            int dispatch;
            using (var scope = StorageRequestCounter.BeginScope())
            {
                foreach (var m in messages)
                    await dispatcher.DispatchAsync(m, CancellationToken.None);
                dispatch = scope.Count;
            }
            lines.Add((key, label, now, dispatch, Before[key]));
        }

        var creator = services.GetRequiredService<AssetCreateService>();
        var updates = services.GetRequiredService<AssetUpdateService>();
        var created = await creator.CreateAsync(
            Admin,
            JsonSerializer.Deserialize(
                """{"name":"Bench dock","type":"peripheral","department":"Finance"}""",
                ApiJsonContext.Default.CreateAssetRequest
            )!,
            null,
            CancellationToken.None
        );
        var (asset, etag) = created.Value;
        await MeasureAsync("patch", "PATCH /api/assets/{id} (criticality)", async () =>
            _ = (
                await updates.UpdateAsync(
                    Admin,
                    asset.Id,
                    etag.ToString("H"),
                    JsonSerializer.Deserialize("""{"criticality":"High"}""", ApiJsonContext.Default.AssetPatch)!,
                    null,
                    CancellationToken.None
                )
            ).Value
        );
        await MeasureAsync("tag", "POST /api/assets/{id}/tag (first allocation)", async () =>
            await services.GetRequiredService<AssetTagService>().AllocateAsync(Admin, asset.Id, default)
        );

        // A device's summary row, as enrollment leaves it (the request merges into it).
        var deviceId = Guid.NewGuid().ToString("N");
        await store.Summaries.AddEntityAsync(
            new AssetSummaryEntity
            {
                PartitionKey = TableKeys.SummaryPartition(deviceId),
                RowKey = deviceId,
                Kind = "Device",
            }
        );
        await MeasureAsync("full-inventory-request", "POST /api/devices/{id}/full-inventory", async () =>
            await services
                .GetRequiredService<DeviceCredentialService>()
                .RequestFullInventoryAsync(deviceId, Admin.AuditActor, null, CancellationToken.None)
        );
        await MeasureAsync("taxonomy-create", "PUT /api/taxonomy/category/{code} (new; written ahead)", async () =>
            await services
                .GetRequiredService<TaxonomyService>()
                .PutAsync(
                    Admin,
                    "category",
                    "bench" + deviceId[..8],
                    new TaxonomyEntryRequest { DisplayName = "Bench" },
                    null,
                    CancellationToken.None
                )
        );

        Console.WriteLine();
        Console.WriteLine($"  Raw audit append (the old direct append, measured): {rawAppend} requests");
        Console.WriteLine("| Change | Before (direct append) | Now: request path | Dispatcher, per entry |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var l in lines)
            Console.WriteLine($"| {l.Label} | {l.Old} | {l.Now} | {l.Dispatch} |");
        Console.WriteLine();
        Console.WriteLine("BEGIN_BENCH_METRICS");
        Console.WriteLine($"outbox.raw_append.requests={rawAppend}");
        var passed = rawAppend == 2;
        foreach (var l in lines)
        {
            Console.WriteLine($"outbox.{l.Key}.requests_before={l.Old}");
            Console.WriteLine($"outbox.{l.Key}.requests_now={l.Now}");
            Console.WriteLine($"outbox.{l.Key}.dispatcher_requests={l.Dispatch}");
            passed &= l.Now == l.Old;
        }
        return passed;
    }

    /// <summary>Section 2: dispatcher throughput beside raw appends of the same records, same parallelism.</summary>
    private static async Task ThroughputAsync(ServiceProvider services, InventoryStore store, int entries, int parallel)
    {
        var outbox = services.GetRequiredService<Outbox>();
        var dispatcher = services.GetRequiredService<OutboxDispatcher>();
        var audit = services.GetRequiredService<AuditTrail>();
        var table = store.Assets;

        Console.WriteLine($"  Staging {entries} outbox entries (a row and its outbox row per partition)…");
        var messages = new List<OutboxMessage>(entries);
        var staged = Stopwatch.StartNew();
        var gate = new object();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, entries),
            new ParallelOptions { MaxDegreeOfParallelism = parallel },
            async (i, ct) =>
            {
                var partition = "bench" + i.ToString("D8", CultureInfo.InvariantCulture);
                var entry = outbox.Entry().Audit(Record(partition, "bench-change"));
                await outbox.WriteAsync(
                    table,
                    [
                        new TableTransactionAction(
                            TableTransactionActionType.UpsertReplace,
                            new TableEntity(partition, "bench") { ["N"] = i }
                        ),
                    ],
                    entry,
                    ct
                );
                lock (gate)
                    messages.Add(new OutboxMessage(entry.Id, table.Name, partition, OutboxKeys.Row(entry.Id)));
            }
        );
        // The queue messages the writes sent are not used: the bench hands the dispatcher the same messages directly.
        await store.OutboxQueue.ClearMessagesAsync();
        Console.WriteLine($"  Staged in {staged.Elapsed.TotalSeconds:F1} s");

        async Task<(double Seconds, long Requests)> TimeAsync(Func<int, CancellationToken, ValueTask> body)
        {
            var requests = StorageRequestCounter.Total;
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, entries),
                new ParallelOptions { MaxDegreeOfParallelism = parallel },
                body
            );
            return (watch.Elapsed.TotalSeconds, StorageRequestCounter.Total - requests);
        }

        Func<string, Func<int, CancellationToken, ValueTask>> raw = run =>
            async (i, ct) =>
                await audit.AppendOnceAsync(
                    Record("bench" + i.ToString("D8", CultureInfo.InvariantCulture), "bench-raw"),
                    $"bench|{run}|{i}",
                    ct
                );

        Console.WriteLine("  outbox throughput: raw, dispatcher, raw…");
        var rawA = await TimeAsync(raw("a"));
        var dispatch = await TimeAsync(async (i, ct) => await dispatcher.DispatchAsync(messages[i], ct));
        var rawB = await TimeAsync(raw("b"));
        var rawRate = 2 * entries / (rawA.Seconds + rawB.Seconds);
        var dispatchRate = entries / dispatch.Seconds;
        Console.WriteLine(
            Invariant($"    raw        {rawA.Seconds, 6:F2} s  {entries / rawA.Seconds, 8:F0} records/s  ")
                + Invariant($"{rawA.Requests} requests")
        );
        Console.WriteLine(
            Invariant($"    dispatcher {dispatch.Seconds, 6:F2} s  {dispatchRate, 8:F0} records/s  ")
                + Invariant($"{dispatch.Requests} requests")
        );
        Console.WriteLine(
            Invariant($"    raw        {rawB.Seconds, 6:F2} s  {entries / rawB.Seconds, 8:F0} records/s  ")
                + Invariant($"{rawB.Requests} requests")
        );
        Console.WriteLine($"  Load average at end: {BenchMachine.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| Path | Records/s | Requests per record | Dispatcher/raw |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(
            Invariant($"| raw append to the lanes (mean of 2) | {rawRate:F0} | ")
                + Invariant($"{(rawA.Requests + rawB.Requests) / (2.0 * entries):F1} | |")
        );
        Console.WriteLine(
            Invariant($"| dispatcher (read, append, deletes) | {dispatchRate:F0} | ")
                + Invariant($"{dispatch.Requests / (double)entries:F1} | {dispatchRate / rawRate:F2} |")
        );
        Console.WriteLine();
        Console.WriteLine(Invariant($"outbox.entries={entries}"));
        Console.WriteLine(Invariant($"outbox.parallel={parallel}"));
        Console.WriteLine(Invariant($"outbox.raw.records_per_second={rawRate:F0}"));
        Console.WriteLine(Invariant($"outbox.dispatcher.records_per_second={dispatchRate:F0}"));
        Console.WriteLine(Invariant($"outbox.dispatcher.ratio={dispatchRate / rawRate:F2}"));
    }

    private static AuditEvent Record(string entityId, string action) =>
        new(AuditActor.System("bench"), "bench", entityId, action, [new FieldChange("N", null, "1")], null);

    /// <summary>Delivers whatever the setup left in the outbox queue.</summary>
    private static async Task DrainAsync(InventoryStore store, OutboxDispatcher dispatcher)
    {
        foreach (var m in await ReceiveAsync(store))
            await dispatcher.DispatchAsync(m, CancellationToken.None);
    }

    private static async Task<List<OutboxMessage>> ReceiveAsync(InventoryStore store)
    {
        var list = new List<OutboxMessage>();
        while (true)
        {
            var batch = (await store.OutboxQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
                return list;
            foreach (var m in batch)
            {
                list.Add(JsonSerializer.Deserialize(m.Body, ApiJsonContext.Default.OutboxMessage)!);
                await store.OutboxQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
