extern alias agent;
using agent::ItInventory.Agent.Collectors.Linux;
using agent::ItInventory.Agent.Running;

namespace ItInventory.Agent.Tests;

public sealed class LinuxParserTests
{
    [Fact]
    public void Dmi_of_a_laptop_gives_vendor_model_serial_uuid_and_laptop_type()
    {
        var hw = DmiParser.Parse(Samples.KeyValues("linux/dmi-thinkpad.txt"));

        Assert.Equal("LENOVO", hw.Manufacturer);
        Assert.Equal("21HD003GGE", hw.Model);
        Assert.Equal("PF3ABC12", hw.SerialNumber);
        Assert.Equal("4c4c4544-0042-3510-8052-b4c04f4e3732", hw.SmbiosUuid);
        Assert.Equal("laptop", hw.Type);
    }

    [Theory]
    [InlineData("QEMU", "Standard PC (Q35 + ICH9, 2009)", "1", "virtual-machine")]
    [InlineData("Microsoft Corporation", "Virtual Machine", "3", "virtual-machine")]
    [InlineData("Dell Inc.", "OptiPlex 7010", "3", "desktop")]
    [InlineData("HPE", "ProLiant DL380 Gen10", "23", "server")]
    [InlineData("Acme", "Thing", "2", null)]
    public void Chassis_type_and_hypervisor_vendor_decide_the_asset_type(
        string vendor,
        string product,
        string chassis,
        string? expected
    ) => Assert.Equal(expected, DmiParser.TypeOf(vendor, product, chassis));

    [Fact]
    public void Firmware_placeholders_are_not_serials()
    {
        var hw = DmiParser.Parse(
            new Dictionary<string, string> { ["product_serial"] = "To Be Filled By O.E.M.\n", ["sys_vendor"] = " \n" }
        );

        Assert.Null(hw.SerialNumber);
        Assert.Null(hw.Manufacturer);
    }

    [Fact]
    public void Cpuinfo_of_this_vm_gives_model_cores_threads_and_the_hypervisor_flag()
    {
        var (cpu, hypervisor) = CpuInfoParser.Parse(Samples.Text("linux/cpuinfo.txt"));

        Assert.Equal("AMD EPYC", cpu.Model);
        Assert.Equal(2, cpu.Threads);
        Assert.Equal(2, cpu.Cores);
        Assert.True(hypervisor);
    }

    [Fact]
    public void Meminfo_gives_total_megabytes_and_used_percent_from_available_memory()
    {
        var text = Samples.Text("linux/meminfo.txt");

        Assert.Equal(24105, MemInfoParser.TotalMb(text));
        var used = MemInfoParser.UsedPercent(text);
        Assert.NotNull(used);
        Assert.InRange(used.Value, 0, 100);
        Assert.Equal(50.0, MemInfoParser.UsedPercent("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 500 kB\n"));
    }

    [Fact]
    public void Os_release_gives_name_version_kernel_build_and_architecture()
    {
        var os = OsReleaseParser.Parse(Samples.Text("linux/os-release.txt"), "6.1.0-28-amd64\n", "x86_64");

        Assert.Equal("Debian GNU/Linux", os.Name);
        Assert.Equal("12", os.Version);
        Assert.Equal("6.1.0-28-amd64", os.Build);
        Assert.Equal("x86_64", os.Architecture);
    }

    [Theory]
    [InlineData("3d1219c7c4c5404aaa1f6d2a48adfda4\n", "3d1219c7c4c5404aaa1f6d2a48adfda4")]
    [InlineData("3D1219C7C4C5404AAA1F6D2A48ADFDA4", "3d1219c7c4c5404aaa1f6d2a48adfda4")]
    [InlineData("uninitialized\n", null)]
    [InlineData("00000000000000000000000000000000", null)]
    [InlineData("", null)]
    public void Machine_id_is_32_hex_digits_or_nothing(string text, string? expected) =>
        Assert.Equal(expected, MachineIdParser.Parse(text));

    [Fact]
    public void Dpkg_status_lists_what_dpkg_query_lists_with_version_architecture_and_maintainer()
    {
        var software = DpkgStatusParser.Parse(Samples.Text("linux/dpkg-status.txt"), (p, a) => "2026-12-01");

        // 40 real stanzas + the config-files one; the not-installed one is left out, as dpkg-query -W does.
        Assert.Equal(41, software.Count);
        Assert.Contains(software, s => s.Name == "oldtool" && s.Version == "1.2-3");
        Assert.DoesNotContain(software, s => s.Name == "ghost");
        Assert.All(software, s => Assert.False(string.IsNullOrEmpty(s.Version)));
        Assert.All(software, s => Assert.Equal("2026-12-01", s.InstalledOn));
        Assert.DoesNotContain(software, s => s.Publisher is { } p && p.Contains('<'));
    }

    [Fact]
    public void Rpm_query_output_gives_packages_with_install_dates_and_skips_gpg_keys()
    {
        var software = RpmParser.Parse(
            "bash\t5.2.26-3.fc40\tx86_64\tFedora Project\t1712345678\n"
                + "gpg-pubkey\ta15b79cc-63d04c2c\t(none)\t(none)\t1712000000\n"
                + "tzdata\t2024a-5.fc40\tnoarch\tFedora Project\t1712345000\n"
        );

        Assert.Equal(["bash", "tzdata"], software.Select(s => s.Name));
        Assert.Equal("2024-04-05", software[0].InstalledOn);
        Assert.Equal("Fedora Project", software[0].Publisher);
    }

