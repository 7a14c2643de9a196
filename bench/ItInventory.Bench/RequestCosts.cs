using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Bench;

/// <summary>The storage requests one operation sent, as <see cref="StorageRequestCounter"/> saw them.</summary>
public sealed record RequestCost(int Count, IReadOnlyList<string> Requests);

/// <summary>A counted operation and, when it has one, its target (at most that many requests).</summary>
public sealed record CostLine(string Key, string Label, RequestCost Cost, int? Target)
{
    public bool Passed => Target is not { } max || Cost.Count <= max;
}

/// <summary>
/// Section 1: storage requests per operation of the service path, counted with <see cref="StorageRequestCounter"/>
/// scopes around the function invocations (so the host's own queue receive/delete is outside). Each steady-state
/// operation is repeated to show the count is deterministic. The raw path's counts are measured too: they must equal
/// ours, or the throughput comparison would not compare like with like.
/// </summary>
public sealed partial class RequestCosts
{
    public const int HeartbeatTarget = 2;
    public const int UnchangedInventoryTarget = 6;
    public const int ChangedInventoryTarget = 10;
    private const int Repeats = 3;

    public required IReadOnlyList<CostLine> Lines { get; init; }

    /// <summary>The unique name suffix of the app the counts were taken on (left out when printing requests).</summary>
    public required string Suffix { get; init; }

    /// <summary>Operations whose count differed between repeats (empty when deterministic).</summary>
    public required IReadOnlyList<string> NonDeterministic { get; init; }

    /// <summary>The raw path's request counts per operation, to compare with ours.</summary>
    public required IReadOnlyDictionary<string, int> Raw { get; init; }

    public bool Passed => Lines.All(l => l.Passed) && NonDeterministic.Count == 0;

    public CostLine this[string key] => Lines.Single(l => l.Key == key);

