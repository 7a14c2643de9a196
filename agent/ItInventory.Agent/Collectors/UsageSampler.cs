using System.Net.NetworkInformation;
using System.Net.Sockets;
using ItInventory.Agent.Running;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors;

/// <summary>What a heartbeat carries, plus the counters to keep for the next one.</summary>
public sealed record UsageSample(HeartbeatData Heartbeat, CpuSample? Cpu);

/// <summary>Samples utilisation for a heartbeat: cheap (files and system calls, no tools where avoidable).</summary>
public interface IUsageSampler
{
    /// <param name="previous">The counters of the previous heartbeat: CPU use is averaged over the interval since
    /// then (since boot on the first heartbeat).</param>
    UsageSample Sample(AgentState previous, DateTimeOffset now);
}

public static class CommonUsage
{
    /// <summary>Used space of the system volume, percent.</summary>
    public static double? DiskUsedPercent()
    {
        try
        {
            var root = OperatingSystem.IsWindows() ? Path.GetPathRoot(Environment.SystemDirectory)! : "/";
            var drive = new DriveInfo(root);
            return drive.TotalSize <= 0
                ? null
                : Math.Round(100.0 * (drive.TotalSize - drive.AvailableFreeSpace) / drive.TotalSize, 1);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Unicast addresses of the interfaces that are up, loopback and link-local IPv6 left out.</summary>
    public static IReadOnlyList<string>? IpAddresses()
    {
        try
        {
            var ips = NetworkInterface
                .GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus != OperationalStatus.Down)
                .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address)
                .Where(a => !System.Net.IPAddress.IsLoopback(a))
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork || !a.IsIPv6LinkLocal)
                .Select(a => a.ToString())
                .Where(a => !a.Contains('%', StringComparison.Ordinal))
                .Distinct()
                .Take(64)
                .ToList();
            return ips.Count == 0 ? null : ips;
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }
}
