using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.CheckIns;

// Schema 1.2 sections onto the detail row. Like every section: absent means "not reported", the stored value stays.
// Lists are stored as JSON in the view's own records (bounded like DisksJson). Last boot and logged-on users change
// all the time: they are merged with every processed inventory but are not changes (no history, no audit), and the
// hash leaves them out (InventoryHasher), so they alone never make an inventory "changed".
public static partial class InventoryDiff
{
    private static void DiffModel(
        AssetDetailEntity detail,
        InventoryData inventory,
        Action<string, string?, string?, object?> set,
        TableEntity merge,
        IReadOnlyDictionary<string, string>? linkedIds
    )
    {
        var hw = inventory.Hardware;
        if (hw?.Bios is { } bios)
        {
            set(nameof(AssetDetailEntity.BiosVendor), detail.BiosVendor, bios.Vendor?.Trim(), null);
            set(nameof(AssetDetailEntity.BiosVersion), detail.BiosVersion, bios.Version?.Trim(), null);
            set(nameof(AssetDetailEntity.BiosDate), detail.BiosDate, bios.ReleaseDate, null);
        }
        var os = inventory.OperatingSystem;
        if (os?.InstalledAt is { } installed)
        {
            set(
                nameof(AssetDetailEntity.OsInstalledAt),
                Stamp(detail.OsInstalledAt),
                Stamp(installed),
                installed.ToUniversalTime()
            );
        }
        if (os?.LastBootAt is { } boot)
            merge[nameof(AssetDetailEntity.LastBootAt)] = boot.ToUniversalTime();
        if (inventory.LoggedOnUsers is { } users)
        {
            merge[nameof(AssetDetailEntity.LoggedOnUsersJson)] = BoundedJson(
                users.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
                ApiJsonContext.Default.IReadOnlyListString
            );
        }
        if (inventory.LastLoggedOnUser is { } last)
            merge[nameof(AssetDetailEntity.LastLoggedOnUser)] = last.Trim();

        Json(
            set,
            nameof(AssetDetailEntity.BatteriesJson),
            detail.BatteriesJson,
            Batteries(hw?.Batteries),
            ApiJsonContext.Default.IReadOnlyListAssetBattery
        );
        Json(
            set,
            nameof(AssetDetailEntity.AntivirusJson),
            detail.AntivirusJson,
            inventory
                .Antivirus?.Select(a => new AssetAntivirus
                {
                    Name = a.Name!.Trim(),
                    Vendor = a.Vendor,
                    Version = a.Version,
                    Enabled = a.Enabled,
                    UpToDate = a.UpToDate,
                })
                .OrderBy(a => a.Name, StringComparer.Ordinal)
                .ToList(),
            ApiJsonContext.Default.IReadOnlyListAssetAntivirus
        );
        Json(
            set,
            nameof(AssetDetailEntity.FirewallsJson),
            detail.FirewallsJson,
            inventory
                .Firewalls?.Select(f => new AssetFirewall { Name = f.Name, Enabled = f.Enabled })
                .OrderBy(f => f.Name, StringComparer.Ordinal)
                .ToList(),
            ApiJsonContext.Default.IReadOnlyListAssetFirewall
        );
        Json(
            set,
            nameof(AssetDetailEntity.RemoteAccessJson),
            detail.RemoteAccessJson,
            RemoteAccessCatalogue.Of(inventory, AssetViewJson.RemoteAccess(detail.RemoteAccessJson)),
            ApiJsonContext.Default.IReadOnlyListAssetRemoteAccess
        );
        // Never the key itself: only what LicenceKeyProtector left (masked form and keyed hash).
        Json(
            set,
            nameof(AssetDetailEntity.LicenceKeysJson),
            detail.LicenceKeysJson,
            inventory
                .Licences?.Select(l => new AssetLicenceKey
                {
                    Product = l.Product,
                    MaskedKey = l.MaskedKey,
                    KeyHash = l.KeyHash,
                })
                .Where(l => l.MaskedKey is not null || l.KeyHash is not null)
                .OrderBy(l => l.Product, StringComparer.Ordinal)
                .ThenBy(l => l.MaskedKey, StringComparer.Ordinal)
                .ToList(),
            ApiJsonContext.Default.IReadOnlyListAssetLicenceKey
        );
        Json(
            set,
            nameof(AssetDetailEntity.PeripheralsJson),
            detail.PeripheralsJson,
            Peripherals(hw?.Peripherals, linkedIds),
            ApiJsonContext.Default.IReadOnlyListAssetPeripheral
        );
        Json(
            set,
            nameof(AssetDetailEntity.VirtualMachinesJson),
            detail.VirtualMachinesJson,
            VirtualMachines(inventory.VirtualMachines, linkedIds, hw?.SmbiosUuid, detail.SmbiosUuid),
            ApiJsonContext.Default.IReadOnlyListAssetVirtualMachine
        );
    }

