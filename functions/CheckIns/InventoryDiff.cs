using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.CheckIns;

/// <summary>A normalised LAN neighbour.</summary>
public readonly record struct Neighbour(string MacAddress, string? IpAddress);

/// <summary>What a full inventory changes on an asset, as writes to make (computed without I/O).</summary>
public sealed record InventoryDiffResult(
    AssetChanges Changes,
    TableEntity DetailMerge,
    IReadOnlyList<TableTransactionAction> SoftwareActions,
    int InstalledSoftwareCount,
    /// <summary>Hardware identities reported now that the asset's stored identity did not have.</summary>
    IReadOnlyList<IdentityKey> NewIdentityKeys,
    IReadOnlyList<Neighbour> Neighbours,
    bool NeighboursChanged
);

/// <summary>
/// Diffs a full inventory against an asset's stored detail row and software rows. Only what changed becomes a
/// write: new software is inserted, changed software merged, vanished software marked uninstalled with a date,
/// unchanged rows are not touched.
/// </summary>
public static partial class InventoryDiff
{
    /// <summary>Azure Table string properties hold at most 32K UTF-16 characters; JSON columns stay below
    /// this.</summary>
    public const int MaxJsonColumnChars = 30_000;

    public static InventoryDiffResult Compute(
        AssetDetailEntity detail,
        IReadOnlyCollection<SoftwareEntity> storedSoftware,
        InventoryData inventory,
        CheckinMessage message,
        IReadOnlyDictionary<string, string>? linkedIds = null
    )
    {
        var assetId = detail.PartitionKey;
        var at = message.ReceivedAt;
        var fields = new List<FieldChange>();
        var merge = new TableEntity(assetId, TableKeys.AssetDetailRow);

        void Set(string field, string? stored, string? incoming, object? value = null)
        {
            if (incoming is null || incoming == stored)
                return;
            fields.Add(new FieldChange(field, Clip(stored), Clip(incoming)));
            merge[field] = value ?? incoming;
        }

        var hw = inventory.Hardware;
        var identity = HardwareIdentity.Normalise(
            hw?.SerialNumber,
            hw?.SmbiosUuid,
            hw?.NetworkInterfaces?.Select(n => n.MacAddress),
            inventory.Hostname,
            hw?.PlatformIdentities
        );
        Set(nameof(AssetDetailEntity.Hostname), detail.Hostname, identity.Hostname);
        Set(nameof(AssetDetailEntity.SerialNumber), detail.SerialNumber, identity.SerialNumber);
        Set(nameof(AssetDetailEntity.SmbiosUuid), detail.SmbiosUuid, identity.SmbiosUuid);
        Set(
            nameof(AssetDetailEntity.MacAddresses),
            detail.MacAddresses,
            hw?.NetworkInterfaces is null ? null : string.Join(',', identity.MacAddresses)
        );
        Set(nameof(AssetDetailEntity.MachineId), detail.MachineId, identity.MachineId);
        Set(nameof(AssetDetailEntity.MachineGuid), detail.MachineGuid, identity.MachineGuid);
        Set(nameof(AssetDetailEntity.CloudInstance), detail.CloudInstance, identity.CloudInstance);
        Set(nameof(AssetDetailEntity.DiskSerial), detail.DiskSerial, identity.DiskSerial);
        Set(nameof(AssetDetailEntity.Manufacturer), detail.Manufacturer, hw?.Manufacturer?.Trim());
        Set(nameof(AssetDetailEntity.Model), detail.Model, hw?.Model?.Trim());
        if (hw?.Type is { } typeName && AssetTypes.TryParse(typeName, out var type))
        {
            Set(nameof(AssetDetailEntity.Type), detail.Type, type.ToString());
            Set(nameof(AssetDetailEntity.Kind), detail.Kind, AssetTypes.KindOf(type).ToString());
        }
        Set(nameof(AssetDetailEntity.CpuModel), detail.CpuModel, hw?.Cpu?.Model?.Trim());
        Set(nameof(AssetDetailEntity.CpuCores), Text(detail.CpuCores), Text(hw?.Cpu?.Cores), hw?.Cpu?.Cores);
        Set(nameof(AssetDetailEntity.CpuThreads), Text(detail.CpuThreads), Text(hw?.Cpu?.Threads), hw?.Cpu?.Threads);
        Set(nameof(AssetDetailEntity.MemoryMb), Text(detail.MemoryMb), Text(hw?.MemoryMb), hw?.MemoryMb);
        Set(
            nameof(AssetDetailEntity.MemoryInstalledMb),
            Text(detail.MemoryInstalledMb),
            Text(hw?.MemoryInstalledMb),
            hw?.MemoryInstalledMb
        );
        Set(
            nameof(AssetDetailEntity.DisksJson),
            detail.DisksJson,
            BoundedJson(hw?.Disks, ApiJsonContext.Default.IReadOnlyListDiskData)
        );
        Set(
            nameof(AssetDetailEntity.NetworkInterfacesJson),
            detail.NetworkInterfacesJson,
            BoundedJson(hw?.NetworkInterfaces, ApiJsonContext.Default.IReadOnlyListNetworkInterfaceData)
        );
        var os = inventory.OperatingSystem;
        Set(nameof(AssetDetailEntity.OsName), detail.OsName, os?.Name?.Trim());
        Set(nameof(AssetDetailEntity.OsVersion), detail.OsVersion, os?.Version?.Trim());
        Set(nameof(AssetDetailEntity.OsBuild), detail.OsBuild, os?.Build?.Trim());
        Set(nameof(AssetDetailEntity.OsArchitecture), detail.OsArchitecture, os?.Architecture?.Trim());
        var users = inventory
            .LocalUsers?.OrderBy(u => u.Name, StringComparer.Ordinal)
            .Select(u => u with { LastLogonAt = null })
            .ToList();
        Set(
            nameof(AssetDetailEntity.LocalUsersJson),
            detail.LocalUsersJson,
            BoundedJson(users, ApiJsonContext.Default.IReadOnlyListLocalUserData)
        );

        // A section that is absent (or that the agent failed to collect, see CheckinValidator) is "not reported":
        // its stored values stay. A missing software list never uninstalls anything.
        var software = inventory.Software is null
            ? SoftwareDiff.Unchanged(storedSoftware)
            : DiffSoftware(assetId, storedSoftware, inventory.Software, message);

        var neighbours = (inventory.Neighbours ?? [])
            .Select(n => (Mac: HardwareIdentity.NormaliseMac(n.MacAddress), n.IpAddress))
            .Where(n =>
                n.Mac is not null && HardwareIdentity.IsStableMac(n.Mac) && !identity.MacAddresses.Contains(n.Mac)
            )
            .GroupBy(n => n.Mac!, StringComparer.Ordinal)
            .Select(g => new Neighbour(g.Key, g.First().IpAddress))
            .OrderBy(n => n.MacAddress, StringComparer.Ordinal)
            .ToList();
        var neighbourMacs = string.Join(',', neighbours.Select(n => n.MacAddress));
        var neighboursChanged = inventory.Neighbours is not null && neighbourMacs != (detail.NeighbourMacs ?? "");
        if (neighboursChanged)
            merge[nameof(AssetDetailEntity.NeighbourMacs)] = neighbourMacs;

        // Schema 1.2 sections (InventoryDiff.Model.cs).
        DiffModel(detail, inventory, Set, merge, linkedIds);

        merge[nameof(AssetDetailEntity.InventoryHash)] = message.InventoryHash;
        merge[nameof(AssetDetailEntity.LastInventoryAt)] = at;
        merge[nameof(AssetDetailEntity.LastInventoryCheckinId)] = message.CheckinId;
        merge[nameof(AssetDetailEntity.SoftwareCount)] = software.InstalledCount;

        var changes = new AssetChanges
        {
            Fields = fields,
            SoftwareAddedCount = software.Added.Count,
            SoftwareRemovedCount = software.Removed.Count,
            SoftwareUpdatedCount = software.Updated.Count,
            SoftwareAdded = software.Added.Take(AssetChanges.MaxListedNames).ToList(),
            SoftwareRemoved = software.Removed.Take(AssetChanges.MaxListedNames).ToList(),
            SoftwareUpdated = software.Updated.Take(AssetChanges.MaxListedNames).ToList(),
        };
        var storedIdentity = HardwareIdentity.Of(detail);
        var newIdentityKeys = identity.Keys.Except(storedIdentity.Keys).ToList();
        return new InventoryDiffResult(
            changes,
            merge,
            software.Actions,
            software.InstalledCount,
            newIdentityKeys,
            neighbours,
            neighboursChanged
        );
    }

