using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.CheckIns;

/// <summary>Check-in settings (section <c>CheckIns</c>).</summary>
public sealed class CheckinOptions
{
    public const string SectionName = "CheckIns";

    /// <summary>How often devices should send a heartbeat unless the asset has its own interval (default 4
    /// hours).</summary>
    [Range(60, 7 * 24 * 3600)]
    public int HeartbeatIntervalSeconds { get; set; } = 4 * 3600;

    /// <summary>Largest request body accepted on the wire (compressed or not).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest JSON document accepted after decompression: the decompression-bomb cap.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxDecompressedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How often LAN neighbour sightings are refreshed when the neighbour set has not changed.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan NeighbourRefreshInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>A day's average CPU below this counts as unused for idle detection.</summary>
    [Range(0, 100)]
    public double IdleCpuThresholdPercent { get; set; } = 5;
}