    /// <summary>The host's list, each item with the asset it resolved to (<paramref name="linkedIds"/>: identity key
    /// → asset id, from <see cref="LinkPlan"/>).</summary>
    internal static List<AssetPeripheral>? Peripherals(
        IReadOnlyList<PeripheralData>? peripherals,
        IReadOnlyDictionary<string, string>? linkedIds = null
    ) =>
        peripherals
            ?.Select(p => new AssetPeripheral
            {
                Kind = p.Kind ?? "other",
                Name = p.Name,
                Manufacturer = p.Manufacturer,
                Model = p.Model,
                SerialNumber = p.SerialNumber,
                AssetId = LinkedId(linkedIds, LinkPlan.KeyOf(p.Kind ?? "other", p.Manufacturer, p.SerialNumber)),
            })
            .OrderBy(p => p.Kind, StringComparer.Ordinal)
            .ThenBy(p => p.SerialNumber, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();

    internal static List<AssetVirtualMachine>? VirtualMachines(
        IReadOnlyList<VirtualMachineData>? vms,
        IReadOnlyDictionary<string, string>? linkedIds = null,
        params string?[] hostUuids
    ) =>
        vms
            ?.Select(v => new AssetVirtualMachine
            {
                Name = v.Name!.Trim(),
                Uuid = v.Uuid,
                Hypervisor = v.Hypervisor,
                State = v.State,
                Cpus = v.Cpus,
                MemoryMb = v.MemoryMb,
                MacAddress = v.MacAddress,
                AssetId = LinkedId(linkedIds, LinkPlan.VmKeyOf(v.Uuid, hostUuids)),
            })
            .OrderBy(v => v.Name, StringComparer.Ordinal)
            .ThenBy(v => v.Uuid, StringComparer.Ordinal)
            .ToList();

    private static string? LinkedId(IReadOnlyDictionary<string, string>? linkedIds, string? key) =>
        key is not null && linkedIds is not null && linkedIds.TryGetValue(key, out var id) ? id : null;

    /// <summary>Batteries with their health (full-charge over design capacity, whole percent, at most 100).
    /// </summary>
    internal static List<AssetBattery>? Batteries(IReadOnlyList<BatteryData>? batteries) =>
        batteries
            ?.Select(b => new AssetBattery
            {
                Name = b.Name,
                Manufacturer = b.Manufacturer,
                SerialNumber = b.SerialNumber,
                Chemistry = b.Chemistry,
                DesignCapacityMwh = b.DesignCapacityMwh,
                FullChargeCapacityMwh = b.FullChargeCapacityMwh,
                HealthPercent = Health(b.DesignCapacityMwh, b.FullChargeCapacityMwh),
            })
            .OrderBy(b => b.SerialNumber, StringComparer.Ordinal)
            .ThenBy(b => b.Name, StringComparer.Ordinal)
            .ToList();

    internal static int? Health(long? design, long? fullCharge) =>
        design is > 0 && fullCharge is >= 0
            ? (int)Math.Min(100, Math.Round(100.0 * fullCharge.Value / design.Value, MidpointRounding.AwayFromZero))
            : null;

    private static void Json<T>(
        Action<string, string?, string?, object?> set,
        string field,
        string? stored,
        List<T>? items,
        JsonTypeInfo<IReadOnlyList<T>> typeInfo
    )
    {
        // An empty list where nothing was ever stored is no change (e.g. no remote-access tool in a software list).
        if (items is not null && !(items.Count == 0 && string.IsNullOrEmpty(stored)))
            set(field, stored, BoundedJson(items, typeInfo), null);
    }

    private static string? Stamp(DateTimeOffset? value) =>
        value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

/// <summary>Reads the detail row's JSON columns back (a column that cannot be read shows as empty: it is
/// rewritten by the next inventory that reports the section).</summary>
public static class AssetViewJson
{
    public static IReadOnlyList<AssetRemoteAccess> RemoteAccess(string? json) =>
        Read(json, ApiJsonContext.Default.IReadOnlyListAssetRemoteAccess);

    public static IReadOnlyList<T> Read<T>(string? json, JsonTypeInfo<IReadOnlyList<T>> typeInfo)
    {
        if (string.IsNullOrEmpty(json))
            return [];
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