    [Fact]
    public void Ip_addr_json_gives_interfaces_with_macs_and_addresses_without_loopback()
    {
        var nics = IpAddrParser.Parse(Samples.Text("linux/ip-addr.json"));

        Assert.DoesNotContain(nics, n => n.Name == "lo");
        var eth0 = Assert.Single(nics, n => n.Name == "eth0");
        Assert.Equal("02:fc:00:00:00:01", eth0.MacAddress);
        Assert.Contains("192.0.2.2", eth0.IpAddresses!);
    }

    [Fact]
    public void Ip_neigh_json_gives_reachable_neighbours_only()
    {
        var neighbours = IpNeighParser.Parse(Samples.Text("linux/ip-neigh.json"));

        var gateway = Assert.Single(neighbours);
        Assert.Equal("02:fc:00:00:00:05", gateway.MacAddress);
        Assert.Equal("192.0.2.1", gateway.IpAddress);
    }

    [Fact]
    public void Lsblk_of_this_vm_gives_its_disk_without_zram_and_no_serial()
    {
        var (disks, systemSerial) = LsblkParser.Parse(Samples.Text("linux/lsblk-vm.json"));

        var vda = Assert.Single(disks);
        Assert.Equal("vda", vda.Name);
        Assert.Null(vda.SerialNumber);
        Assert.Null(systemSerial);
    }

    [Fact]
    public void Lsblk_of_a_laptop_finds_the_system_disk_serial_through_partitions_and_lvm()
    {
        var (disks, systemSerial) = LsblkParser.Parse(Samples.Text("linux/lsblk-laptop.json"));

        Assert.Equal(["nvme0n1", "sda"], disks.Select(d => d.Name));
        Assert.Equal("S64KNX0T123456", systemSerial);
        Assert.Equal(512.1, disks[0].SizeGb);
        Assert.Equal("Ultra Fit", disks[1].Model);
    }

    [Fact]
    public void Local_users_are_root_and_login_accounts_with_admins_from_sudo_and_wheel()
    {
        var users = LocalUsersParser.Parse(
            "root:x:0:0:root:/root:/bin/bash\n"
                + "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                + "alice:x:1000:1000:Alice:/home/alice:/bin/bash\n"
                + "bob:x:1001:1001:Bob:/home/bob:/bin/zsh\n"
                + "svc:x:1002:1002::/srv:/usr/sbin/nologin\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
            "root:x:0:\nsudo:x:27:alice\nwheel:x:10:\n"
        );

        Assert.Equal(["root", "alice", "bob"], users.Select(u => u.Name));
        Assert.Equal([true, true, false], users.Select(u => u.IsAdmin!.Value));
    }

    [Fact]
    public void Proc_stat_gives_busy_and_total_and_cpu_use_over_an_interval()
    {
        var first = ProcStatParser.Parse("cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n", "boot-1");
        var second = ProcStatParser.Parse("cpu  250 0 150 1500 100 0 0 0 0 0\n", "boot-1");

        Assert.Equal(200UL, first.Busy);
        Assert.Equal(1000UL, first.Total);
        Assert.Equal(20.0, ProcStatParser.AveragePercent(first, second));
        // Another boot: counters restarted, so the average is since boot.
        Assert.Equal(20.0, ProcStatParser.AveragePercent(first with { BootId = "boot-0" }, first));
        Assert.NotNull(
            ProcStatParser.AveragePercent(null, ProcStatParser.Parse(Samples.Text("linux/proc-stat.txt"), null))
        );
    }

    [Fact]
    public void Uptime_is_whole_seconds() => Assert.Equal(10923, UptimeParser.Parse("10923.48 21000.01\n"));

    [Fact]
    public void Utmp_records_give_logged_in_user_sessions_only()
    {
        var data = new byte[UtmpParser.RecordSize * 3];
        WriteUtmp(data.AsSpan(0, UtmpParser.RecordSize), type: 2, user: "reboot", line: "~", seconds: 1_765_000_000);
        WriteUtmp(data.AsSpan(UtmpParser.RecordSize, UtmpParser.RecordSize), 7, "alice", "pts/0", 1_765_090_000);
        WriteUtmp(data.AsSpan(2 * UtmpParser.RecordSize, UtmpParser.RecordSize), 8, "", "pts/1", 1_765_090_500);

        var session = Assert.Single(UtmpParser.Parse(data));

        Assert.Equal("alice", session.User);
        Assert.Equal("pts/0", session.Line);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_765_090_000), session.LoginAt);
    }

    [Fact]
    public void Interactive_minutes_run_from_login_or_interval_start_to_the_last_input()
    {
        var start = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        var now = start.AddHours(4);
        var session = new LoginSession("alice", "pts/0", null, start.AddHours(1));

        Assert.Equal(90, InteractiveUse.Minutes([(session, start.AddHours(2.5))], start, now));
        Assert.Equal(0, InteractiveUse.Minutes([], start, now));
        var early = session with { LoginAt = start.AddDays(-1) };
        Assert.Equal(240, InteractiveUse.Minutes([(early, now.AddMinutes(5))], start, now));
    }

    private static void WriteUtmp(Span<byte> record, short type, string user, string line, int seconds)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(record, type);
        System.Text.Encoding.UTF8.GetBytes(line).CopyTo(record[8..]);
        System.Text.Encoding.UTF8.GetBytes(user).CopyTo(record[44..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(record[340..], seconds);
    }

    [Fact]
    public void Heartbeat_state_round_trips_through_the_source_generated_context()
    {
        var state = new AgentState { Cpu = new CpuSample(1, 2, "b"), ConsecutiveFailures = 3 };
        var json = System.Text.Json.JsonSerializer.Serialize(state, AgentJsonContext.Default.AgentState);

        Assert.Equal(state, System.Text.Json.JsonSerializer.Deserialize(json, AgentJsonContext.Default.AgentState));
    }
}
