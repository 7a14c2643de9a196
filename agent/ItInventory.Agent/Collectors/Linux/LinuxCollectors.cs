using System.Globalization;
using System.Runtime.InteropServices;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors.Linux;

public static class LinuxCollectors
{
    public static IReadOnlyList<IInventoryCollector> All(string dmiPath) =>
        [
            new LinuxSystemCollector(dmiPath),
            new LinuxSoftwareCollector(),
            new LinuxNetworkCollector(),
            new LinuxDiskCollector(),
            new LinuxUsersCollector(),
            new LinuxNeighbourCollector(),
        ];

    public static string Architecture =>
        RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "x86_64",
            System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
            System.Runtime.InteropServices.Architecture.X86 => "i686",
            System.Runtime.InteropServices.Architecture.Arm => "armv7l",
            var other => other.ToString().ToLowerInvariant(),
        };

    internal static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // DMI serials are root-only: unreadable is the same as absent here.
            return null;
        }
    }
}

/// <summary>Hostname, DMI, CPU, memory, OS, machine-id and the asset type.</summary>
public sealed class LinuxSystemCollector(string dmiPath) : IInventoryCollector
{
    public string Name => "linux-system";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        var dmiFiles = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Directory.Exists(dmiPath))
        {
            foreach (
                var name in new[]
                {
                    "sys_vendor",
                    "product_name",
                    "product_serial",
                    "product_uuid",
                    "chassis_type",
                    "board_vendor",
                    "board_name",
                    "board_serial",
                    "chassis_serial",
                }
            )
            {
                if (LinuxCollectors.ReadOrNull(Path.Combine(dmiPath, name)) is { } value)
                    dmiFiles[name] = value;
            }
        }
        var dmi = DmiParser.Parse(dmiFiles);
        var (cpu, hypervisor) = CpuInfoParser.Parse(File.ReadAllText("/proc/cpuinfo"));
        var batteries = Directory.Exists("/sys/class/power_supply")
            ? Directory
                .EnumerateDirectories("/sys/class/power_supply")
                .Select(d => LinuxCollectors.ReadOrNull(Path.Combine(d, "type")) ?? "")
            : [];
        var type = dmi.Type
            ?? (
                hypervisor ? "virtual-machine"
                : PowerSupplyParser.HasBattery(batteries) ? "laptop"
                : null
            );
        var machineId = LinuxCollectors.ReadOrNull("/etc/machine-id") is { } id ? MachineIdParser.Parse(id) : null;
        var osRelease = LinuxCollectors.ReadOrNull("/etc/os-release")
            ?? LinuxCollectors.ReadOrNull("/usr/lib/os-release")
            ?? "";
        return new Contribution
        {
            Hostname = Environment.MachineName,
            Hardware = dmi with
            {
                Type = type,
                Cpu = cpu,
                MemoryMb = MemInfoParser.TotalMb(File.ReadAllText("/proc/meminfo")),
                PlatformIdentities = machineId is null ? null : new PlatformIdentityData { MachineId = machineId },
            },
            OperatingSystem = OsReleaseParser.Parse(
                osRelease,
                LinuxCollectors.ReadOrNull("/proc/sys/kernel/osrelease"),
                LinuxCollectors.Architecture
            ),
        };
    }
}

/// <summary>Installed packages: dpkg's status file where it exists, else <c>rpm -qa</c>.</summary>
public sealed class LinuxSoftwareCollector : IInventoryCollector, IChangeFingerprint
{
    private const string DpkgStatus = "/var/lib/dpkg/status";
    private const string RpmDatabase = "/var/lib/rpm";

    public string Name => "linux-packages";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        if (File.Exists(DpkgStatus))
        {
            // dpkg keeps no install date; the mtime of the package's file list is when it was last unpacked.
            static string? InstalledOn(string package, string? arch)
            {
                var info = "/var/lib/dpkg/info/";
                var list = File.Exists(info + package + ".list")
                    ? info + package + ".list"
                    : info + package + ":" + arch + ".list";
                return File.Exists(list)
                    ? File.GetLastWriteTimeUtc(list).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : null;
            }
            using var reader = new StreamReader(DpkgStatus);
            return new Contribution { Software = DpkgStatusParser.Parse(reader, InstalledOn) };
        }
        var rpm = Tool.Find("rpm", "/usr/bin", "/bin");
        return new Contribution
        {
            Software = RpmParser.Parse(Tool.Run(rpm, $"-qa --qf '{RpmParser.QueryFormat}'", cancellationToken)),
        };
    }

    /// <summary>The package database's size and modification time: every install, upgrade or removal moves
    /// it.</summary>
    public string? Fingerprint()
    {
        var file =
            File.Exists(DpkgStatus) ? new FileInfo(DpkgStatus)
            : Directory.Exists(RpmDatabase)
                ? new DirectoryInfo(RpmDatabase)
                    .EnumerateFiles()
                    .OrderByDescending(f => f.LastWriteTimeUtc)
                    .FirstOrDefault()
            : null;
        return file is null ? null : $"{file.Length}:{file.LastWriteTimeUtc.Ticks}";
    }
}

public sealed class LinuxNetworkCollector : IInventoryCollector
{
    public string Name => "linux-network";

    public Contribution Collect(CancellationToken cancellationToken) =>
        new()
        {
            Hardware = new HardwareData
            {
                NetworkInterfaces = IpAddrParser.Parse(
                    Tool.Run(Tool.Find("ip", "/usr/sbin", "/sbin", "/usr/bin", "/bin"), "-j addr", cancellationToken)
                ),
            },
        };
}

public sealed class LinuxNeighbourCollector : IInventoryCollector
{
    public string Name => "linux-neighbours";

    public Contribution Collect(CancellationToken cancellationToken) =>
        new()
        {
            Neighbours = IpNeighParser.Parse(
                Tool.Run(Tool.Find("ip", "/usr/sbin", "/sbin", "/usr/bin", "/bin"), "-j neigh", cancellationToken)
            ),
        };
}

public sealed class LinuxDiskCollector : IInventoryCollector
{
    public string Name => "linux-disks";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        var (disks, systemSerial) = LsblkParser.Parse(
            Tool.Run(Tool.Find("lsblk", "/usr/bin", "/bin"), LsblkParser.Arguments, cancellationToken)
        );
        return new Contribution
        {
            Hardware = new HardwareData
            {
                Disks = disks,
                PlatformIdentities = systemSerial is null
                    ? null
                    : new PlatformIdentityData { SystemDiskSerial = systemSerial },
            },
        };
    }
}

public sealed class LinuxUsersCollector : IInventoryCollector
{
    public string Name => "linux-users";

    public Contribution Collect(CancellationToken cancellationToken) =>
        new() { LocalUsers = LocalUsersParser.Parse(File.ReadAllText("/etc/passwd"), File.ReadAllText("/etc/group")) };
}
