using System.Globalization;
using System.Text.Json;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors.Linux;

// Pure parsers: text in, model out. Each is unit-tested on outputs recorded from real machines
// (tests/ItInventory.Agent.Tests/Samples/linux).

/// <summary>/sys/class/dmi/id: one value per file (sys_vendor, product_name, product_serial, product_uuid,
/// chassis_type).</summary>
public static class DmiParser
{
    public static HardwareData Parse(IReadOnlyDictionary<string, string> files)
    {
        string? Get(string name) => files.TryGetValue(name, out var v) && Clean(v) is { } c ? c : null;
        var vendor = Get("sys_vendor") ?? Get("board_vendor");
        var product = Get("product_name") ?? Get("board_name");
        return new HardwareData
        {
            Manufacturer = vendor,
            Model = product,
            SerialNumber = Get("product_serial") ?? Get("chassis_serial") ?? Get("board_serial"),
            SmbiosUuid = Get("product_uuid")?.ToLowerInvariant(),
            Type = TypeOf(vendor, product, Get("chassis_type")),
        };
    }

    /// <summary>SMBIOS chassis types (DMTF DSP0134, 7.4.1) and the hypervisors' vendor strings.</summary>
    public static string? TypeOf(string? vendor, string? product, string? chassisType)
    {
        var text = $"{vendor} {product}";
        string[] virtualVendors = ["QEMU", "KVM", "VMware", "VirtualBox", "innotek", "Xen", "Bochs", "Parallels"];
        if (
            virtualVendors.Any(v => text.Contains(v, StringComparison.OrdinalIgnoreCase))
            || (
                text.Contains("Microsoft", StringComparison.Ordinal)
                && text.Contains("Virtual", StringComparison.Ordinal)
            )
        )
            return "virtual-machine";
        if (!int.TryParse(chassisType, NumberStyles.Integer, CultureInfo.InvariantCulture, out var chassis))
            return null;
        return chassis switch
        {
            8 or 9 or 10 or 14 or 30 or 31 or 32 => "laptop",
            3 or 4 or 5 or 6 or 7 or 13 or 15 or 16 or 35 or 36 => "desktop",
            17 or 23 or 25 or 28 or 29 => "server",
            11 => "mobile",
            _ => null,
        };
    }

    /// <summary>Firmware placeholders are not values; the server filters them too, but sending none is
    /// cleaner.</summary>
    public static string? Clean(string? value)
    {
        var v = value?.Trim();
        if (string.IsNullOrEmpty(v))
            return null;
        string[] junk = ["To Be Filled By O.E.M.", "Default string", "System Serial Number", "Not Specified", "None"];
        return junk.Any(j => string.Equals(j, v, StringComparison.OrdinalIgnoreCase)) ? null : v;
    }
}

/// <summary>/proc/cpuinfo: the model, physical cores (distinct physical id + core id) and hardware threads.</summary>
public static class CpuInfoParser
{
    public static (CpuData Cpu, bool Hypervisor) Parse(string text)
    {
        string? model = null;
        var threads = 0;
        var cores = new HashSet<string>(StringComparer.Ordinal);
        var hypervisor = false;
        string physical = "",
            core = "";
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                continue;
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    threads++;
                    break;
                case "model name" or "Model" or "cpu model":
                    model ??= value;
                    break;
                case "physical id":
                    physical = value;
                    break;
                case "core id":
                    core = value;
                    cores.Add(physical + "/" + core);
                    break;
                case "flags":
                    hypervisor |= value.Split(' ').Contains("hypervisor");
                    break;
            }
        }
        return (
            new CpuData
            {
                Model = model,
                Cores =
                    cores.Count > 0 ? cores.Count
                    : threads > 0 ? threads
                    : null,
                Threads = threads > 0 ? threads : null,
            },
            hypervisor
        );
    }
}

/// <summary>/proc/meminfo values in kB.</summary>
public static class MemInfoParser
{
    public static IReadOnlyDictionary<string, long> Parse(string text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
                continue;
            var number = line[(colon + 1)..].Trim().Split(' ')[0];
            if (long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
                values[line[..colon]] = kb;
        }
        return values;
    }

    public static long? TotalMb(string text) => Parse(text).TryGetValue("MemTotal", out var kb) ? kb / 1024 : null;

    /// <summary>Used memory as the kernel sees it: total minus available (page cache that can be dropped is not
    /// "used").</summary>
    public static double? UsedPercent(string text)
    {
        var v = Parse(text);
        if (!v.TryGetValue("MemTotal", out var total) || total <= 0)
            return null;
        var available = v.TryGetValue("MemAvailable", out var a) ? a : v.GetValueOrDefault("MemFree");
        return Math.Round(100.0 * (total - available) / total, 1);
    }
}

