using System.Globalization;
using System.Management;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using ItInventory.Agent.Running;
using ItInventory.Functions.CheckIns;
using Microsoft.Win32;

namespace ItInventory.Agent.Collectors.Windows;

[SupportedOSPlatform("windows")]
public static class WindowsCollectors
{
    public static IReadOnlyList<IInventoryCollector> All() =>
        [new WmiSystemCollector(), new UninstallKeysCollector(), new SecurityCenterCollector()];

    internal static List<Row> Query(string wql, string scope = @"root\cimv2")
    {
        using var searcher = new ManagementObjectSearcher(scope, wql);
        using var results = searcher.Get();
        var rows = new List<Row>();
        foreach (var item in results)
        {
            using (item)
            {
                var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in item.Properties)
                {
                    values[property.Name] = property.Value switch
                    {
                        null => null,
                        Array array => string.Join(
                            ',',
                            array.Cast<object?>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture))
                        ),
                        var v => Convert.ToString(v, CultureInfo.InvariantCulture),
                    };
                }
                rows.Add(new Row(values));
            }
        }
        return rows;
    }
}

/// <summary>Hardware, OS, NICs and MachineGuid through WMI (CIM) and the registry.</summary>
[SupportedOSPlatform("windows")]
public sealed class WmiSystemCollector : IInventoryCollector
{
    public string Name => "windows-wmi";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        static Row One(string wql) =>
            WindowsCollectors.Query(wql).FirstOrDefault() ?? new Row(new Dictionary<string, string?>());
        var hardware = WindowsParsers.Hardware(
            One("SELECT Manufacturer, Model, TotalPhysicalMemory, PCSystemType FROM Win32_ComputerSystem"),
            One("SELECT SerialNumber FROM Win32_BIOS"),
            One("SELECT UUID FROM Win32_ComputerSystemProduct"),
            One("SELECT ChassisTypes FROM Win32_SystemEnclosure"),
            WindowsCollectors.Query("SELECT Name, NumberOfCores, NumberOfLogicalProcessors FROM Win32_Processor"),
            WindowsCollectors.Query("SELECT DeviceID, Model, SerialNumber, Size FROM Win32_DiskDrive")
        );
        var nics = WindowsParsers.NetworkAdapters(
            WindowsCollectors.Query(
                "SELECT Description, MACAddress, IPAddress, IPEnabled FROM Win32_NetworkAdapterConfiguration"
            )
        );
        using var cryptography = RegistryKey
            .OpenBaseKey(RegistryHive.LocalMachine, RegistryView.Registry64)
            .OpenSubKey(@"SOFTWARE\Microsoft\Cryptography");
        var machineGuid = cryptography?.GetValue("MachineGuid") as string;
        return new Contribution
        {
            Hostname = Environment.MachineName,
            Hardware = hardware with
            {
                NetworkInterfaces = nics,
                PlatformIdentities = machineGuid is null
                    ? null
                    : new PlatformIdentityData { MachineGuid = machineGuid.ToLowerInvariant() },
            },
            OperatingSystem = WindowsParsers.OperatingSystem(
                One("SELECT Caption, Version, BuildNumber, OSArchitecture FROM Win32_OperatingSystem")
            ),
        };
    }
}

/// <summary>Installed programs from the uninstall keys of both registry views (64-bit and WOW6432Node).</summary>
[SupportedOSPlatform("windows")]
public sealed class UninstallKeysCollector : IInventoryCollector, IChangeFingerprint
{
    private const string Uninstall = @"SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall";
    private static readonly string[] Values =
    [
        "DisplayName",
        "DisplayVersion",
        "Publisher",
        "InstallDate",
        "SystemComponent",
        "ParentKeyName",
        "ReleaseType",
    ];

    public string Name => "windows-uninstall-keys";

