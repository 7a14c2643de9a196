using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>The detection rules as pure code: thresholds at their edges, no I/O.</summary>
public sealed class AuditRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
    private const string Gone = "20000000-0000-4000-8000-0000000000ff";

    private static ReconciliationContext Context() =>
        new(Now, new ReconciliationOptions(), new Dictionary<string, string> { [Gone] = "Gone Person" });

    private static AssetSummaryEntity Agent(string state, int daysSilent) =>
        AuditKit.Row(state, r =>
            (r.EnrolledAt, r.CredentialHash, r.LastSeenAt) = (Now.AddDays(-100), "hash", Now.AddDays(-daysSilent))
        );

    [Theory]
    [InlineData("Deployed", 30, true)]
    [InlineData("Deployed", 29, false)]
    [InlineData("Idle", 45, true)]
    [InlineData("InStock", 45, false)]
    [InlineData("Retired", 45, false)]
    public void An_active_agent_asset_is_missing_after_the_threshold(string state, int days, bool missing) =>
        Assert.Equal(missing, ReconciliationRules.Missing(Agent(state, days), Context()) is not null);

    [Fact]
    public void A_revoked_or_agentless_asset_is_never_missing()
    {
        var revoked = Agent("Deployed", 90);
        revoked.CredentialRevoked = true;
        Assert.Null(ReconciliationRules.Missing(revoked, Context()));
        Assert.Null(ReconciliationRules.Missing(AuditKit.Row("Deployed"), Context()));
    }

    [Fact]
    public void An_ownership_gap_names_what_is_missing()
    {
        var gap = ReconciliationRules.OwnershipGap(
            AuditKit.Row("Deployed", r => (r.ItStakeholder, r.Department) = (null, ""))
        )!;
        Assert.Equal("IT stakeholder,department", gap.Facts!["missing"]);
        Assert.Null(ReconciliationRules.OwnershipGap(AuditKit.Row("InStock", r => r.Owner = null)));
    }

    [Fact]
    public void Unassigned_criticality_is_incomplete_classification_but_a_discovered_asset_waits_for_review()
    {
        Assert.NotNull(
            ReconciliationRules.IncompleteClassification(AuditKit.Row("InStock", r => r.Criticality = "Unassigned"))
        );
        Assert.Null(ReconciliationRules.IncompleteClassification(AuditKit.Row("Discovered", r => r.Category = null)));
    }

    [Theory]
    [InlineData("Disposed", "2026-11-02", true)]
    [InlineData("Rejected", "2026-10-27", true)]
    [InlineData("Retired", "2026-10-26", false)]
    [InlineData("Deployed", "2026-11-02", false)]
    public void A_gone_asset_refused_within_the_window_is_still_checking_in(string state, string day, bool raised) =>
        Assert.Equal(
            raised,
            ReconciliationRules.RetiredCheckingIn(AuditKit.Row(state, r => r.RefusedCheckinOn = day), Context())
                is not null
        );

    [Fact]
    public void Departed_owners_and_seat_holders_are_raised_with_their_names()
    {
        var asset = ReconciliationRules.OwnerDeparted(AuditKit.Row("InStock", r => r.Owner = Gone), Context())!;
        Assert.Equal(FindingKinds.DepartedOwner, asset.Kind);
        Assert.Contains("Gone Person", asset.Text);
        var seat = ReconciliationRules.SeatHolderDeparted("p1", "Visio", "person-" + Gone, Gone, Context())!;
        Assert.Equal(("licence", "p1:person-" + Gone), (seat.SubjectType, seat.SubjectId));
        Assert.Null(ReconciliationRules.OwnerDeparted(AuditKit.Row("Disposed", r => r.Owner = Gone), Context()));
    }

    [Fact]
    public void Assets_sharing_a_serial_or_uuid_are_each_raised_once_and_gone_ones_are_left_out()
    {
        var detector = new DuplicateIdentities();
        var a = AuditKit.Row("Deployed", r =>
            (r.SerialNumber, r.SmbiosUuid, r.Tag) = ("PF3ABC12", "4c4c4544-0000-1000-8000-000000000001", "ITI-1")
        );
        var b = AuditKit.Row("InStock", r =>
            (r.SerialNumber, r.SmbiosUuid, r.Tag) = ("PF3ABC12", "4c4c4544-0000-1000-8000-000000000001", "ITI-2")
        );
        var gone = AuditKit.Row("Disposed", r => r.SerialNumber = "PF3ABC12");
        var alone = AuditKit.Row("Deployed", r => r.SerialNumber = "PF3XYZ99");
        foreach (var row in new[] { a, b, gone, alone })
            detector.Add(row);

        var found = detector.Conditions().ToList();

        Assert.Equal(new[] { a.RowKey, b.RowKey }.Order(), found.Select(f => f.SubjectId).Order());
        Assert.Contains("serial PF3ABC12 also on ITI-2", found.Single(f => f.SubjectId == a.RowKey).Text);
        Assert.Contains("UUID", found.Single(f => f.SubjectId == a.RowKey).Text);
    }

    [Fact]
    public void A_sighting_is_unregistered_while_recent_and_unclaimed()
    {
        Assert.NotNull(
            ReconciliationRules.UnregisteredDevice("3C5284AABBCC", Now.AddDays(-29), null, null, false, Context())
        );
        Assert.Null(
            ReconciliationRules.UnregisteredDevice("3C5284AABBCC", Now.AddDays(-30), null, null, false, Context())
        );
        Assert.Null(ReconciliationRules.UnregisteredDevice("3C5284AABBCC", Now, null, null, true, Context()));
    }

    [Theory]
    [InlineData("2026-09-03", 60, true)]
    [InlineData("2026-09-04", 59, false)]
    [InlineData("", 0, false)]
    public void An_asset_idle_for_sixty_days_is_a_reallocation_candidate(string since, int days, bool idle)
    {
        var row = AuditKit.Row("Deployed", r => r.BelowThresholdSince = since);
        var found = IdleRules.Idle(row, Now, new IdleOptions(), 5);
        Assert.Equal(idle, found is not null);
        if (idle)
        {
            Assert.Equal(days, IdleRules.DaysIdle(row, Now));
            Assert.Equal(since, found!.Facts!["belowThresholdSince"]);
            Assert.Contains($"Idle since {since} ", found.Text);
        }
    }

    [Fact]
    public void Only_deployed_devices_without_any_heartbeat_data_lack_utilisation_data()
    {
        Assert.NotNull(IdleRules.NoUtilisationData(AuditKit.Row("Deployed")));
        Assert.Null(IdleRules.NoUtilisationData(AuditKit.Row("Deployed", r => r.LastHeartbeatAt = Now)));
        Assert.Null(IdleRules.NoUtilisationData(AuditKit.Row("Deployed", r => r.Kind = "CloudResource")));
        Assert.Null(IdleRules.NoUtilisationData(AuditKit.Row("InStock")));
    }

    [Fact]
    public void A_seat_is_unused_for_reclamation_reasons_other_than_a_departed_holder()
    {
        ReclaimedSeat Seat(string reason) => new("p1", "Visio", "asset-x", "asset", "x", reason);
        Assert.NotNull(IdleRules.UnusedSeat(Seat(ReclaimReason.NoInstallation), 30));
        Assert.NotNull(IdleRules.UnusedSeat(Seat(ReclaimReason.AssetInactive), 30));
        Assert.Null(IdleRules.UnusedSeat(Seat(ReclaimReason.Departed), 30));
    }

    [Fact]
    public void Under_licensing_is_raised_with_the_shortfall()
    {
        var under = ReconciliationRules.UnderLicensed("p1", "Visio", "UnderLicensed", 12, 10, 2)!;
        Assert.Equal("2", under.Facts!["shortfall"]);
        Assert.Null(ReconciliationRules.UnderLicensed("p1", "Visio", "Compliant", 10, 10, 0));
    }

    [Fact]
    public void An_unlicensed_installation_lists_the_products_in_order_and_never_concerns_a_gone_asset()
    {
        var asset = AuditKit.Row("Deployed");
        var found = ReconciliationRules.UnlicensedInstallation(asset, ["Visio", "AutoCAD"])!;
        Assert.Equal((FindingKinds.UnlicensedInstallation, asset.RowKey), (found.Kind, found.SubjectId));
        Assert.Equal("AutoCAD|Visio", found.Facts!["products"]);
        Assert.Contains("Installed without a seat: AutoCAD, Visio", found.Text);
        Assert.Null(ReconciliationRules.UnlicensedInstallation(asset, []));
        Assert.Null(ReconciliationRules.UnlicensedInstallation(AuditKit.Row("Disposed"), ["Visio"]));
    }
}
