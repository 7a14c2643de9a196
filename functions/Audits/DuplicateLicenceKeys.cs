using System.Text.Json;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;

namespace ItInventory.Functions.Audits;

/// <summary>
/// Which licence keys may legitimately be on many machines (volume keys: KMS client keys, MAK keys, a site
/// agreement): a key whose keyed hash is listed in <see cref="ReconciliationOptions.VolumeLicenceKeyHashes"/>, or
/// whose reported product matches (by name, the licence rules' wildcards) a licence product with a site licence in
/// force. Pure: the scanner builds it from the options and the licence products it reads anyway.
/// </summary>
public sealed record VolumeLicenceKeyRule(IReadOnlySet<string> KeyHashes, IReadOnlyList<LicenceRule> SiteLicensed)
{
    public static readonly VolumeLicenceKeyRule None = new(new HashSet<string>(StringComparer.Ordinal), []);

    /// <summary>The allow-list of the options (comma, semicolon or white-space separated, case-insensitive).</summary>
    public static IReadOnlySet<string> ParseHashes(string? list) =>
        (list ?? "")
            .Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(h => h.ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);

    public bool IsVolume(string keyHash, string? product) =>
        KeyHashes.Contains(keyHash)
        || (product is { Length: > 0 } && SiteLicensed.Any(rule => SoftwareMatcher.Wildcard(rule.Name, product)));
}

/// <summary>
/// Finds licence keys installed on more than one asset (a retail or OEM key reused across machines): fed one summary
/// row at a time (its <see cref="AssetSummaryEntity.LicenceKeysJson"/>: masked keys and their keyed hashes, never a
/// key), it keeps one small entry per key hash seen and more only for keys held twice. Gone assets (retired, disposed,
/// rejected) are left out, as are volume keys (<see cref="VolumeLicenceKeyRule"/>).
/// </summary>
public sealed class DuplicateLicenceKeys(VolumeLicenceKeyRule volume)
{
    /// <summary>Other assets a finding's text names at most (a key on hundreds of machines stays readable).</summary>
    public const int MaxNamed = 5;

    private readonly record struct Holder(string AssetId, string Label, string? Department);

    private sealed record Key(string Masked, string? Product);

    private readonly Dictionary<string, (Holder Holder, Key Key)> first = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(Holder Holder, Key Key)>> shared = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> products = new(StringComparer.Ordinal);

    public void Add(AssetSummaryEntity a)
    {
        if (string.IsNullOrEmpty(a.LicenceKeysJson) || ReconciliationRules.IsGone(a.State))
            return;
        IReadOnlyList<AssetLicenceKey>? keys;
        try
        {
            keys = JsonSerializer.Deserialize(a.LicenceKeysJson, ApiJsonContext.Default.IReadOnlyListAssetLicenceKey);
        }
        catch (JsonException)
        {
            return; // not written by this code: nothing to compare
        }
        if (keys is null)
            return;
        var holder = new Holder(
            a.RowKey,
            a.Tag is { Length: > 0 } tag ? tag : a.Name ?? a.RowKey,
            string.IsNullOrEmpty(a.Department) ? null : a.Department
        );
        foreach (var key in keys)
        {
            if (key.KeyHash is not { Length: > 0 } hash || volume.IsVolume(hash, key.Product))
                continue;
            // Product names repeat across the fleet: one string each.
            var product =
                key.Product is null ? null
                : products.TryAdd(key.Product, key.Product) ? key.Product
                : products[key.Product];
            var entry = (holder, new Key(key.MaskedKey ?? "", product));
            if (first.TryAdd(hash, entry) || first[hash].Holder.AssetId == a.RowKey)
                continue;
            if (!shared.TryGetValue(hash, out var holders))
                shared[hash] = holders = [first[hash]];
            if (!holders.Exists(h => h.Holder.AssetId == a.RowKey))
                holders.Add(entry);
        }
    }

    /// <summary>One condition per asset holding a key another asset also holds, naming each key (masked) and the
    /// other assets.</summary>
    public IEnumerable<FindingCondition> Conditions()
    {
        var byAsset = new SortedDictionary<string, (Holder Self, SortedSet<string> Notes, SortedSet<string> Hashes)>(
            StringComparer.Ordinal
        );
        foreach (var (hash, holders) in shared)
        {
            foreach (var (holder, key) in holders)
            {
                if (!byAsset.TryGetValue(holder.AssetId, out var entry))
                {
                    byAsset[holder.AssetId] = entry = (
                        holder,
                        new SortedSet<string>(StringComparer.Ordinal),
                        new SortedSet<string>(StringComparer.Ordinal)
                    );
                }
                var others = holders
                    .Where(h => h.Holder.AssetId != holder.AssetId)
                    .Select(h => h.Holder.Label)
                    .Order(StringComparer.Ordinal)
                    .ToList();
                var named = string.Join(", ", others.Take(MaxNamed));
                if (others.Count > MaxNamed)
                    named += $" and {others.Count - MaxNamed} more";
                var product = key.Product is { Length: > 0 } p ? $" ({p})" : "";
                entry.Notes.Add($"key {key.Masked}{product} also on {named}");
                entry.Hashes.Add(hash);
            }
        }
        foreach (var (assetId, (self, notes, hashes)) in byAsset)
        {
            yield return new FindingCondition(
                FindingKinds.DuplicateLicenceKey,
                FindingSubjects.Asset,
                assetId,
                FindingSeverity.High,
                self.Department,
                SuspectedDuplicate.Clip($"{self.Label}: {string.Join("; ", notes)}"),
                ReconciliationRules.Facts(
                    ("asset", self.Label),
                    ("shared", SuspectedDuplicate.Clip(string.Join("; ", notes))),
                    ("keyHashes", string.Join(',', hashes))
                )
            );
        }
    }
}