    public Contribution Collect(CancellationToken cancellationToken)
    {
        var keys = new List<(Row, string)>();
        foreach (var (view, arch) in new[] { (RegistryView.Registry64, "x64"), (RegistryView.Registry32, "x86") })
        {
            using var root = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, view).OpenSubKey(Uninstall);
            if (root is null)
                continue;
            foreach (var name in root.GetSubKeyNames())
            {
                using var key = root.OpenSubKey(name);
                if (key is null)
                    continue;
                var values = Values.ToDictionary(
                    v => v,
                    v => Convert.ToString(key.GetValue(v), CultureInfo.InvariantCulture)
                );
                keys.Add((new Row(values), arch));
            }
        }
        return new Contribution { Software = WindowsParsers.Software(keys) };
    }

    /// <summary>Number of uninstall subkeys in both views: an install or removal changes it.</summary>
    public string? Fingerprint()
    {
        var counts = new[] { RegistryView.Registry64, RegistryView.Registry32 }.Select(view =>
        {
            using var root = RegistryKey.OpenBaseKey(RegistryHive.LocalMachine, view).OpenSubKey(Uninstall);
            return root?.SubKeyCount ?? 0;
        });
        return string.Join(',', counts);
    }
}

/// <summary>Antivirus registered with Windows Security Center (client editions only; servers have no
/// SecurityCenter2 namespace, and the section is then left out with the reason).</summary>
[SupportedOSPlatform("windows")]
public sealed class SecurityCenterCollector : IInventoryCollector
{
    public string Name => "windows-security-center";

    public Contribution Collect(CancellationToken cancellationToken) =>
        new()
        {
            Antivirus = WindowsParsers.Antivirus(
                WindowsCollectors.Query(
                    "SELECT displayName, productState FROM AntiVirusProduct",
                    @"root\SecurityCenter2"
                )
            ),
        };
}

/// <summary>Windows heartbeat: GetSystemTimes, GlobalMemoryStatusEx, the tick count and <c>quser</c>
/// sessions.</summary>
[SupportedOSPlatform("windows")]
public sealed partial class WindowsUsageSampler : IUsageSampler
{
    public UsageSample Sample(AgentState previous, DateTimeOffset now)
    {
        CpuSample? cpu = null;
        if (GetSystemTimes(out var idle, out var kernel, out var user))
        {
            // Kernel time includes idle time.
            var total = kernel + user;
            cpu = new CpuSample(total - idle, total, BootId());
        }
        var memory = new MemoryStatusEx { Length = (uint)Marshal.SizeOf<MemoryStatusEx>() };
        double? memoryUsed = GlobalMemoryStatusEx(ref memory) ? memory.MemoryLoad : null;
        var sessions = Sessions();
        var interval = previous.LastHeartbeatAt is { } last
            ? now - last
            : TimeSpan.FromSeconds(Math.Max(previous.NextCheckinSeconds, 3600));
        var activeMinutes =
            sessions.Count == 0 ? 0 : (int)Math.Round(Math.Max(0, (interval - sessions.Min(s => s.Idle)).TotalMinutes));
        return new UsageSample(
            new HeartbeatData
            {
                CpuAveragePercent = cpu is null ? null : Linux.ProcStatParser.AveragePercent(previous.Cpu, cpu),
                MemoryUsedPercent = memoryUsed,
                DiskUsedPercent = CommonUsage.DiskUsedPercent(),
                UptimeSeconds = Environment.TickCount64 / 1000,
                InteractiveMinutes = Math.Min(activeMinutes, (int)interval.TotalMinutes),
                LastInteractiveLogonAt = sessions.Select(s => s.LogonAt).Max() ?? previous.LastInteractiveLogonAt,
                IpAddresses = CommonUsage.IpAddresses(),
            },
            cpu
        );
    }

    private static string BootId() =>
        (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - Environment.TickCount64 / 1000).ToString(
            "x",
            CultureInfo.InvariantCulture
        )[..^2];

    private static IReadOnlyList<(string User, TimeSpan Idle, DateTimeOffset? LogonAt)> Sessions()
    {
        try
        {
            return WindowsParsers.Quser(
                Tool.Run(Path.Combine(Environment.SystemDirectory, "quser.exe"), "", CancellationToken.None, 20)
            );
        }
        catch (Exception ex)
            when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            // quser exits 1 when nobody is logged on.
            return [];
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MemoryStatusEx
    {
        public uint Length;
        public uint MemoryLoad;
        public ulong TotalPhys;
        public ulong AvailPhys;
        public ulong TotalPageFile;
        public ulong AvailPageFile;
        public ulong TotalVirtual;
        public ulong AvailVirtual;
        public ulong AvailExtendedVirtual;
    }

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetSystemTimes(out ulong idle, out ulong kernel, out ulong user);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GlobalMemoryStatusEx(ref MemoryStatusEx buffer);
}