/// <summary>/etc/os-release (freedesktop.org os-release(5)): KEY=value lines, values optionally quoted.</summary>
public static class OsReleaseParser
{
    public static OperatingSystemData Parse(string text, string? kernelRelease, string? architecture)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
                continue;
            var value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && (value[0] is '"' or '\'') && value[^1] == value[0])
                value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal);
            values[line[..eq]] = value;
        }
        return new OperatingSystemData
        {
            Name = values.GetValueOrDefault("NAME") ?? "Linux",
            Version = values.GetValueOrDefault("VERSION_ID") ?? values.GetValueOrDefault("VERSION"),
            Build = string.IsNullOrWhiteSpace(kernelRelease) ? null : kernelRelease.Trim(),
            Architecture = architecture,
        };
    }
}

/// <summary>/etc/machine-id: 32 lower-case hex digits (machine-id(5)); anything else is not an identity.</summary>
public static class MachineIdParser
{
    public static string? Parse(string text)
    {
        var id = text.Trim().ToLowerInvariant();
        return id.Length == 32 && id.All(char.IsAsciiHexDigitLower) && id.Distinct().Count() > 1 ? id : null;
    }
}

/// <summary>
/// dpkg's status database (/var/lib/dpkg/status, deb822 stanzas). Every package dpkg knows except those
/// <c>not-installed</c> counts — the same set <c>dpkg-query -W</c> lists.
/// </summary>
public static class DpkgStatusParser
{
    public static IReadOnlyList<SoftwareData> Parse(string text, Func<string, string?, string?>? installedOn = null)
    {
        using var reader = new StringReader(text);
        return Parse(reader, installedOn);
    }

    /// <summary>Line by line: the status file is ≈ 1 MB, and only five fields of each stanza are kept.</summary>
    public static IReadOnlyList<SoftwareData> Parse(
        TextReader reader,
        Func<string, string?, string?>? installedOn = null
    )
    {
        var result = new List<SoftwareData>();
        string? package = null,
            version = null,
            arch = null,
            maintainer = null,
            status = null;
        void Flush()
        {
            if (
                package is not null
                && status is not null
                && !status.EndsWith(" not-installed", StringComparison.Ordinal)
            )
            {
                result.Add(
                    new SoftwareData
                    {
                        Name = package,
                        Version = version,
                        Architecture = arch,
                        Publisher = Publisher(maintainer),
                        InstalledOn = installedOn?.Invoke(package, arch),
                    }
                );
            }
            package = version = arch = maintainer = status = null;
        }
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line == "\r")
            {
                Flush();
                continue;
            }
            if (line[0] is ' ' or '\t')
                continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                continue;
            var key = line.AsSpan(0, colon);
            if (key is not ("Package" or "Version" or "Architecture" or "Maintainer" or "Status"))
                continue;
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Package":
                    package = value;
                    break;
                case "Version":
                    version = value;
                    break;
                case "Architecture":
                    arch = value;
                    break;
                case "Maintainer":
                    maintainer = value;
                    break;
                case "Status":
                    status = value;
                    break;
            }
        }
        Flush();
        return result;
    }

    /// <summary>"Debian GNOME Maintainers &lt;pkg-gnome@…&gt;" → "Debian GNOME Maintainers".</summary>
    public static string? Publisher(string? maintainer)
    {
        if (string.IsNullOrWhiteSpace(maintainer))
            return null;
        var lt = maintainer.IndexOf('<', StringComparison.Ordinal);
        var name = (lt > 0 ? maintainer[..lt] : maintainer).Trim();
        return name.Length > 256 ? name[..256] : name;
    }
}

/// <summary><c>rpm -qa --qf '%{NAME}\t%{VERSION}-%{RELEASE}\t%{ARCH}\t%{VENDOR}\t%{INSTALLTIME}\n'</c>.</summary>
public static class RpmParser
{
    public const string QueryFormat = "%{NAME}\\t%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{VENDOR}\\t%{INSTALLTIME}\\n";

    public static IReadOnlyList<SoftwareData> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.TrimEnd('\r').Split('\t'))
            .Where(f => f.Length >= 5 && f[0].Length > 0 && f[0] != "gpg-pubkey")
            .Select(f => new SoftwareData
            {
                Name = f[0],
                Version = f[1],
                Architecture = f[2] == "(none)" ? null : f[2],
                Publisher = f[3] == "(none)" ? null : f[3],
                InstalledOn = long.TryParse(f[4], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t)
                    ? DateTimeOffset.FromUnixTimeSeconds(t).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : null,
            })
            .ToList();
}

/// <summary><c>ip -j addr</c> (iproute2's JSON): interfaces with their MAC and addresses, loopback left out.</summary>
public static class IpAddrParser
{
    public static IReadOnlyList<NetworkInterfaceData> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = new List<NetworkInterfaceData>();
        foreach (var link in doc.RootElement.EnumerateArray())
        {
            if (Str(link, "link_type") == "loopback" || Str(link, "ifname") is not { } name)
                continue;
            var ips = new List<string>();
            if (link.TryGetProperty("addr_info", out var addresses))
            {
                foreach (var address in addresses.EnumerateArray())
                {
                    if (Str(address, "local") is { } ip && !ip.Contains('%', StringComparison.Ordinal))
                        ips.Add(ip);
                }
            }
            var mac = Str(link, "address");
            result.Add(
                new NetworkInterfaceData
                {
                    Name = name,
                    MacAddress = mac is { Length: 17 } && mac != "00:00:00:00:00:00" ? mac : null,
                    IpAddresses = ips.Count == 0 ? null : ips.Take(64).ToList(),
                }
            );
        }
        return result.Take(64).ToList();
    }

    internal static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary><c>ip -j neigh</c>: the LAN neighbours (unregistered-device sightings on the server).</summary>