    private sealed record SoftwareDiff(
        List<TableTransactionAction> Actions,
        List<string> Added,
        List<string> Removed,
        List<string> Updated,
        int InstalledCount
    )
    {
        /// <summary>Software not reported: nothing written, the installed count as stored.</summary>
        public static SoftwareDiff Unchanged(IReadOnlyCollection<SoftwareEntity> stored) =>
            new([], [], [], [], stored.Count(s => s.State == nameof(SoftwareState.Installed)));
    }

    private static SoftwareDiff DiffSoftware(
        string assetId,
        IReadOnlyCollection<SoftwareEntity> stored,
        IReadOnlyList<SoftwareData> incoming,
        CheckinMessage message
    )
    {
        var at = message.ReceivedAt;
        var byRow = stored.ToDictionary(s => s.RowKey, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var diff = new SoftwareDiff([], [], [], [], 0);

        foreach (var (rowKey, item) in Keyed(incoming))
        {
            if (!seen.Add(rowKey))
                continue;
            var name = item.Name!.Trim();
            byRow.TryGetValue(rowKey, out var current);
            if (current is null || current.State != nameof(SoftwareState.Installed))
            {
                diff.Actions.Add(
                    new(
                        TableTransactionActionType.UpsertReplace,
                        new SoftwareEntity
                        {
                            PartitionKey = assetId,
                            RowKey = rowKey,
                            Name = name,
                            Version = item.Version,
                            Publisher = item.Publisher,
                            Architecture = item.Architecture,
                            InstalledOn = item.InstalledOn,
                            FirstSeenAt = current?.FirstSeenAt ?? at,
                            LastChangeCheckinId = message.CheckinId,
                        }
                    )
                );
                diff.Added.Add(Label(name, item.Version));
            }
            else if (
                current.Version != item.Version
                || current.Publisher != item.Publisher
                || current.InstalledOn != item.InstalledOn
            )
            {
                diff.Actions.Add(
                    new(
                        TableTransactionActionType.UpdateMerge,
                        new TableEntity(assetId, rowKey)
                        {
                            [nameof(SoftwareEntity.Version)] = item.Version ?? "",
                            [nameof(SoftwareEntity.Publisher)] = item.Publisher ?? "",
                            [nameof(SoftwareEntity.InstalledOn)] = item.InstalledOn ?? "",
                            [nameof(SoftwareEntity.LastChangeCheckinId)] = message.CheckinId,
                        },
                        ETag.All
                    )
                );
                diff.Updated.Add($"{name} {current.Version} → {item.Version}");
            }
        }

        foreach (var gone in stored.Where(s => s.State == nameof(SoftwareState.Installed) && !seen.Contains(s.RowKey)))
        {
            diff.Actions.Add(
                new(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(assetId, gone.RowKey)
                    {
                        [nameof(SoftwareEntity.State)] = nameof(SoftwareState.Uninstalled),
                        [nameof(SoftwareEntity.UninstalledAt)] = at,
                        [nameof(SoftwareEntity.LastChangeCheckinId)] = message.CheckinId,
                    },
                    ETag.All
                )
            );
            diff.Removed.Add(Label(gone.Name, gone.Version));
        }
        return diff with { InstalledCount = seen.Count };
    }

    /// <summary>
    /// Row keys for the incoming software: a product is identified by name, publisher and architecture (so an upgrade
    /// is an update, not a removal plus an install); products listed more than once under the same identity
    /// (side-by-side
    /// versions) are told apart by their version.
    /// </summary>
    private static (string RowKey, SoftwareData Item)[] Keyed(IReadOnlyList<SoftwareData> incoming)
    {
        // Counted with one dictionary (a GroupBy built a grouping per product: a fifth of what a diff allocated).
        var identities = new string[incoming.Count];
        var counts = new Dictionary<string, int>(incoming.Count, StringComparer.Ordinal);
        for (var i = 0; i < identities.Length; i++)
        {
            identities[i] = Identity(incoming[i], withVersion: false);
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, identities[i], out _)++;
        }
        var keyed = new (string, SoftwareData)[identities.Length];
        for (var i = 0; i < identities.Length; i++)
        {
            var key = counts[identities[i]] > 1 ? Identity(incoming[i], withVersion: true) : identities[i];
            keyed[i] = (SoftwareRowKey(key), incoming[i]);
        }
        return keyed;
    }

