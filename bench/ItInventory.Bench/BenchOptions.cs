using System.Globalization;

namespace ItInventory.Bench;

/// <summary>Command line: <c>[--quick] [--concurrency 1,8,16] [--scale 1.0] [--requests-only]</c>.</summary>
public sealed record BenchOptions(bool Quick, IReadOnlyList<int> Concurrency, double Scale, bool RequestsOnly)
{
    /// <summary>Full inventories need one queue worker per in-flight inventory; each worker owns this many
    /// devices.</summary>
    public const int DevicesPerWorker = 2;

    /// <summary>The ratio ours/raw that each throughput figure must reach.</summary>
    public const double RatioTarget = 0.8;

    public const string Usage = """
        Usage: dotnet run -c Release --project bench/ItInventory.Bench [-- options]
          --quick             fewer operations, concurrency 1 and 8 (about a minute)
          --concurrency LIST  comma-separated worker counts (default 1,8,16)
          --scale X           multiply the number of operations per run by X (default 1)
          --requests-only     only section 1 (storage requests per operation)
        Exit code: 0 all targets met; 1 a storage-request target failed; 2 a throughput ratio is below target;
        3 the bench failed.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var quick = false;
        var requestsOnly = false;
        var scale = 1.0;
        int[]? concurrency = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--requests-only":
                    requestsOnly = true;
                    break;
                case "--scale"
                    when i + 1 < args.Length
                        && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s)
                        && s > 0:
                    scale = s;
                    i++;
                    break;
                case "--concurrency" when i + 1 < args.Length:
                    concurrency = args[++i]
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(v =>
                            int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var c)
                            && c is > 0 and <= 64
                                ? c
                                : throw new ArgumentException($"Bad concurrency '{v}' (1–64).")
                        )
                        .ToArray();
                    break;
                case "-h" or "--help":
                    throw new ArgumentException("");
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }
        return new BenchOptions(quick, concurrency ?? (quick ? [1, 8] : [1, 8, 16]), scale, requestsOnly);
    }

    public string Mode =>
        (Quick ? "quick" : "full")
        + (Scale != 1 ? string.Create(CultureInfo.InvariantCulture, $", scale {Scale}") : "");

    /// <summary>Heartbeats per path and concurrency level: a few seconds' worth at Azurite's rate.</summary>
    public int HeartbeatOperations(int concurrency) =>
        Scaled(concurrency == 1 ? (Quick ? 480 : 960) : (Quick ? 1200 : 2400), concurrency);

    /// <summary>Full inventories per path and concurrency level (each one intake plus one processing).</summary>
    public int InventoryOperations(int concurrency) =>
        Scaled(
            concurrency == 1 ? (Quick ? 36 : 64)
                : concurrency <= 8 ? (Quick ? 96 : 160)
                : (Quick ? 128 : 192),
            concurrency
        );

    /// <summary>Pairs of ours/raw rounds a heartbeat comparison is split into.</summary>
    public int HeartbeatPairs => Quick ? 6 : 8;

    /// <summary>Pairs of rounds for full inventories: fewer with many workers, so that each worker still runs a few per
    /// round.</summary>
    public int InventoryPairs(int concurrency) => concurrency == 1 ? HeartbeatPairs : 4;

    /// <summary>Rounded to a whole number of operations per worker.</summary>
    private int Scaled(int operations, int concurrency) =>
        Math.Max(concurrency, (int)Math.Round(operations * Scale / concurrency) * concurrency);
}
