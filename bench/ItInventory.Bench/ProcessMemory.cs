namespace ItInventory.Bench;

/// <summary>
/// Peak memory of this process: the app's code, its SDK clients and the bench's own load generator together (Azurite
/// runs in its own process). An upper bound for the worker's share of a Flex Consumption instance's memory under the
/// same load; docs/deploy.md compares it with the instance sizes.
/// </summary>
public sealed record ProcessMemory(double PeakWorkingSetMb, double ManagedHeapMb, string GcMode)
{
    public static ProcessMemory Measure()
    {
        // VmHWM: the resident set's high-water mark since start (Linux); elsewhere the current working set.
        var peak = Environment.WorkingSet / 1048576.0;
        if (File.Exists("/proc/self/status"))
        {
            var line = File.ReadLines("/proc/self/status")
                .FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line[6..].Trim().Split(' ')[0], out var kb))
                peak = kb / 1024.0;
        }
        var heap = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes / 1048576.0;
        var mode = System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC";
        return new ProcessMemory(peak, heap, mode);
    }

    public override string ToString() =>
        $"Peak working set of the bench process (VmHWM): {PeakWorkingSetMb:F0} MB; managed heap at the last GC "
        + $"{ManagedHeapMb:F0} MB ({GcMode})";
}
