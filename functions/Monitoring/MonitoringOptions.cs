using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Monitoring;

/// <summary>Offline monitoring and threshold alerts (section <c>Monitoring</c>).</summary>
public sealed class MonitoringOptions
{
    public const string SectionName = "Monitoring";

    /// <summary>An asset is offline once its heartbeat is overdue by its expected interval
    /// (<c>CheckIns:HeartbeatIntervalSeconds</c>) times this factor.</summary>
    [Range(1.0, 100.0)]
    public double OfflineTolerance { get; set; } = 3;

    /// <summary>Disk use above this (percent) raises a disk-space-high finding.</summary>
    [Range(1.0, 100.0)]
    public double DiskThresholdPercent { get; set; } = 90;

    /// <summary>Memory use at or above this (percent) counts towards a memory-sustained-high finding.</summary>
    [Range(1.0, 100.0)]
    public double MemoryThresholdPercent { get; set; } = 95;

    /// <summary>Consecutive heartbeats at or above the memory threshold before the finding is raised.</summary>
    [Range(1, 1000)]
    public int MemorySustainedHeartbeats { get; set; } = 3;

    /// <summary>Most due index rows one scan handles (the rest wait for the next run).</summary>
    [Range(1, 1_000_000)]
    public int MaxDuePerScan { get; set; } = 50_000;
}
