namespace ItInventory.Bench;

/// <summary>What every bench prints about the machine it ran on, so figures can be read against their load.</summary>
internal static class BenchMachine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    /// <summary>Reads <c>--name N</c> pairs over the defaults in <paramref name="counts"/>, each bounded by
    /// <paramref name="bound"/>. Anything else prints <paramref name="usage"/> and gives the exit code (0 for
    /// <c>--help</c>, 64 otherwise); null when every argument was read.</summary>
    public static int? ParseCounts(
        string[] args,
        string usage,
        Dictionary<string, int> counts,
        Func<string, int, int> bound
    )
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (counts.ContainsKey(args[i]) && i + 1 < args.Length && int.TryParse(args[i + 1], out var n))
            {
                counts[args[i]] = bound(args[i], n);
                i++;
            }
            else
            {
                Console.Error.WriteLine(usage);
                return args[i] is "-h" or "--help" ? 0 : 64;
            }
        }
        return null;
    }

    /// <summary>The bench's title, Azurite, runtime, cores, GC and load at start.</summary>
    public static void PrintHeader(string title, int azuritePid)
    {
        Console.WriteLine(title);
        Console.WriteLine(
            $"  Azurite in memory (pid {azuritePid}), .NET {Environment.Version}, "
                + $"{Environment.ProcessorCount} cores, "
                + (System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC")
        );
        Console.WriteLine($"  Load average at start: {LoadAverage()}");
#if DEBUG
        Console.WriteLine("  WARNING: Debug build; run with -c Release for representative figures.");
#endif
    }
}
