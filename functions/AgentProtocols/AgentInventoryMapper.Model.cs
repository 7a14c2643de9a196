using System.Globalization;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.AgentProtocols;

// Schema 1.2 sections from the agents' documents (glpi-project/inventory_format; FusionInventory/OCS XML use the same
// names in upper case): BIOS, operating-system dates, users, batteries, monitors, antivirus, firewalls, remote
// management, licence keys and virtual machines.
public static partial class AgentInventoryMapper
{
    private static InventoryData WithModel(InventoryData inventory, AgentNode content)
    {
        var hardware = content.One("HARDWARE");
        var os = content.One("OPERATINGSYSTEM");
        var offset = TimeZoneOffset(os?.One("TIMEZONE")?.Value("OFFSET"));
        return inventory with
        {
            Hardware = inventory.Hardware! with
            {
                Bios = Firmware(content.One("BIOS")),
                Batteries = Batteries(content.All("BATTERIES")),
                Peripherals = Peripherals(content),
            },
            OperatingSystem = inventory.OperatingSystem is { } system
                ? system with
                {
                    InstalledAt = LocalDateTime(os?.Value("INSTALL_DATE"), offset),
                    LastBootAt = LocalDateTime(os?.Value("BOOT_TIME"), offset),
                }
                : null,
            LoggedOnUsers = LoggedOn(content.All("USERS")),
            LastLoggedOnUser = Text(hardware?.Value("LASTLOGGEDUSER")),
            Antivirus = Listed(content.All("ANTIVIRUS"), CheckinLimits.MaxAntivirus, a => Text(a.Value("NAME"))
                    is { } name
                    ? new AntivirusData
                    {
                        Name = name,
                        Vendor = Text(a.Value("COMPANY")),
                        Version = Text(a.Value("VERSION")),
                        Enabled = Flag(a.Value("ENABLED")),
                        UpToDate = Flag(a.Value("UPTODATE")),
                    }
                    : null),
            Firewalls = Listed(content.All("FIREWALLS"), CheckinLimits.MaxFirewalls, f => new FirewallData
            {
                Name = Text(f.Value("PROFILE", "DESCRIPTION")),
                Enabled = Flag(f.Value("STATUS")),
            }),
            RemoteAccess = Listed(content.All("REMOTE_MGMT"), CheckinLimits.MaxRemoteAccess, r =>
                Text(r.Value("TYPE")) is { } tool
                    ? new RemoteAccessData { Tool = tool, Id = Text(r.Value("ID")) }
                    : null
            ),
            Licences = Licences(content, hardware, inventory.OperatingSystem?.Name),
            VirtualMachines = Listed(content.All("VIRTUALMACHINES"), CheckinLimits.MaxVirtualMachines, v => Text(
                    v.Value("NAME")
                )
                    is { } name
                    ? new VirtualMachineData
                    {
                        Name = name,
                        Uuid = Text(v.Value("UUID")),
                        Hypervisor = Text(v.Value("SUBSYSTEM", "VMTYPE")),
                        State = Text(v.Value("STATUS")),
                        Cpus = Number(v.Value("VCPU")) is >= 1 and <= 4096 and var cpus ? (int)cpus : null,
                        MemoryMb = Number(v.Value("MEMORY")) is >= 1 and <= 1L << 32 and var memory ? memory : null,
                        // Several MACs are joined with '/'.
                        MacAddress = v.Value("MAC")?.Split('/').Select(Mac).FirstOrDefault(m => m is not null),
                    }
                    : null),
        };
    }

    /// <summary>A list of mapped items (null when the section is absent; unusable entries skipped).</summary>
    private static List<T>? Listed<T>(IReadOnlyList<AgentNode> nodes, int max, Func<AgentNode, T?> map)
        where T : class => nodes.Count == 0 ? null : nodes.Select(map).OfType<T>().Take(max).ToList();

    private static FirmwareData? Firmware(AgentNode? bios)
    {
        if (bios is null)
            return null;
        var firmware = new FirmwareData
        {
            Vendor = Text(bios.Value("BMANUFACTURER")),
            Version = Text(bios.Value("BVERSION")),
            ReleaseDate = FirmwareDate(bios.Value("BDATE")),
        };
        return firmware is { Vendor: null, Version: null, ReleaseDate: null } ? null : firmware;
    }

    /// <summary>A firmware date: <c>yyyy-MM-dd</c> (GLPI JSON), <c>MM/dd/yyyy</c> (SMBIOS, as dmidecode prints it:
    /// the FusionInventory and OCS XML) or WMI's <c>yyyyMMddHHmmss.ffffff+zzz</c>.</summary>
    internal static string? FirmwareDate(string? value)
    {
        if (value is null)
            return null;
        var text = value.Trim();
        if (text.Length >= 14 && text[..8].All(char.IsAsciiDigit) && text.Contains('.'))
            text = text[..8];
        string[] formats = ["yyyy-MM-dd", "MM/dd/yyyy", "M/d/yyyy", "MM/dd/yy", "yyyyMMdd", "yyyy/MM/dd"];
        return DateOnly.TryParseExact(text, formats, Invariant, DateTimeStyles.None, out var date) && date.Year >= 1980
            ? date.ToString("yyyy-MM-dd", Invariant)
            : null;
    }

