namespace ItInventory.Bench;

/// <summary>What every bench prints about the machine it ran on, so figures can be read against their load.</summary>
internal static class BenchMachine
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

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