    private static string Identity(SoftwareData s, bool withVersion) =>
        string.Join(
            '\u001f',
            s.Name!.Trim().ToLowerInvariant(),
            (s.Publisher ?? "").Trim().ToLowerInvariant(),
            (s.Architecture ?? "").Trim().ToLowerInvariant(),
            withVersion ? (s.Version ?? "").Trim() : ""
        );

    /// <summary>Software identities can hold any character; the RowKey carries a hash of it (128 bits, hex).</summary>
    public static string SoftwareRowKey(string identity)
    {
        // Remembered: a fleet reports the same products over and over, and a SHA-256 per package was the largest
        // part of a diff's CPU. Cleared when full rather than evicting: the working set refills in one inventory.
        if (RowKeys.TryGetValue(identity, out var known))
            return known;
        if (RowKeys.Count >= MaxRememberedRowKeys)
            RowKeys.Clear();
        var rowKey = ComputeSoftwareRowKey(identity);
        RowKeys.TryAdd(identity, rowKey);
        return rowKey;
    }

    /// <summary>Row keys remembered (about 300 bytes each).</summary>
    private const int MaxRememberedRowKeys = 20_000;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> RowKeys = new(
        StringComparer.Ordinal
    );

    [ThreadStatic]
    private static IncrementalHash? sha256;

