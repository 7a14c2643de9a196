using System.Globalization;
using ItInventory.Agent.Collectors.Linux;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors.Windows;

/// <summary>One WMI/CIM instance or registry key: property name → value as text (arrays joined with ',').</summary>
public sealed class Row(IReadOnlyDictionary<string, string?> values)
{
    public string? this[string name] =>
        values.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
}

// Pure parsers over WMI (Win32_*) instances and registry uninstall keys, tested on recorded
// `Get-CimInstance … | ConvertTo-Json` and `Get-ItemProperty …\Uninstall\*` outputs.
public static class WindowsParsers
{
    public static HardwareData Hardware(
        Row computerSystem,
        Row bios,
        Row product,
        Row? enclosure,
        IReadOnlyList<Row> processors,
        IReadOnlyList<Row> disks
    )
    {
        var manufacturer = DmiParser.Clean(computerSystem["Manufacturer"]);
        var model = DmiParser.Clean(computerSystem["Model"]);
        var chassis = enclosure?["ChassisTypes"]?.Split(',')[0];
        // PCSystemType 2 = mobile (laptop) when the enclosure says nothing useful.
        var type = DmiParser.TypeOf(manufacturer, model, chassis)
            ?? (computerSystem["PCSystemType"] == "2" ? "laptop" : null);
        return new HardwareData
        {
            Manufacturer = manufacturer,
            Model = model,
            SerialNumber = DmiParser.Clean(bios["SerialNumber"]),
            SmbiosUuid = DmiParser.Clean(product["UUID"])?.ToLowerInvariant(),
            Type = type,
            Cpu =
                processors.Count == 0
                    ? null
                    : new CpuData
                    {
                        Model = processors[0]["Name"],
                        Cores = processors.Sum(p => Int(p["NumberOfCores"]) ?? 0) is var c and > 0 ? c : null,
                        Threads = processors.Sum(p => Int(p["NumberOfLogicalProcessors"]) ?? 0) is var t and > 0
                            ? t
                            : null,
                    },
            MemoryMb = long.TryParse(
                computerSystem["TotalPhysicalMemory"],
                NumberStyles.Integer,
                CultureInfo.InvariantCulture,
                out var bytes
            )
                ? bytes / (1024 * 1024)
                : null,
            Disks = disks
                .Select(d => new DiskData
                {
                    Name = d["DeviceID"],
                    Model = d["Model"],
                    SerialNumber = d["SerialNumber"],
                    SizeGb = long.TryParse(d["Size"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var size)
                        ? Math.Round(size / 1e9, 1)
                        : null,
                })
                .Take(64)
                .ToList(),
        };
    }

    public static OperatingSystemData OperatingSystem(Row os) =>
        new()
        {
            Name = os["Caption"],
            Version = os["Version"],
            Build = os["BuildNumber"],
            Architecture = os["OSArchitecture"],
        };

    /// <summary>
    /// Uninstall keys of both registry views (64- and 32-bit) as Programs and Features shows them: a display name,
    /// not a system component, not an update of something else; duplicates across views once.
    /// </summary>
    public static IReadOnlyList<SoftwareData> Software(IEnumerable<(Row Key, string Architecture)> keys) =>
        keys.Where(k => k.Key["DisplayName"] is not null)
            .Where(k => k.Key["SystemComponent"] != "1")
            .Where(k =>
                k.Key["ParentKeyName"] is null
                && k.Key["ReleaseType"] is not ("Update" or "Hotfix" or "Security Update")
            )
            .Select(k => new SoftwareData
            {
                Name = k.Key["DisplayName"],
                Version = k.Key["DisplayVersion"],
                Publisher = k.Key["Publisher"],
                Architecture = k.Architecture,
                InstalledOn = InstallDate(k.Key["InstallDate"]),
            })
            .DistinctBy(s => (s.Name, s.Version, s.Publisher, s.Architecture))
            .ToList();

    /// <summary>InstallDate is yyyyMMdd when an installer wrote it at all.</summary>
    public static string? InstallDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : null;

    public static IReadOnlyList<NetworkInterfaceData> NetworkAdapters(IReadOnlyList<Row> configurations) =>
        configurations
            .Where(c => c["IPEnabled"] is "True" or "true")
            .Select(c => new NetworkInterfaceData
            {
                Name = c["Description"],
                MacAddress = c["MACAddress"],
                IpAddresses = c["IPAddress"]
                    ?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(ip => !ip.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase))
                    .ToList(),
            })
            .Take(64)
            .ToList();

    /// <summary>
    /// Security Center's antivirus products. <c>productState</c> is undocumented by Microsoft; the decoding widely
    /// used by administrators reads its middle byte's high nibble as the engine state (1 = on) and its low byte's
    /// high nibble as the signature state (0 = up to date, 1 = out of date). An unreadable state stays unknown.
    /// </summary>
    public static IReadOnlyList<AntivirusData> Antivirus(IReadOnlyList<Row> products) =>
        products
            .Where(p => p["displayName"] is not null)
            .DistinctBy(p => p["displayName"])
            .Select(p =>
            {
                var known = long.TryParse(p["productState"], out var state) && state >= 0;
                return new AntivirusData
                {
                    Name = p["displayName"],
                    Enabled = known ? (state & 0xF000) == 0x1000 : null,
                    UpToDate = known ? (state & 0x00F0) == 0 : null,
                };
            })
            .ToList();

    /// <summary>
    /// <c>quser</c> (query user): USERNAME SESSIONNAME ID STATE IDLE TIME LOGON TIME. Idle is "." or "none" (active),
    /// minutes, h:mm or d+h:mm.
    /// </summary>
    public static IReadOnlyList<(string User, TimeSpan Idle, DateTimeOffset? LogonAt)> Quser(string text)
    {
        var result = new List<(string, TimeSpan, DateTimeOffset?)>();
        foreach (var raw in text.Split('\n').Skip(1))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
                continue;
            var fields = line.TrimStart('>', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // A disconnected session has no SESSIONNAME column.
            var stateIndex = Array.FindIndex(fields, f => f is "Active" or "Disc");
            if (stateIndex < 2 || fields.Length < stateIndex + 3)
                continue;
            var logonText = string.Join(' ', fields.Skip(stateIndex + 2));
            DateTimeOffset? logon = DateTime.TryParseExact(
                logonText,
                ["M/d/yyyy h:mm tt", "M/d/yyyy H:mm", "yyyy-MM-dd HH:mm", "dd/MM/yyyy HH:mm"],
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeLocal,
                out var at
            )
                ? new DateTimeOffset(at)
                : null;
            result.Add(
                (fields[0], fields[stateIndex] == "Disc" ? TimeSpan.MaxValue : Idle(fields[stateIndex + 1]), logon)
            );
        }
        return result;
    }

    private static TimeSpan Idle(string text)
    {
        if (text is "." or "none")
            return TimeSpan.Zero;
        var days = 0;
        var plus = text.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            days = int.Parse(text[..plus], CultureInfo.InvariantCulture);
            text = text[(plus + 1)..];
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var (hours, minutes) =
            colon > 0
                ? (
                    int.Parse(text[..colon], CultureInfo.InvariantCulture),
                    int.Parse(text[(colon + 1)..], CultureInfo.InvariantCulture)
                )
                : (0, int.TryParse(text, CultureInfo.InvariantCulture, out var m) ? m : 0);
        return new TimeSpan(days, hours, minutes, 0);
    }

    private static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
}