public static class IpNeighParser
{
    public static IReadOnlyList<NeighbourData> Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc
            .RootElement.EnumerateArray()
            .Where(n => IpAddrParser.Str(n, "lladdr") is { Length: 17 })
            .Where(n =>
                !(n.TryGetProperty("state", out var s) && s.EnumerateArray().Any(x => x.GetString() == "FAILED"))
            )
            .Select(n => new NeighbourData
            {
                MacAddress = IpAddrParser.Str(n, "lladdr"),
                IpAddress =
                    IpAddrParser.Str(n, "dst") is { } ip && !ip.Contains('%', StringComparison.Ordinal) ? ip : null,
            })
            .DistinctBy(n => (n.MacAddress, n.IpAddress))
            .Take(1024)
            .ToList();
    }
}

/// <summary>
/// <c>lsblk -J -b -o NAME,MODEL,SERIAL,SIZE,TYPE,MOUNTPOINT</c>: physical disks (no loop, ram or zram devices) and
/// the serial of the disk that holds <c>/</c>.
/// </summary>
public static class LsblkParser
{
    public const string Arguments = "-J -b -o NAME,MODEL,SERIAL,SIZE,TYPE,MOUNTPOINT";

    public static (IReadOnlyList<DiskData> Disks, string? SystemDiskSerial) Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var disks = new List<DiskData>();
        string? systemSerial = null;
        foreach (var device in doc.RootElement.GetProperty("blockdevices").EnumerateArray())
        {
            var name = IpAddrParser.Str(device, "name");
            if (
                IpAddrParser.Str(device, "type") != "disk"
                || name is null
                || name.StartsWith("zram", StringComparison.Ordinal)
            )
                continue;
            var serial = IpAddrParser.Str(device, "serial")?.Trim();
            disks.Add(
                new DiskData
                {
                    Name = name,
                    Model = IpAddrParser.Str(device, "model")?.Trim() is { Length: > 0 } m ? m : null,
                    SerialNumber = string.IsNullOrEmpty(serial) ? null : serial,
                    SizeGb = Size(device) is { } bytes ? Math.Round(bytes / 1e9, 1) : null,
                }
            );
            if (HoldsRoot(device) && !string.IsNullOrEmpty(serial))
                systemSerial = serial;
        }
        return (disks.Take(64).ToList(), systemSerial);
    }

    private static long? Size(JsonElement device) =>
        device.TryGetProperty("size", out var s)
            ? s.ValueKind == JsonValueKind.Number
                ? s.GetInt64()
                : long.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : null
            : null;

    private static bool HoldsRoot(JsonElement device) =>
        IpAddrParser.Str(device, "mountpoint") == "/"
        || (
            device.TryGetProperty("children", out var children)
            && children.ValueKind == JsonValueKind.Array
            && children.EnumerateArray().Any(HoldsRoot)
        );
}

/// <summary>/sys/class/power_supply/*/type: a "Battery" makes a physical machine a laptop.</summary>
public static class PowerSupplyParser
{
    public static bool HasBattery(IEnumerable<string> typeFiles) =>
        typeFiles.Any(t => string.Equals(t.Trim(), "Battery", StringComparison.Ordinal));
}

/// <summary>
/// Local accounts from /etc/passwd (root and uid ≥ 1000 with a login shell) and admins from /etc/group (members of
/// sudo, wheel or admin, plus root).
/// </summary>
public static class LocalUsersParser
{
    private static readonly string[] AdminGroups = ["sudo", "wheel", "admin"];

    public static IReadOnlyList<LocalUserData> Parse(string passwd, string group)
    {
        var admins = new HashSet<string>(StringComparer.Ordinal) { "root" };
        foreach (var line in group.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length >= 4 && AdminGroups.Contains(f[0]))
                admins.UnionWith(f[3].Trim().Split(',', StringSplitOptions.RemoveEmptyEntries));
        }
        var users = new List<LocalUserData>();
        foreach (var line in passwd.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length < 7 || !int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var uid))
                continue;
            var shell = f[6].Trim();
            var canLogIn =
                !shell.EndsWith("nologin", StringComparison.Ordinal)
                && !shell.EndsWith("/false", StringComparison.Ordinal);
            if ((uid == 0 || (uid >= 1000 && uid < 60000)) && canLogIn)
                users.Add(new LocalUserData { Name = f[0], IsAdmin = admins.Contains(f[0]) });
        }
        return users.Take(1024).ToList();
    }
}
