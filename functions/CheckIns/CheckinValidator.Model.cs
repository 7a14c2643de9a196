using System.Collections.Frozen;
using System.Globalization;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.CheckIns;

// Schema 1.2: firmware, batteries, peripherals, logged-on users, security posture, remote access, licence keys and
// virtual machines. Real agents report these loosely, so nothing here is an error but a list over its limit or a null
// item: an entry without the one value that names it is dropped with a warning, like a neighbour without a MAC.
public static partial class CheckinValidator
{
    /// <summary>Peripheral kinds; anything else is read as <c>other</c> (with a warning).</summary>
    public static readonly FrozenSet<string> PeripheralKinds = FrozenSet.ToFrozenSet(
        ["monitor", "printer", "dock", "keyboard", "mouse", "webcam", "headset", "other"],
        StringComparer.Ordinal
    );

    private static InventoryData Model(InventoryData inventory, ContractIssues issues)
    {
        // A section the agent failed to collect is not reported (diagnostics are checked by then).
        bool Failed(string section) => inventory.Diagnostics?.Any(d => d.Section == section) == true;
        const string at = "inventory";
        var hardware = inventory.Hardware;
        if (hardware is not null)
        {
            hardware = hardware with
            {
                Bios = Failed("hardware.bios") ? null : Firmware(at + ".hardware.bios", hardware.Bios, issues),
                Batteries = Failed("hardware.batteries")
                    ? null
                    : Listed(
                        at + ".hardware.batteries",
                        hardware.Batteries,
                        CheckinLimits.MaxBatteries,
                        issues,
                        Battery
                    ),
                Peripherals = Failed("hardware.peripherals")
                    ? null
                    : Listed(
                        at + ".hardware.peripherals",
                        hardware.Peripherals,
                        CheckinLimits.MaxPeripherals,
                        issues,
                        Peripheral
                    ),
            };
        }
        return inventory with
        {
            Hardware = hardware,
            LoggedOnUsers = Failed("loggedOnUsers")
                ? null
                : Listed(at + ".loggedOnUsers", inventory.LoggedOnUsers, CheckinLimits.MaxLoggedOnUsers, issues, Name),
            LastLoggedOnUser = issues.Text(at + ".lastLoggedOnUser", inventory.LastLoggedOnUser, placeholders: true),
            Antivirus = Failed("antivirus")
                ? null
                : Listed(at + ".antivirus", inventory.Antivirus, CheckinLimits.MaxAntivirus, issues, Antivirus),
            Firewalls = Failed("firewalls")
                ? null
                : Listed(at + ".firewalls", inventory.Firewalls, CheckinLimits.MaxFirewalls, issues, Firewall),
            RemoteAccess = Failed("remoteAccess")
                ? null
                : Listed(at + ".remoteAccess", inventory.RemoteAccess, CheckinLimits.MaxRemoteAccess, issues, Remote),
            Licences = Failed("licences")
                ? null
                : Listed(at + ".licences", inventory.Licences, CheckinLimits.MaxLicences, issues, Licence),
            VirtualMachines = Failed("virtualMachines")
                ? null
                : Listed(
                    at + ".virtualMachines",
                    inventory.VirtualMachines,
                    CheckinLimits.MaxVirtualMachines,
                    issues,
                    VirtualMachine
                ),
        };
    }

    /// <summary>Checks each item of a list; a null item is an error, an item the check answers null for is
    /// dropped (the check warned).</summary>
    private static IReadOnlyList<T>? Listed<T>(
        string field,
        IReadOnlyList<T>? items,
        int max,
        ContractIssues issues,
        Func<string, T, ContractIssues, T?> check
    )
        where T : class
    {
        if (!issues.Count(field, items, max))
            return items;
        var kept = new List<T>(items!.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var path = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            if (items[i] is not { } item)
            {
                issues.Error(path, "Must not be null.");
                continue;
            }
            if (check(path, item, issues) is { } checkedItem)
                kept.Add(checkedItem);
        }
        return kept;
    }

    private static FirmwareData? Firmware(string path, FirmwareData? bios, ContractIssues issues)
    {
        if (bios is null)
            return null;
        var date = bios.ReleaseDate;
        if (date is not null && !IsDate(date))
        {
            issues.Warn(path + ".releaseDate", "Not a date (yyyy-MM-dd): dropped.");
            date = null;
        }
        return bios with
        {
            Vendor = issues.Text(path + ".vendor", bios.Vendor, placeholders: true),
            Version = issues.Text(path + ".version", bios.Version, placeholders: true),
            ReleaseDate = date,
        };
    }

