using System.Globalization;
using System.Text.Json;

namespace ItInventory.Functions.CheckIns;

// Schema 1.2 sections in the hash, written only when one is present (the hashes of other inventories stay what they
// were). Left out as volatile: last boot, logged-on users and a VM's run state; a battery counts by its health in
// whole percent, not by the mWh that drift between two inventories.
public static partial class InventoryHasher
{
    private static void HashModel(Utf8JsonWriter w, InventoryData inventory)
    {
        var hw = inventory.Hardware;
        var os = inventory.OperatingSystem;
        if (
            hw?.Bios is null
            && hw?.Batteries is null
            && hw?.Peripherals is null
            && os?.InstalledAt is null
            && inventory.Antivirus is null
            && inventory.Firewalls is null
            && inventory.RemoteAccess is null
            && inventory.Licences is null
            && inventory.VirtualMachines is null
        )
            return;
        w.WriteStartArray();
        Strings(
            w,
            hw?.Bios?.Vendor,
            hw?.Bios?.Version,
            hw?.Bios?.ReleaseDate,
            os?.InstalledAt?.UtcDateTime.ToString("O", Invariant)
        );
        Sorted(w, hw?.Batteries, b =>
            string.Create(
                Invariant,
                $"{b.Name}\u001f{b.SerialNumber}\u001f{b.DesignCapacityMwh}\u001f"
                    + $"{InventoryDiff.Health(b.DesignCapacityMwh, b.FullChargeCapacityMwh)}"
            )
        );
        Sorted(w, hw?.Peripherals, p =>
            $"{p.Kind}\u001f{p.Name}\u001f{p.Manufacturer}\u001f{p.Model}\u001f{p.SerialNumber}"
        );
        Sorted(w, inventory.Antivirus, a =>
            $"{a.Name}\u001f{a.Vendor}\u001f{a.Version}\u001f{a.Enabled}\u001f{a.UpToDate}"
        );
        Sorted(w, inventory.Firewalls, f => $"{f.Name}\u001f{f.Enabled}");
        Sorted(w, inventory.RemoteAccess, r => $"{r.Tool}\u001f{r.Id}");
        // Protected by then (LicenceKeyProtector): the keyed hash, never the key.
        Sorted(w, inventory.Licences, l => $"{l.Product}\u001f{l.MaskedKey}\u001f{l.KeyHash}");
        Sorted(w, inventory.VirtualMachines, v =>
            string.Create(
                Invariant,
                $"{v.Name}\u001f{v.Uuid}\u001f{v.Hypervisor}\u001f{v.Cpus}\u001f{v.MemoryMb}\u001f{v.MacAddress}"
            )
        );
        w.WriteEndArray();
    }
}