    private static string ComputeSoftwareRowKey(string identity)
    {
        // One hash object per thread: creating one per call cost more than hashing a short identity.
        var sha = sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var max = Encoding.UTF8.GetMaxByteCount(identity.Length);
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(max);
        try
        {
            sha.AppendData(rented, 0, Encoding.UTF8.GetBytes(identity, rented));
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        // TableKeys.SoftwareRow(hex of the first 16 bytes), without the intermediate strings.
        var prefix = TableKeys.SoftwareRowPrefix;
        Span<char> rowKey = stackalloc char[prefix.Length + 32];
        prefix.CopyTo(rowKey);
        Convert.TryToHexStringLower(hash[..16], rowKey[prefix.Length..], out _);
        return new string(rowKey);
    }

    private static string Label(string name, string? version) => version is null ? name : $"{name} {version}";

    private static string? Text<T>(T? value)
        where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

    private static string? Clip(string? value) => value is { Length: > 200 } ? value[..200] + "…" : value;

    /// <summary>Serialises a list, dropping items from the end until it fits a table column.</summary>
    internal static string? BoundedJson<T>(IReadOnlyList<T>? items, JsonTypeInfo<IReadOnlyList<T>> typeInfo)
    {
        if (items is null)
            return null;
        var json = JsonSerializer.Serialize(items, typeInfo);
        for (var count = items.Count; json.Length > MaxJsonColumnChars && count > 0; )
        {
            count = Math.Max(0, count * MaxJsonColumnChars / json.Length - 1);
            json = JsonSerializer.Serialize(items.Take(count).ToList(), typeInfo);
        }
        return json;
    }
}