    private static BatteryData Battery(string path, BatteryData battery, ContractIssues issues) =>
        battery with
        {
            Name = issues.Text(path + ".name", battery.Name, placeholders: true),
            Manufacturer = issues.Text(path + ".manufacturer", battery.Manufacturer, placeholders: true),
            SerialNumber = issues.Text(path + ".serialNumber", battery.SerialNumber, placeholders: true),
            Chemistry = issues.Text(path + ".chemistry", battery.Chemistry, placeholders: true),
            DesignCapacityMwh = issues.Range(path + ".designCapacityMwh", battery.DesignCapacityMwh, 1L, 10_000_000L),
            FullChargeCapacityMwh = issues.Range(
                path + ".fullChargeCapacityMwh",
                battery.FullChargeCapacityMwh,
                0L,
                10_000_000L
            ),
        };

    private static PeripheralData Peripheral(string path, PeripheralData peripheral, ContractIssues issues)
    {
        var kind = peripheral.Kind;
        if (kind is null || !PeripheralKinds.Contains(kind))
        {
            if (kind is not null)
            {
                issues.Warn(
                    path + ".kind",
                    $"Not one of: {string.Join(", ", PeripheralKinds.Order(StringComparer.Ordinal))}: read as other."
                );
            }
            kind = "other";
        }
        return peripheral with
        {
            Kind = kind,
            Name = issues.Text(path + ".name", peripheral.Name, placeholders: true),
            Manufacturer = issues.Text(path + ".manufacturer", peripheral.Manufacturer, placeholders: true),
            Model = issues.Text(path + ".model", peripheral.Model, placeholders: true),
            SerialNumber = issues.Text(path + ".serialNumber", peripheral.SerialNumber, placeholders: true),
        };
    }

    /// <summary>A user name: blank is dropped (warning).</summary>
    private static string? Name(string path, string name, ContractIssues issues)
    {
        var cleaned = issues.Text(path, name, placeholders: true);
        if (string.IsNullOrWhiteSpace(cleaned))
        {
            issues.Warn(path, "Blank: dropped.");
            return null;
        }
        return cleaned;
    }

    /// <summary>The cleaned text an entry cannot do without, or null with a warning that <paramref name="entry"/>
    /// is dropped.</summary>
    private static string? Required(string path, string? value, string entry, ContractIssues issues)
    {
        var text = issues.Text(path, value, placeholders: true);
        if (!string.IsNullOrWhiteSpace(text))
            return text;
        issues.Warn(path, $"Required: {entry} is dropped.");
        return null;
    }

    private static AntivirusData? Antivirus(string path, AntivirusData antivirus, ContractIssues issues)
    {
        if (Required(path + ".name", antivirus.Name, "the antivirus", issues) is not { } name)
            return null;
        return antivirus with
        {
            Name = name,
            Vendor = issues.Text(path + ".vendor", antivirus.Vendor, placeholders: true),
            Version = issues.Text(path + ".version", antivirus.Version, placeholders: true),
        };
    }

    private static FirewallData Firewall(string path, FirewallData firewall, ContractIssues issues) =>
        firewall with
        {
            Name = issues.Text(path + ".name", firewall.Name, placeholders: true),
        };

    private static RemoteAccessData? Remote(string path, RemoteAccessData remote, ContractIssues issues)
    {
        if (Required(path + ".tool", remote.Tool, "the entry", issues) is not { } tool)
            return null;
        return remote with { Tool = tool, Id = issues.Text(path + ".id", remote.Id, placeholders: true) };
    }

    private static LicenceKeyData? Licence(string path, LicenceKeyData licence, ContractIssues issues)
    {
        var product = issues.Text(path + ".product", licence.Product, placeholders: true);
        var key = issues.Text(path + ".key", licence.Key, placeholders: true);
        var masked = issues.Text(path + ".maskedKey", licence.MaskedKey, placeholders: true);
        var hash = licence.KeyHash;
        if (hash is not null && !Sha256Hex.IsValid(hash))
        {
            issues.Warn(path + ".keyHash", "Must be 64 lower-case hex digits: dropped.");
            hash = null;
        }
        if (string.IsNullOrWhiteSpace(key) && string.IsNullOrWhiteSpace(masked))
        {
            issues.Warn(path + ".key", "Required: the licence is dropped.");
            return null;
        }
        return licence with { Product = product, Key = key, MaskedKey = masked, KeyHash = hash };
    }

    private static VirtualMachineData? VirtualMachine(string path, VirtualMachineData vm, ContractIssues issues)
    {
        if (Required(path + ".name", vm.Name, "the virtual machine", issues) is not { } name)
            return null;
        return vm with
        {
            Name = name,
            Uuid = issues.Text(path + ".uuid", vm.Uuid, placeholders: true),
            Hypervisor = issues.Text(path + ".hypervisor", vm.Hypervisor, placeholders: true),
            State = issues.Text(path + ".state", vm.State, placeholders: true),
            Cpus = issues.Range(path + ".cpus", vm.Cpus, 1, 4096),
            MemoryMb = issues.Range(path + ".memoryMb", vm.MemoryMb, 1L, 1L << 32),
            MacAddress = issues.Mac(path + ".macAddress", vm.MacAddress),
        };
    }
}
