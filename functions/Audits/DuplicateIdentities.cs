using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;

namespace ItInventory.Functions.Audits;

/// <summary>
/// Finds assets that share a serial number or an SMBIOS UUID (a duplicate record, or a cloned image): fed one summary
/// row at a time, it keeps one small entry per identity value seen (the first asset holding it) and more only for
/// values held twice. Gone assets (retired, disposed, rejected) are left out: a replacement may inherit a serial.
/// </summary>
public sealed class DuplicateIdentities
{
    private readonly record struct Holder(string AssetId, string Label, string? Department);

    private readonly Dictionary<string, Holder> first = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Holder>> shared = new(StringComparer.Ordinal);

    public void Add(AssetSummaryEntity a)
    {
        if (ReconciliationRules.IsGone(a.State))
            return;
        var holder = new Holder(
            a.RowKey,
            a.Tag is { Length: > 0 } tag ? tag : a.Name ?? a.RowKey,
            string.IsNullOrEmpty(a.Department) ? null : a.Department
        );
        // A peripheral's serial is an identity of its own namespace (TableKeys.PeripheralIdentity): a monitor that
        // shares a computer's serial is no duplicate of it.
        if (HardwareIdentity.NormaliseSerial(a.SerialNumber) is { } serial)
            Add((a.Type == nameof(AssetType.Peripheral) ? "peripheral serial " : "serial ") + serial, holder);
        if (HardwareIdentity.NormaliseUuid(a.SmbiosUuid) is { } uuid)
            Add("UUID " + uuid, holder);
    }

    private void Add(string identity, Holder holder)
    {
        if (first.TryAdd(identity, holder))
            return;
        if (!shared.TryGetValue(identity, out var holders))
            shared[identity] = holders = [first[identity]];
        if (!holders.Contains(holder))
            holders.Add(holder);
    }

    /// <summary>One condition per asset that shares an identity, naming the identities and the other assets.</summary>
    public IEnumerable<FindingCondition> Conditions()
    {
        var byAsset = new SortedDictionary<string, (Holder Self, SortedSet<string> Notes)>(StringComparer.Ordinal);
        foreach (var (identity, holders) in shared)
        {
            foreach (var holder in holders)
            {
                if (!byAsset.TryGetValue(holder.AssetId, out var entry))
                {
                    byAsset[holder.AssetId] = entry = (holder, new SortedSet<string>(StringComparer.Ordinal));
                }
                var others = holders.Where(h => h.AssetId != holder.AssetId).Select(h => h.Label);
                entry.Notes.Add($"{identity} also on {string.Join(", ", others)}");
            }
        }
        foreach (var (assetId, (self, notes)) in byAsset)
        {
            yield return new FindingCondition(
                FindingKinds.DuplicateIdentity,
                "asset",
                assetId,
                FindingSeverity.High,
                self.Department,
                $"{self.Label}: {string.Join("; ", notes)}",
                ReconciliationRules.Facts(("asset", self.Label), ("shared", string.Join("; ", notes)))
            );
        }
    }
}
