extern alias agent;
using System.Text.Json;
using agent::ItInventory.Agent.Collectors.MacOs;
using agent::ItInventory.Agent.Collectors.Windows;
using AntivirusData = agent::ItInventory.Functions.CheckIns.AntivirusData;

namespace ItInventory.Agent.Tests;

public sealed class WindowsParserTests
{
    /// <summary>A `ConvertTo-Json` document (one object or an array) as WMI rows, values as text.</summary>
    private static List<Row> Rows(string file)
    {
        using var doc = JsonDocument.Parse(Samples.Text("windows/" + file));
        var items =
            doc.RootElement.ValueKind == JsonValueKind.Array
                ? doc.RootElement.EnumerateArray().ToList()
                : [doc.RootElement];
        return items
            .Select(o => new Row(
                o.EnumerateObject()
                    .ToDictionary(
                        p => p.Name,
                        p =>
                            p.Value.ValueKind switch
                            {
                                JsonValueKind.Null => null,
                                JsonValueKind.Array => string.Join(',', p.Value.EnumerateArray().Select(Text)),
                                _ => Text(p.Value),
                            }
                    )
            ))
            .ToList();
    }

    private static string? Text(JsonElement e) =>
        e.ValueKind switch
        {
            JsonValueKind.String => e.GetString(),
            JsonValueKind.True => "True",
            JsonValueKind.False => "False",
            JsonValueKind.Null => null,
            _ => e.GetRawText(),
        };

    [Fact]
    public void Wmi_instances_give_the_hardware_of_a_laptop()
    {
        var hw = WindowsParsers.Hardware(
            Rows("Win32_ComputerSystem.json")[0],
            Rows("Win32_BIOS.json")[0],
            Rows("Win32_ComputerSystemProduct.json")[0],
            Rows("Win32_SystemEnclosure.json")[0],
            Rows("Win32_Processor.json"),
            Rows("Win32_DiskDrive.json")
        );

        Assert.Equal("Dell Inc.", hw.Manufacturer);
        Assert.Equal("Latitude 5440", hw.Model);
        Assert.Equal("7XK2HZ3", hw.SerialNumber);
        Assert.Equal("4c4c4544-0058-4b10-8032-b7c04f485a33", hw.SmbiosUuid);
        Assert.Equal("laptop", hw.Type);
        Assert.Equal(10, hw.Cpu!.Cores);
        Assert.Equal(12, hw.Cpu.Threads);
        Assert.Equal(16221, hw.MemoryMb);
        Assert.Equal("KIOXIA KXG80ZNV512G", Assert.Single(hw.Disks!).Model);
    }

    [Fact]
    public void Win32_operating_system_gives_caption_version_and_build()
    {
        var os = WindowsParsers.OperatingSystem(Rows("Win32_OperatingSystem.json")[0]);

        Assert.Equal("Microsoft Windows 11 Enterprise", os.Name);
        Assert.Equal("10.0.22631", os.Version);
        Assert.Equal("22631", os.Build);
    }

    [Fact]
    public void Uninstall_keys_of_both_views_give_programs_without_components_updates_or_nameless_keys()
    {
        var keys = Rows("Uninstall-64.json")
            .Select(r => (r, "x64"))
            .Concat(Rows("Uninstall-32.json").Select(r => (r, "x86")));

        var software = WindowsParsers.Software(keys);

        Assert.Equal(["Microsoft Edge", "7-Zip 24.08 (x64)", "Adobe Acrobat Reader DC"], software.Select(s => s.Name));
        Assert.Equal("2024-12-12", software[0].InstalledOn);
        Assert.Null(software[1].InstalledOn);
        Assert.Equal("x86", software[2].Architecture);
    }

    [Fact]
    public void Enabled_adapters_give_macs_and_addresses_without_link_local()
    {
        var nic = Assert.Single(WindowsParsers.NetworkAdapters(Rows("Win32_NetworkAdapterConfiguration.json")));

        Assert.Equal("C4:5A:B1:12:34:56", nic.MacAddress);
        Assert.Equal(["10.20.30.41"], nic.IpAddresses);
    }

