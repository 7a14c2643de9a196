using System.Text.Json;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>The duplicate-licence-key rule without storage: summary rows in, conditions out.</summary>
public sealed class DuplicateLicenceKeysTests
{
    private const string Retail = "aaaa000000000000000000000000000000000000000000000000000000000001";
    private const string Volume = "bbbb000000000000000000000000000000000000000000000000000000000002";

    private static AssetSummaryEntity Asset(string state, params (string Product, string Masked, string Hash)[] keys)
    {
        var row = AuditKit.Row(state);
        row.LicenceKeysJson = JsonSerializer.Serialize<IReadOnlyList<AssetLicenceKey>>(
            [
                .. keys.Select(k => new AssetLicenceKey
                {
                    Product = k.Product,
                    MaskedKey = k.Masked,
                    KeyHash = k.Hash,
                }),
            ],
            ApiJsonContext.Default.IReadOnlyListAssetLicenceKey
        );
        return row;
    }

    private static List<FindingCondition> Scan(VolumeLicenceKeyRule rule, params AssetSummaryEntity[] rows)
    {
        var keys = new DuplicateLicenceKeys(rule);
        foreach (var row in rows)
            keys.Add(row);
        return keys.Conditions().ToList();
    }

    [Fact]
    public void A_key_on_two_assets_raises_one_finding_per_asset_naming_the_key_masked_and_the_other_asset()
    {
        var a = Asset("Deployed", ("Office 2021", "*****-6MWKP", Retail));
        var b = Asset("InStock", ("Office 2021", "*****-6MWKP", Retail));
        var alone = Asset("Deployed", ("Office 2021", "*****-ZZZZZ", Retail.Replace('1', '9')));

        var found = Scan(VolumeLicenceKeyRule.None, a, b, alone);

        Assert.Equal(
            new[] { a.RowKey, b.RowKey }.Order(StringComparer.Ordinal),
            found.Select(c => c.SubjectId).Order(StringComparer.Ordinal)
        );
        var first = found.Single(c => c.SubjectId == a.RowKey);
        Assert.Equal(
            (FindingKinds.DuplicateLicenceKey, FindingSubjects.Asset, FindingSeverity.High, "Finance"),
            (first.Kind, first.SubjectType, first.Severity, first.Department)
        );
        Assert.Equal($"{a.Name}: key *****-6MWKP (Office 2021) also on {b.Name}", first.Text);
        Assert.Equal(Retail, first.Facts!["keyHashes"]);
        Assert.DoesNotContain(found, c => c.Text.Contains(alone.Name!, StringComparison.Ordinal));
    }

    [Fact]
    public void Gone_assets_and_a_key_reported_twice_by_one_asset_raise_nothing()
    {
        var live = Asset("Deployed", ("Office", "*****-6MWKP", Retail), ("Office again", "*****-6MWKP", Retail));
        var disposed = Asset("Disposed", ("Office", "*****-6MWKP", Retail));
        var broken = AuditKit.Row("Deployed", r => r.LicenceKeysJson = "{not json");

        Assert.Empty(Scan(VolumeLicenceKeyRule.None, live, disposed, broken));
    }

    [Fact]
    public void Volume_keys_by_listed_hash_or_by_a_site_licensed_product_are_never_raised()
    {
        var listed = new VolumeLicenceKeyRule(VolumeLicenceKeyRule.ParseHashes($" {Volume.ToUpperInvariant()} ;x"), []);
        var site = new VolumeLicenceKeyRule(
            VolumeLicenceKeyRule.ParseHashes(null),
            [new LicenceRule("Windows 11 Ent*")]
        );
        AssetSummaryEntity[] fleet =
        [
            Asset("Deployed", ("Windows 11 Enterprise", "*****-T83GX", Volume)),
            Asset("Deployed", ("Windows 11 Enterprise", "*****-T83GX", Volume)),
            Asset("Deployed", ("Windows 11 Enterprise", "*****-T83GX", Volume)),
        ];

        Assert.Equal(3, Scan(VolumeLicenceKeyRule.None, fleet).Count);
        Assert.Empty(Scan(listed, fleet));
        Assert.Empty(Scan(site, fleet));
    }

    [Fact]
    public void A_key_on_many_assets_names_five_others_and_counts_the_rest()
    {
        var fleet = Enumerable.Range(0, 9).Select(_ => Asset("Deployed", ("Office", "*****-6MWKP", Retail))).ToArray();

        var found = Scan(VolumeLicenceKeyRule.None, fleet);

        Assert.Equal(9, found.Count);
        Assert.All(found, c => Assert.EndsWith(" and 3 more", c.Text));
    }
}