    /// <summary>The agents' <c>yyyy-MM-dd HH:mm:ss</c> in local time, with the timezone offset the document gives
    /// (<c>operatingsystem.timezone.offset</c>, e.g. <c>+0200</c>), else read as UTC.</summary>
    internal static DateTimeOffset? LocalDateTime(string? value, TimeSpan offset)
    {
        if (value is null)
            return null;
        if (
            !System.DateTime.TryParseExact(
                value.Trim(),
                ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"],
                Invariant,
                DateTimeStyles.None,
                out var local
            )
            || local.Year < 1980
        )
            return null;
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static TimeSpan TimeZoneOffset(string? value)
    {
        if (value is not { Length: 5 } || value[0] is not ('+' or '-') || !int.TryParse(value[1..], out var hhmm))
            return TimeSpan.Zero;
        var offset = new TimeSpan(hhmm / 100, hhmm % 100, 0);
        return offset > TimeSpan.FromHours(14) ? TimeSpan.Zero
            : value[0] == '-' ? -offset
            : offset;
    }

    private static bool? Flag(string? value) =>
        value?.Trim().ToLowerInvariant() switch
        {
            "1" or "true" or "on" or "yes" or "enabled" => true,
            "0" or "false" or "off" or "no" or "disabled" => false,
            _ => null,
        };

    private static List<string>? LoggedOn(IReadOnlyList<AgentNode> users)
    {
        if (users.Count == 0)
            return null;
        return users
            .Select(u =>
                Text(u.Value("LOGIN")) is { } login
                    ? Text(u.Value("DOMAIN")) is { } domain
                        ? Text($"{domain}\\{login}")
                        : login
                    : null
            )
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(CheckinLimits.MaxLoggedOnUsers)
            .ToList();
    }

    private static List<BatteryData>? Batteries(IReadOnlyList<AgentNode> batteries) =>
        Listed(batteries, CheckinLimits.MaxBatteries, b => new BatteryData
        {
            Name = Text(b.Value("NAME")),
            Manufacturer = Text(b.Value("MANUFACTURER")),
            SerialNumber = Text(b.Value("SERIAL")),
            Chemistry = Text(b.Value("CHEMISTRY")),
            DesignCapacityMwh = Capacity(b.Value("CAPACITY")) is >= 1 and var design ? design : null,
            FullChargeCapacityMwh = Capacity(b.Value("REAL_CAPACITY")),
        });

    /// <summary>mWh from <c>48000</c> or <c>48000 mWh</c> (older agents keep the unit).</summary>
    private static long? Capacity(string? value)
    {
        var digits = new string((value ?? "").Trim().TakeWhile(char.IsAsciiDigit).ToArray());
        return long.TryParse(digits, NumberStyles.None, Invariant, out var mwh) && mwh <= 10_000_000 ? mwh : null;
    }

    /// <summary>Monitors, and local printers that report a serial (the rest of a Windows printer list is print
    /// queues: "Microsoft Print to PDF", fax, shares).</summary>
    private static List<PeripheralData>? Peripherals(AgentNode content)
    {
        var monitors = content.All("MONITORS");
        var printers = content.All("PRINTERS");
        if (monitors.Count == 0 && printers.Count == 0)
            return null;
        var list = new List<PeripheralData>();
        foreach (var m in monitors)
        {
            var serial = Text(m.Value("SERIAL", "ALTSERIAL"));
            var model = Text(m.Value("CAPTION", "NAME"));
            if (model is null && serial is null)
                continue;
            list.Add(
                new PeripheralData
                {
                    Kind = "monitor",
                    Name = Text(m.Value("NAME", "CAPTION")),
                    Manufacturer = Text(m.Value("MANUFACTURER")),
                    Model = model,
                    SerialNumber = serial,
                }
            );
        }
        foreach (var p in printers)
        {
            if (Text(p.Value("SERIAL")) is not { } serial || p.Value("NETWORK") is "1" or "true")
                continue;
            list.Add(
                new PeripheralData
                {
                    Kind = "printer",
                    Name = Text(p.Value("NAME")),
                    Model = Text(p.Value("DRIVER", "DESCRIPTION")),
                    SerialNumber = serial,
                }
            );
        }
        return list.Take(CheckinLimits.MaxPeripherals).ToList();
    }

    /// <summary>Licence keys (<c>licenseinfos</c>) and the Windows product key the hardware section carries
    /// (<c>winprodkey</c>). They leave this mapper in clear and are masked before anything is written
    /// (<see cref="LicenceKeyProtector"/>).</summary>
    private static List<LicenceKeyData>? Licences(AgentNode content, AgentNode? hardware, string? osName)
    {
        var infos = content.All("LICENSEINFOS");
        var windowsKey = Text(hardware?.Value("WINPRODKEY"));
        if (infos.Count == 0 && windowsKey is null)
            return null;
        var list = infos
            .Select(l =>
                Text(l.Value("KEY")) is { } key
                    ? new LicenceKeyData { Product = Text(l.Value("FULLNAME", "NAME")), Key = key }
                    : null
            )
            .OfType<LicenceKeyData>()
            .ToList();
        if (
            windowsKey is not null
            && !list.Any(l => LicenceKeyProtector.Normalise(l.Key) == LicenceKeyProtector.Normalise(windowsKey))
        )
            list.Add(new LicenceKeyData { Product = osName ?? "Windows", Key = windowsKey });
        return list.Take(CheckinLimits.MaxLicences).ToList();
    }
}