    [Fact]
    public void Security_center_lists_antivirus_products_with_their_state() =>
        Assert.Equal(
            [
                new AntivirusData
                {
                    Name = "Windows Defender",
                    Enabled = true,
                    UpToDate = true,
                },
                new AntivirusData
                {
                    Name = "Sophos Intercept X",
                    Enabled = true,
                    UpToDate = false,
                },
            ],
            WindowsParsers.Antivirus(Rows("AntiVirusProduct.json"))
        );

    [Fact]
    public void Quser_gives_sessions_with_idle_time_and_logon_time()
    {
        var sessions = WindowsParsers.Quser(Samples.Text("windows/quser.txt"));

        Assert.Equal(["alice", "bob", "carol"], sessions.Select(s => s.User));
        Assert.Equal(TimeSpan.Zero, sessions[0].Idle);
        Assert.Equal(TimeSpan.MaxValue, sessions[1].Idle);
        Assert.Equal(TimeSpan.FromMinutes(7), sessions[2].Idle);
        Assert.Equal(new DateTime(2026, 12, 6, 8, 2, 0), sessions[0].LogonAt!.Value.DateTime);
    }
}

public sealed class MacParserTests
{
    [Fact]
    public void System_profiler_json_gives_hardware_and_os()
    {
        var (hw, os) = MacParsers.SystemProfiler(
            Samples.Text("macos/system_profiler-hardware-software.json"),
            "aarch64"
        );

        Assert.Equal("Apple Inc.", hw.Manufacturer);
        Assert.Equal("MacBook Pro (Mac14,9)", hw.Model);
        Assert.Equal("C02ZK1ABMD6T", hw.SerialNumber);
        Assert.Equal("6a1f2b3c-4d5e-5f60-8172-93a4b5c6d7e8", hw.SmbiosUuid);
        Assert.Equal("laptop", hw.Type);
        Assert.Equal("Apple M2 Pro", hw.Cpu!.Model);
        Assert.Equal(10, hw.Cpu.Cores);
        Assert.Equal(16384, hw.MemoryMb);
        Assert.Equal("macOS", os!.Name);
        Assert.Equal("14.4.1", os.Version);
        Assert.Equal("23E224", os.Build);
    }

    [Fact]
    public void Applications_give_name_version_signer_and_date()
    {
        var apps = MacParsers.Applications(Samples.Text("macos/system_profiler-applications.json"));

        Assert.Equal(3, apps.Count);
        Assert.Equal("Google LLC (EQHXZ8M8AV)", apps[0].Publisher);
        Assert.Equal("2024-04-02", apps[0].InstalledOn);
        Assert.Null(apps[2].Publisher);
    }

    [Fact]
    public void Ioreg_gives_serial_and_platform_uuid()
    {
        var (serial, uuid) = MacParsers.Ioreg(Samples.Text("macos/ioreg-platform.txt"));

        Assert.Equal("C02ZK1ABMD6T", serial);
        Assert.Equal("6a1f2b3c-4d5e-5f60-8172-93a4b5c6d7e8", uuid);
    }

    [Fact]
    public void Pkgutil_receipts_leave_apples_own_out() =>
        Assert.Equal(
            ["com.microsoft.teams2", "org.python.Python.PythonFramework-3.12", "com.zoom.pkg.videomeeting"],
            MacParsers.PkgutilReceipts(Samples.Text("macos/pkgutil-pkgs.txt")).Select(s => s.Name)
        );

    [Fact]
    public void Vm_stat_boot_time_and_hid_idle_time_are_read()
    {
        // (300000 + 150000 + 100000) pages of 16 KiB of 16 GiB.
        Assert.Equal(52.5, MacParsers.VmStatUsedPercent(Samples.Text("macos/vm_stat.txt"), 16L << 30));
        Assert.Equal(
            DateTimeOffset.FromUnixTimeSeconds(1712345678),
            MacParsers.BootTime(Samples.Text("macos/sysctl-boottime.txt"))
        );
        Assert.Equal(TimeSpan.FromSeconds(93), MacParsers.HidIdle(Samples.Text("macos/ioreg-hidsystem.txt")));
    }
}
