using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ItInventory.Functions.Assets;

namespace ItInventory.Functions.CheckIns;

/// <summary>
/// The content hash of a full inventory: SHA-256 over a canonical form (lists sorted, identities normalised,
/// volatile values — collection time, logon times, neighbour IPs — left out). Two inventories of an unchanged
/// machine hash the same, whatever order the agent listed things in.
/// </summary>
public static partial class InventoryHasher
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Hash(InventoryData inventory)
    {
        // The canonical form is hashed as it is written (it is never needed as a whole): a growing buffer of the
        // whole form was most of what hashing allocated.
        using var hashing = new HashingBufferWriter();
        using (var w = new Utf8JsonWriter(hashing))
        {
            w.WriteStartArray();
            w.WriteStringValue(inventory.Hostname?.Trim().ToLowerInvariant());
            var hw = inventory.Hardware;
            // Numbers are written in the invariant culture: the worker's culture must not change the hash.
            Strings(
                w,
                hw?.Manufacturer,
                hw?.Model,
                HardwareIdentity.NormaliseSerial(hw?.SerialNumber),
                HardwareIdentity.NormaliseUuid(hw?.SmbiosUuid),
                hw?.Type,
                hw?.Cpu?.Model,
                hw?.Cpu?.Cores?.ToString(Invariant),
                hw?.Cpu?.Threads?.ToString(Invariant),
                hw?.MemoryMb?.ToString(Invariant)
            );
            Sorted(w, hw?.Disks, d =>
                string.Create(Invariant, $"{d.Name}\u001f{d.Model}\u001f{d.SerialNumber}\u001f{d.SizeGb:R}")
            );
            Sorted(w, hw?.NetworkInterfaces, n =>
            {
                var ips = string.Join(',', (n.IpAddresses ?? []).Order(StringComparer.Ordinal));
                return $"{n.Name}\u001f{HardwareIdentity.NormaliseMac(n.MacAddress)}\u001f{ips}";
            });
            var os = inventory.OperatingSystem;
            Strings(w, os?.Name, os?.Version, os?.Build, os?.Architecture);
            Sorted(w, inventory.Software, s =>
                $"{s.Name}\u001f{s.Version}\u001f{s.Publisher}\u001f{s.Architecture}\u001f{s.InstalledOn}"
            );
            Sorted(w, inventory.LocalUsers, u => $"{u.Name}\u001f{u.IsAdmin}");
            Sorted(w, inventory.Neighbours, n => HardwareIdentity.NormaliseMac(n.MacAddress) ?? "");
            // Only when sent: the hashes of inventories without platform identities stay what they were.
            if (hw?.PlatformIdentities is { } platform)
            {
                var ids = HardwareIdentity.Normalise(null, null, null, null, platform);
                Strings(w, ids.MachineId, ids.MachineGuid, ids.CloudInstance, ids.DiskSerial);
            }
            // Likewise only when sent: installed memory is stored, so a change of it alone is a changed inventory.
            if (hw?.MemoryInstalledMb is { } installed)
                w.WriteNumberValue(installed);
            HashModel(w, inventory);
            w.WriteEndArray();
        }
        return hashing.HexHash();
    }

    private static void Strings(Utf8JsonWriter w, params string?[] values)
    {
        foreach (var value in values)
            w.WriteStringValue(value);
    }

    private static void Sorted<T>(Utf8JsonWriter w, IReadOnlyList<T>? items, Func<T, string> canonical)
    {
        // "Not reported" (null) and "reported empty" ([]) are different inventories: only the second uninstalls.
        if (items is null)
        {
            w.WriteNullValue();
            return;
        }
        // Sorted and de-duplicated by hand: the LINQ chain (Select, Distinct, Order) allocated a hash set and two
        // buffers per list, a third of what hashing an inventory of 800 packages allocated.
        var canonicals = new string[items.Count];
        for (var i = 0; i < canonicals.Length; i++)
            canonicals[i] = canonical(items[i]);
        Array.Sort(canonicals, StringComparer.Ordinal);
        w.WriteStartArray();
        for (var i = 0; i < canonicals.Length; i++)
        {
            if (i == 0 || !string.Equals(canonicals[i], canonicals[i - 1], StringComparison.Ordinal))
                w.WriteStringValue(canonicals[i]);
        }
        w.WriteEndArray();
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> that hashes what is written into one pooled buffer.</summary>
    private sealed class HashingBufferWriter : IBufferWriter<byte>, IDisposable
    {
        private readonly IncrementalHash sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

        public void Advance(int count) => sha.AppendData(buffer, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(sizeHint);
            }
            return buffer;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public string HexHash()
        {
            Span<byte> hash = stackalloc byte[32];
            sha.GetHashAndReset(hash);
            return Convert.ToHexStringLower(hash);
        }

        public void Dispose()
        {
            sha.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
