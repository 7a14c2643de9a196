using System.Globalization;
using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>
/// Maps an agent's inventory content (GLPI JSON <c>content</c> or OCS/FusionInventory XML <c>CONTENT</c>, loaded
/// as an <see cref="AgentNode"/>) onto the check-in model. Pure code. Agents report junk freely (placeholder serials,
/// over-long strings, control characters, IPv6 zone ids): what breaks the contract is dropped or trimmed here, so the
/// mapped document always passes <see cref="CheckinValidator"/>; identity junk is filtered later by the same rules as
/// the native check-in's (<see cref="HardwareIdentity"/>).
/// </summary>
public static partial class AgentInventoryMapper
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static InventoryData Map(AgentNode content)
    {
        var hardware = content.One("HARDWARE");
        var bios = content.One("BIOS");
        var os = content.One("OPERATINGSYSTEM");
        var mapped = new InventoryData
        {
            Hostname = Text(hardware?.Value("NAME") ?? os?.Value("FQDN")),
            Hardware = new HardwareData
            {
                Manufacturer = Text(bios?.Value("SMANUFACTURER", "MMANUFACTURER")),
                Model = Text(bios?.Value("SMODEL", "MMODEL")),
                SerialNumber = Text(bios?.Value("SSN", "MSN")),
                SmbiosUuid = Text(hardware?.Value("UUID")),
                Type = TypeOf(hardware, bios),
                Cpu = Cpu(content.All("CPUS")),
                MemoryMb = Number(hardware?.Value("MEMORY")) is > 0 and <= 1L << 32 and var memory ? memory : null,
                Disks = Disks(content.All("STORAGES")),
                NetworkInterfaces = Interfaces(content.All("NETWORKS")),
                PlatformIdentities = Platform(content),
            },
            OperatingSystem =
                os is null && hardware?.Value("OSNAME") is null
                    ? null
                    : new OperatingSystemData
                    {
                        Name = Text(os?.Value("FULL_NAME", "NAME") ?? hardware?.Value("OSNAME")),
                        Version = Text(os?.Value("VERSION") ?? hardware?.Value("OSVERSION")),
                        Build = Text(os?.Value("KERNEL_VERSION")),
                        Architecture = Text(os?.Value("ARCH")),
                    },
            Software = Software(content.All("SOFTWARES")),
            LocalUsers = Users(content.All("LOCAL_USERS")),
        };
        return WithModel(mapped, content);
    }

    /// <summary>The agent's name and version: <c>versionclient</c> (e.g. <c>GLPI-Agent_v1.11</c>) or
    /// <c>VERSIONPROVIDER</c>.</summary>
    public static AgentInfo Agent(AgentNode content, string fallbackName)
    {
        var provider = content.One("VERSIONPROVIDER");
        if (provider?.Value("NAME") is { } name)
            return new AgentInfo { Name = Text(name), Version = Text(provider.Value("VERSION")) };
        if (content.Value("VERSIONCLIENT") is { } client)
        {
            var split = client.LastIndexOf("_v", StringComparison.OrdinalIgnoreCase);
            return split > 0
                ? new AgentInfo { Name = Text(client[..split]), Version = Text(client[(split + 2)..]) }
                : new AgentInfo { Name = Text(client) };
        }
        return new AgentInfo { Name = fallbackName };
    }

    private static string? TypeOf(AgentNode? hardware, AgentNode? bios)
    {
        var vm = hardware?.Value("VMSYSTEM");
        if (vm is not null && !vm.Equals("Physical", StringComparison.OrdinalIgnoreCase))
            return AssetTypes.ToWireName(AssetType.VirtualMachine);
        var chassis = (hardware?.Value("CHASSIS_TYPE") ?? bios?.Value("CHASSIS_TYPE") ?? "").ToLowerInvariant();
        return chassis switch
        {
            "notebook" or "laptop" or "portable" or "sub notebook" or "convertible" or "detachable" or "hand held" =>
                AssetTypes.ToWireName(AssetType.Laptop),
            "desktop"
            or "tower"
            or "mini tower"
            or "all in one"
            or "low profile desktop"
            or "mini pc"
            or "space-saving"
            or "lunch box" => AssetTypes.ToWireName(AssetType.Desktop),
            "server" or "rack mount chassis" or "blade" or "multi-system chassis" or "main server chassis" =>
                AssetTypes.ToWireName(AssetType.Server),
            _ => null,
        };
    }

    private static CpuData? Cpu(IReadOnlyList<AgentNode> cpus)
    {
        if (cpus.Count == 0)
            return null;
        long cores = 0,
            threads = 0;
        foreach (var cpu in cpus)
        {
            var c = Number(cpu.Value("CORE", "CORECOUNT")) ?? 0;
            cores += c;
            // inventory_format: "thread" is threads per core.
            threads += c * (Number(cpu.Value("THREAD")) ?? 1);
        }
        return new CpuData
        {
            Model = Text(cpus[0].Value("NAME")),
            Cores = cores is > 0 and <= 4096 ? (int)cores : null,
            Threads = threads is > 0 and <= 8192 ? (int)threads : null,
        };
    }

    private static List<DiskData>? Disks(IReadOnlyList<AgentNode> storages)
    {
        if (storages.Count == 0)
            return null;
        return storages
            .Where(s => s.Value("TYPE") is null or "disk" or "Disk drive" or "Fixed hard disk media")
            .Take(CheckinLimits.MaxDisks)
            .Select(s => new DiskData
            {
                Name = Text(s.Value("NAME")),
                Model = Text(s.Value("MODEL")),
                SerialNumber = Text(s.Value("SERIAL", "SERIALNUMBER")),
                // inventory_format: disksize in MB (10^6 bytes, as the agents compute it).
                SizeGb = Number(s.Value("DISKSIZE")) is >= 0 and <= 10_000_000_000 and var mb
                    ? Math.Round(mb / 1000.0, 1)
                    : null,
            })
            .ToList();
    }

    private static List<NetworkInterfaceData>? Interfaces(IReadOnlyList<AgentNode> networks)
    {
        if (networks.Count == 0)
            return null;
        // The agents list one entry per address: group them by interface.
        var byName = new Dictionary<string, (string? Mac, List<string> Ips)>(StringComparer.Ordinal);
        foreach (var network in networks)
        {
            if (network.Value("TYPE") is { } type && type.Equals("loopback", StringComparison.OrdinalIgnoreCase))
                continue;
            var mac = Mac(network.Value("MAC", "MACADDR"));
            var name = Text(network.Value("DESCRIPTION")) ?? mac ?? "";
            if (!byName.TryGetValue(name, out var entry))
                byName[name] = entry = (mac, []);
            else if (entry.Mac is null && mac is not null)
                byName[name] = entry = (mac, entry.Ips);
            foreach (var ip in new[] { network.Value("IPADDRESS"), network.Value("IPADDRESS6") })
            {
                var address = ip?.Split('%')[0];
                if (
                    address is not null
                    && ContractFormats.IsIpAddress(address)
                    && !entry.Ips.Contains(address)
                    && entry.Ips.Count < CheckinLimits.MaxIpAddresses
                )
                    entry.Ips.Add(address);
            }
        }
        return byName
            .Where(e => e.Value.Mac is not null || e.Value.Ips.Count > 0)
            .Take(CheckinLimits.MaxNetworkInterfaces)
            .Select(e => new NetworkInterfaceData
            {
                Name = e.Key.Length == 0 ? null : e.Key,
                MacAddress = e.Value.Mac,
                IpAddresses = e.Value.Ips.Count == 0 ? null : e.Value.Ips,
            })
            .ToList();
    }

    /// <summary>What the agents give of the platform identities: the serial of the only disk (a VM without DMI
    /// still has one); the identity rules drop placeholder values.</summary>
    private static PlatformIdentityData? Platform(AgentNode content)
    {
        var disks = content.All("STORAGES").Where(s => s.Value("TYPE") is null or "disk").ToList();
        var serial = disks.Count == 1 ? Text(disks[0].Value("SERIAL", "SERIALNUMBER")) : null;
        return HardwareIdentity.NormaliseSerial(serial) is null
            ? null
            : new PlatformIdentityData { SystemDiskSerial = serial };
    }

    private static List<SoftwareData>? Software(IReadOnlyList<AgentNode> softwares)
    {
        if (softwares.Count == 0)
            return null;
        var list = new List<SoftwareData>(Math.Min(softwares.Count, CheckinLimits.MaxSoftware));
        foreach (var s in softwares)
        {
            if (Text(s.Value("NAME")) is not { } name)
                continue;
            list.Add(
                new SoftwareData
                {
                    Name = name,
                    Version = Text(s.Value("VERSION")),
                    Publisher = Text(s.Value("PUBLISHER")),
                    Architecture = Text(s.Value("ARCH", "ARCHITECTURE")),
                    InstalledOn = Date(s.Value("INSTALL_DATE", "INSTALLDATE")),
                }
            );
            if (list.Count == CheckinLimits.MaxSoftware)
                break;
        }
        return list;
    }

    private static List<LocalUserData>? Users(IReadOnlyList<AgentNode> users)
    {
        if (users.Count == 0)
            return null;
        return users
            .Select(u => (Name: Text(u.Value("LOGIN", "NAME")), Id: u.Value("ID")))
            .Where(u => u.Name is not null)
            .Take(CheckinLimits.MaxLocalUsers)
            .Select(u => new LocalUserData { Name = u.Name, IsAdmin = u.Id == "0" ? true : null })
            .ToList();
    }

    /// <summary>A MAC in the contract's form, or null (junk, all zeros).</summary>
    internal static string? Mac(string? value)
    {
        var normalised = HardwareIdentity.NormaliseMac(value);
        if (normalised is null || normalised == "000000000000")
            return null;
        return string.Join(':', Enumerable.Range(0, 6).Select(i => normalised.Substring(i * 2, 2))).ToLowerInvariant();
    }

    /// <summary>yyyy-MM-dd from the dates the agents write (2025-04-20, 2025/04/20 00:00:00, 20/04/2025), or null.
    /// </summary>
    internal static string? Date(string? value)
    {
        if (value is null)
            return null;
        var text = value.Trim();
        var space = text.IndexOfAny([' ', 'T']);
        if (space > 0)
            text = text[..space];
        string[] formats = ["yyyy-MM-dd", "yyyy/MM/dd", "dd/MM/yyyy", "yyyyMMdd", "yyyy-M-d", "yyyy/M/d"];
        return DateOnly.TryParseExact(text, formats, Invariant, DateTimeStyles.None, out var date) && date.Year >= 1980
            ? date.ToString("yyyy-MM-dd", Invariant)
            : null;
    }

    internal static long? Number(string? value) =>
        long.TryParse(value, NumberStyles.Integer, Invariant, out var n) ? n
        : double.TryParse(value, NumberStyles.Float, Invariant, out var d) && d is >= long.MinValue and <= long.MaxValue
            ? (long)d
        : null;

    /// <summary>Short text as the contract accepts it: control characters removed, at most 256 characters; empty
    /// becomes null.</summary>
    internal static string? Text(string? value)
    {
        if (value is null)
            return null;
        var text = value;
        if (ContractFormats.HasControlCharacter(text))
        {
            var clean = new StringBuilder(text.Length);
            foreach (var c in text)
                clean.Append(char.IsControl(c) ? ' ' : c);
            text = clean.ToString();
        }
        text = text.Trim();
        if (text.Length > CheckinLimits.MaxShortString)
        {
            var cut = CheckinLimits.MaxShortString;
            if (char.IsHighSurrogate(text[cut - 1]))
                cut--;
            text = text[..cut];
        }
        return text.Length == 0 ? null : text;
    }
}