    public static async Task<RequestCosts> MeasureAsync(string connectionString)
    {
        await using var app = await BenchApp.StartAsync(connectionString);
        var ours = new ServicePath(app);
        var nonDeterministic = new List<string>();
        var device = BenchDevice.Create();

        var enrollment = await CountAsync(async () =>
        {
            var answer = await app.EnrollAsync(device.EnrollmentJson());
            if (answer.Status != 201)
                throw new BenchException($"Enrollment: HTTP {answer.Status}: {answer.Body}");
            device.Enrolled(answer.Body);
        });
        var firstIntake = await CountAsync(() => ours.InventoryIntakeAsync(device, CancellationToken.None));
        var firstProcessing = await ProcessNextAsync(app, ours, device);

        RequestCost Deterministic(string what, IReadOnlyList<RequestCost> runs)
        {
            if (runs.Select(r => r.Count).Distinct().Count() > 1)
                nonDeterministic.Add($"{what}: {string.Join(", ", runs.Select(r => r.Count))}");
            return runs.MaxBy(r => r.Count)!;
        }

        var heartbeats = new List<RequestCost>();
        var unchanged = new List<RequestCost>();
        for (var i = 0; i < Repeats; i++)
        {
            heartbeats.Add(await CountAsync(() => ours.HeartbeatAsync(device, CancellationToken.None)));
            unchanged.Add(
                await CountAsync(async () =>
                {
                    var answer = await app.PostCheckinAsync(
                        device.LastInventoryGzip(),
                        device.Authorization,
                        gzip: true,
                        CancellationToken.None
                    );
                    ServicePath.Expect(answer, 200, "unchanged full inventory", device);
                    if (JsonDocument.Parse(answer.Body).RootElement.GetProperty("status").GetString() != "unchanged")
                    {
                        throw new BenchException(
                            $"The repeated full inventory was not recognised as unchanged: {answer.Body}"
                        );
                    }
                })
            );
        }

        var changedIntake = new List<RequestCost>();
        var changedProcessing = new List<RequestCost>();
        for (var i = 0; i < Repeats; i++)
        {
            changedIntake.Add(await CountAsync(() => ours.InventoryIntakeAsync(device, CancellationToken.None)));
            changedProcessing.Add(await ProcessNextAsync(app, ours, device));
        }
        var intake = Deterministic("changed inventory intake", changedIntake);
        var processing = Deterministic("changed inventory processing", changedProcessing);
        var total = new RequestCost(intake.Count + processing.Count, [.. intake.Requests, .. processing.Requests]);

        // The raw path on a second device of the same app, set up by the service path.
        var rawDevice = BenchDevice.Create();
        var enrolled = await app.EnrollAsync(rawDevice.EnrollmentJson());
        rawDevice.Enrolled(enrolled.Body);
        await ours.InventoryIntakeAsync(rawDevice, CancellationToken.None);
        await ProcessNextAsync(app, ours, rawDevice);
        var raw = new RawPath(app);
        var rawCounts = new Dictionary<string, int>
        {
            ["heartbeat"] = (await CountAsync(() => raw.HeartbeatAsync(rawDevice, CancellationToken.None))).Count,
            ["changed_inventory.intake"] = (
                await CountAsync(() => raw.InventoryIntakeAsync(rawDevice, CancellationToken.None))
            ).Count,
            ["changed_inventory.processing"] = (await ProcessNextAsync(app, raw, rawDevice)).Count,
        };

        return new RequestCosts
        {
            Lines =
            [
                new("enrollment", "enrollment (new device)", enrollment, null),
                new("first_inventory.intake", "first full inventory: HTTP intake", firstIntake, null),
                new("first_inventory.processing", "first full inventory: queue processing", firstProcessing, null),
                new("heartbeat", "heartbeat", Deterministic("heartbeat", heartbeats), HeartbeatTarget),
                new(
                    "unchanged_inventory",
                    "unchanged full inventory (HTTP intake)",
                    Deterministic("unchanged inventory", unchanged),
                    UnchangedInventoryTarget
                ),
                new(
                    "changed_inventory.intake",
                    $"{BenchDevice.ChangedPackages} changed packages: HTTP intake",
                    intake,
                    null
                ),
                new(
                    "changed_inventory.processing",
                    $"{BenchDevice.ChangedPackages} changed packages: queue processing",
                    processing,
                    null
                ),
                new(
                    "changed_inventory.total",
                    $"{BenchDevice.ChangedPackages} changed packages: intake + processing",
                    total,
                    ChangedInventoryTarget
                ),
            ],
            NonDeterministic = nonDeterministic,
            Raw = rawCounts,
            Suffix = app.Suffix,
        };
    }

    /// <summary>Receives the next check-in message (uncounted: the host does that), counts the processing, deletes the
    /// message (uncounted).</summary>
    private static async Task<RequestCost> ProcessNextAsync(BenchApp app, ICheckinPath path, BenchDevice device)
    {
        QueueMessage message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value
            ?? throw new BenchException("The check-in queue is empty; the intake queued nothing.");
        var checkin = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage)!;
        var cost = await CountAsync(() => path.ProcessAsync(message, checkin, CancellationToken.None));
        await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        device.InventoryProcessed();
        return cost;
    }

    private static async Task<RequestCost> CountAsync(Func<Task> operation)
    {
        using var scope = StorageRequestCounter.BeginScope();
        await operation();
        return new RequestCost(scope.Count, scope.Requests);
    }

    /// <summary>A request as <c>METHOD /resource</c>: host, account and this run's unique name suffix left out, ids and
    /// dates abbreviated.</summary>
    public static string Describe(string request, string suffix)
    {
        var space = request.IndexOf(' ');
        var method = request[..space];
        var target = request[(space + 1)..];
        var slash = target.IndexOf('/');
        var path = Uri.UnescapeDataString(slash < 0 ? target : target[slash..])
            .Replace("/devstoreaccount1", "", StringComparison.Ordinal)
            .Replace("-" + suffix, "", StringComparison.Ordinal)
            .Replace(suffix, "", StringComparison.Ordinal);
        path = HexId().Replace(path, "{id}");
        path = DatePath().Replace(path, "{yyyy/MM/dd}");
        return $"{method} {path}";
    }

    [GeneratedRegex("[0-9a-f]{32}")]
    private static partial Regex HexId();

    [GeneratedRegex(@"\d{4}/\d{2}/\d{2}")]
    private static partial Regex DatePath();
}
