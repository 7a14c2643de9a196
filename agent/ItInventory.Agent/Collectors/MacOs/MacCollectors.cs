using System.Globalization;
using ItInventory.Agent.Collectors.Linux;
using ItInventory.Agent.Running;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors.MacOs;

public static class MacCollectors
{
    public static IReadOnlyList<IInventoryCollector> All() =>
        [
            new MacSystemCollector(),
            new MacApplicationsCollector(),
            new MacReceiptsCollector(),
            new LinuxUsersLikeMacCollector(),
        ];
}

public sealed class MacSystemCollector : IInventoryCollector
{
    public string Name => "macos-system-profiler";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        var (hardware, os) = MacParsers.SystemProfiler(
            Tool.Run("/usr/sbin/system_profiler", "-json SPHardwareDataType SPSoftwareDataType", cancellationToken),
            LinuxCollectors.Architecture
        );
        var (serial, uuid) = MacParsers.Ioreg(
            Tool.Run("/usr/sbin/ioreg", "-rd1 -c IOPlatformExpertDevice", cancellationToken)
        );
        var nics = CommonUsage.IpAddresses();
        return new Contribution
        {
            Hostname = Environment.MachineName,
            Hardware = hardware with
            {
                SerialNumber = hardware.SerialNumber ?? serial,
                SmbiosUuid = hardware.SmbiosUuid ?? uuid,
                NetworkInterfaces = System
                    .Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
                    .Where(n => n.NetworkInterfaceType != System.Net.NetworkInformation.NetworkInterfaceType.Loopback)
                    .Select(n => new NetworkInterfaceData
                    {
                        Name = n.Name,
                        MacAddress = n.GetPhysicalAddress().GetAddressBytes() is { Length: 6 } mac
                            ? string.Join(':', mac.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))
                            : null,
                    })
                    .Take(64)
                    .ToList(),
            },
            OperatingSystem = os,
        };
    }
}

public sealed class MacApplicationsCollector : IInventoryCollector
{
    public string Name => "macos-applications";

    public Contribution Collect(CancellationToken cancellationToken) =>
        new()
        {
            Software = MacParsers.Applications(
                Tool.Run(
                    "/usr/sbin/system_profiler",
                    "-json -detailLevel mini SPApplicationsDataType",
                    cancellationToken,
                    180
                )
            ),
        };
}

/// <summary>Installer receipts not shown as applications (command-line tools, drivers), added to the software
/// list: merged after the applications, so this contribution replaces nothing when it fails.</summary>
public sealed class MacReceiptsCollector : IInventoryCollector
{
    public string Name => "macos-pkgutil";

    public Contribution Collect(CancellationToken cancellationToken) =>
        new() { Software = MacParsers.PkgutilReceipts(Tool.Run("/usr/sbin/pkgutil", "--pkgs", cancellationToken)) };
}

/// <summary>Local accounts: macOS keeps them in Directory Services; <c>dscl</c> lists them with their uids.</summary>
public sealed class LinuxUsersLikeMacCollector : IInventoryCollector
{
    public string Name => "macos-users";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        var users = Tool.Run("/usr/bin/dscl", ". -list /Users UniqueID", cancellationToken);
        var admins = Tool.Run("/usr/bin/dscl", ". -read /Groups/admin GroupMembership", cancellationToken)
            .Replace("GroupMembership:", "", StringComparison.Ordinal)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToHashSet(StringComparer.Ordinal);
        return new Contribution
        {
            LocalUsers = users
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(f =>
                    f.Length == 2
                    && int.TryParse(f[1], CultureInfo.InvariantCulture, out var uid)
                    && uid >= 500
                    && !f[0].StartsWith('_')
                )
                .Select(f => new LocalUserData { Name = f[0], IsAdmin = admins.Contains(f[0]) })
                .ToList(),
        };
    }
}

/// <summary>macOS heartbeat: process CPU from <c>ps</c>, memory from <c>vm_stat</c>, boot time and HID idle
/// time.</summary>
public sealed class MacUsageSampler : IUsageSampler
{
    public UsageSample Sample(AgentState previous, DateTimeOffset now)
    {
        var ct = CancellationToken.None;
        double? cpu = null;
        try
        {
            // %CPU per process is a decaying average over about a minute: a snapshot, not the interval's mean.
            var sum = Tool.Run("/bin/ps", "-A -o %cpu=", ct)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Sum(v => double.TryParse(v, CultureInfo.InvariantCulture, out var x) ? x : 0);
            cpu = Math.Round(Math.Min(100, sum / Environment.ProcessorCount), 1);
        }
        catch (InvalidOperationException) { }
        var memoryBytes = long.TryParse(
            Tool.Run("/usr/sbin/sysctl", "-n hw.memsize", ct).Trim(),
            CultureInfo.InvariantCulture,
            out var m
        )
            ? m
            : 0;
        var boot = MacParsers.BootTime(Tool.Run("/usr/sbin/sysctl", "-n kern.boottime", ct));
        var idle = MacParsers.HidIdle(Tool.Run("/usr/sbin/ioreg", "-c IOHIDSystem -d 4", ct));
        var interval = previous.LastHeartbeatAt is { } last
            ? now - last
            : TimeSpan.FromSeconds(Math.Max(previous.NextCheckinSeconds, 3600));
        return new UsageSample(
            new HeartbeatData
            {
                CpuAveragePercent = cpu,
                MemoryUsedPercent = MacParsers.VmStatUsedPercent(Tool.Run("/usr/bin/vm_stat", "", ct), memoryBytes),
                DiskUsedPercent = CommonUsage.DiskUsedPercent(),
                UptimeSeconds = boot is { } b ? (long)(now - b).TotalSeconds : null,
                InteractiveMinutes = idle is { } i ? (int)Math.Round(Math.Max(0, (interval - i).TotalMinutes)) : null,
                LastInteractiveLogonAt = previous.LastInteractiveLogonAt,
                IpAddresses = CommonUsage.IpAddresses(),
            },
            null
        );
    }
}
