using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;

namespace ItInventory.Functions.Tests.Devices;

/// <summary>The enrollment identity rules, without storage.</summary>
public sealed class EnrollmentRulesTests
{
    private const string A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private const string Uuid1 = "4c4c4544-0042-3510-8052-b4c04f4e3732";
    private const string Uuid2 = "6f1c2b7a-0d43-4d8e-9a51-1c2d3e4f5a6b";
    private const string M1 = "4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b";
    private const string M2 = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    private static HardwareIdentity Id(
        string? serial = null,
        string? uuid = null,
        string[]? macs = null,
        string? machineId = null,
        string? disk = null
    ) =>
        HardwareIdentity.Normalise(
            serial,
            uuid,
            macs,
            null,
            new PlatformIdentityData { MachineId = machineId, SystemDiskSerial = disk }
        );

    private static Dictionary<string, string> Held(params (string Key, string Asset)[] rows) =>
        rows.ToDictionary(r => r.Key, r => r.Asset);

    [Fact]
    public void Unknown_identities_create_an_asset_claiming_all_of_them()
    {
        var decision = EnrollmentRules.Decide(Id("PF3ABC12", Uuid1, ["3C:52:82:AA:BB:CC"]), Held(), null);

        Assert.Equal(EnrollmentPath.Create, decision.Path);
        Assert.Equal(3, decision.ClaimKeys.Count);
    }

    [Fact]
    public void A_reimage_agrees_even_with_a_new_machine_id_and_claims_it()
    {
        var sent = Id("PF3ABC12", Uuid1, machineId: M2);
        var held = Held(("serial|PF3ABC12", A), ("uuid|" + Uuid1, A));

        var decision = EnrollmentRules.Decide(sent, held, Id("PF3ABC12", Uuid1, machineId: M1));

        Assert.Equal(EnrollmentPath.ReEnroll, decision.Path);
        Assert.Equal(A, decision.AssetId);
        Assert.Equal(["machineid|" + M2], decision.ClaimKeys.Select(k => k.Key));
    }

    [Fact]
    public void A_known_machine_gaining_an_identity_it_never_had_agrees()
    {
        var decision = EnrollmentRules.Decide(
            Id("PF3ABC12", Uuid1, disk: "S4EVNF0M123456"),
            Held(("serial|PF3ABC12", A), ("uuid|" + Uuid1, A)),
            Id("PF3ABC12", Uuid1)
        );

        Assert.Equal(EnrollmentPath.ReEnroll, decision.Path);
    }

    [Theory]
    [InlineData("OTHER1234", Uuid1, "serial")]
    [InlineData("PF3ABC12", Uuid2, "SMBIOS UUID")]
    [InlineData(null, Uuid1, "does not carry its serial")]
    public void Hardware_identities_that_disagree_or_are_withheld_go_to_review(
        string? serial,
        string uuid,
        string reason
    )
    {
        var sent = Id(serial, uuid);
        var held = new Dictionary<string, string>();
        foreach (var key in sent.Keys.Where(k => k.Key is "serial|PF3ABC12" || k.Key == "uuid|" + Uuid1))
            held[key.Key] = A;

        var decision = EnrollmentRules.Decide(sent, held, Id("PF3ABC12", Uuid1));

        Assert.Equal(EnrollmentPath.Review, decision.Path);
        Assert.Equal([A], decision.SuspectedDuplicateOf);
        Assert.Contains(decision.Reasons, r => r.Contains(reason));
        Assert.DoesNotContain(decision.ClaimKeys, k => held.ContainsKey(k.Key));
    }

    [Fact]
    public void A_shared_machine_id_with_a_different_serial_is_a_clone()
    {
        var decision = EnrollmentRules.Decide(
            Id("VMSERIAL02", machineId: M1),
            Held(("machineid|" + M1, A)),
            Id("VMSERIAL01", machineId: M1)
        );

        Assert.Equal(EnrollmentPath.Review, decision.Path);
        Assert.Equal(["serial|VMSERIAL02"], decision.ClaimKeys.Select(k => k.Key));
    }

    [Fact]
    public void Identities_of_two_assets_go_to_review_naming_both()
    {
        var decision = EnrollmentRules.Decide(
            Id("PF3ABC12", Uuid2),
            Held(("serial|PF3ABC12", B), ("uuid|" + Uuid2, A)),
            null
        );

        Assert.Equal(EnrollmentPath.Review, decision.Path);
        Assert.Equal([A, B], decision.SuspectedDuplicateOf);
        Assert.Empty(decision.ClaimKeys);
    }

    [Fact]
    public void A_mac_alone_only_suggests_a_duplicate_and_leaves_the_mac_with_its_holder()
    {
        var decision = EnrollmentRules.Decide(
            Id(null, null, ["3C:52:82:AA:BB:CC"], machineId: M1),
            Held(("mac|3C5282AABBCC", A)),
            null
        );

        Assert.Equal(EnrollmentPath.Review, decision.Path);
        Assert.Equal([A], decision.SuspectedDuplicateOf);
        Assert.Equal(["machineid|" + M1], decision.ClaimKeys.Select(k => k.Key));
        Assert.Contains("MAC alone", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_mac_held_elsewhere_does_not_stop_an_agreeing_reimage_nor_move()
    {
        var decision = EnrollmentRules.Decide(
            Id("PF3ABC12", macs: ["3C:52:82:AA:BB:CC"]),
            Held(("serial|PF3ABC12", A), ("mac|3C5282AABBCC", B)),
            Id("PF3ABC12")
        );

        Assert.Equal(EnrollmentPath.ReEnroll, decision.Path);
        Assert.Equal(A, decision.AssetId);
        Assert.Empty(decision.ClaimKeys);
    }
}
