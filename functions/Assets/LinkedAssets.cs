using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>A monitor or peripheral with a usable serial, or a virtual machine with a usable UUID, as a host
/// reported it: what its agentless asset is made of. <see cref="Key"/> is its identity index key.</summary>
public sealed record LinkedItem(
    string Key,
    AssetType Type,
    string Label,
    string? Name,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    string? Uuid
);

/// <summary>
/// Which linked assets a processed inventory creates, links or unlinks, computed without I/O from the inventory and
/// the host's stored lists (<see cref="AssetDetailEntity.PeripheralsJson"/>, <see
/// cref="AssetDetailEntity.VirtualMachinesJson"/>, whose items carry the asset id they resolved to). Identities:
/// a peripheral is its kind + manufacturer + serial (<see cref="TableKeys.PeripheralIdentity"/>, a namespace of its
/// own: a monitor never merges into a computer with the same serial); a virtual machine is its SMBIOS UUID
/// (<c>uuid|…</c>, the computers' namespace on purpose: the VM's own agent, if it enrolls later, finds the asset).
/// Serials and UUIDs go through <see cref="HardwareIdentity"/>'s junk filters; an item without a usable one stays a
/// component of the host. A section the inventory does not carry (absent, or its collector failed) was not
/// reported: nothing of it is added or removed.
/// </summary>
public sealed record LinkPlan(
    IReadOnlyDictionary<string, string> Carried,
    IReadOnlyList<LinkedItem> Added,
    IReadOnlyList<(string Key, string AssetId)> Removed
)
{
    /// <summary>Only a changed set of linkable items costs storage requests.</summary>
    public bool HasWork => Added.Count > 0 || Removed.Count > 0;

    public static LinkPlan Compute(AssetDetailEntity host, InventoryData inventory)
    {
        var carried = new Dictionary<string, string>(StringComparer.Ordinal);
        var added = new List<LinkedItem>();
        var removed = new List<(string, string)>();
        string?[] own = [host.SmbiosUuid, inventory.Hardware?.SmbiosUuid];

        void Section<T>(
            IEnumerable<(string? Key, string? AssetId)> stored,
            IReadOnlyList<T>? reported,
            Func<T, LinkedItem?> of
        )
        {
            var before = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, assetId) in stored)
            {
                if (key is not null && !string.IsNullOrEmpty(assetId))
                    before.TryAdd(key, assetId);
            }
            if (reported is null)
            {
                foreach (var (key, assetId) in before)
                    carried[key] = assetId;
                return;
            }
            var now = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in reported.Select(of).OfType<LinkedItem>())
            {
                if (!now.Add(item.Key))
                    continue;
                if (before.TryGetValue(item.Key, out var assetId))
                    carried[item.Key] = assetId;
                else
                    added.Add(item);
            }
            removed.AddRange(before.Where(b => !now.Contains(b.Key)).Select(b => (b.Key, b.Value)));
        }

        Section(
            AssetViewJson
                .Read(host.PeripheralsJson, ApiJsonContext.Default.IReadOnlyListAssetPeripheral)
                .Select(p => (KeyOf(p.Kind, p.Manufacturer, p.SerialNumber), p.AssetId)),
            inventory.Hardware?.Peripherals,
            Of
        );
        Section(
            AssetViewJson
                .Read(host.VirtualMachinesJson, ApiJsonContext.Default.IReadOnlyListAssetVirtualMachine)
                .Select(v => (VmKeyOf(v.Uuid, own), v.AssetId)),
            inventory.VirtualMachines,
            v => Of(v, own)
        );
        return new LinkPlan(carried, added, removed);
    }

    /// <summary>The identity key of a peripheral, or null when its serial is missing or junk.</summary>
    public static string? KeyOf(string? kind, string? manufacturer, string? serial) =>
        HardwareIdentity.NormaliseSerial(serial) is { } s
            ? TableKeys.PeripheralIdentity(kind ?? "other", manufacturer, s)
            : null;

    /// <summary>The identity key of a virtual machine, or null when its UUID is missing, junk or the host's own.
    /// </summary>
    public static string? VmKeyOf(string? uuid, IEnumerable<string?> hostUuids) =>
        HardwareIdentity.NormaliseUuid(uuid) is { } u && !hostUuids.Any(h => HardwareIdentity.NormaliseUuid(h) == u)
            ? new IdentityKey(IdentityKind.Uuid, u).Key
            : null;

    private static LinkedItem? Of(PeripheralData p)
    {
        if (KeyOf(p.Kind, p.Manufacturer, p.SerialNumber) is not { } key)
            return null;
        var kind = p.Kind ?? "other";
        return new LinkedItem(
            key,
            AssetType.Peripheral,
            $"{kind} {HardwareIdentity.NormaliseSerial(p.SerialNumber)}",
            Trim(p.Name) ?? Trim(p.Model) ?? kind,
            Trim(p.Manufacturer),
            Trim(p.Model),
            Trim(p.SerialNumber),
            null
        );
    }

    private static LinkedItem? Of(VirtualMachineData v, string?[] hostUuids)
    {
        if (VmKeyOf(v.Uuid, hostUuids) is not { } key)
            return null;
        var uuid = HardwareIdentity.NormaliseUuid(v.Uuid);
        return new LinkedItem(
            key,
            AssetType.VirtualMachine,
            $"virtual machine {uuid}",
            Trim(v.Name) ?? uuid,
            null,
            Trim(v.Hypervisor),
            null,
            uuid
        );
    }

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
