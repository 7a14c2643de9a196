using ItInventory.Functions.Assets;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Tests.Audits;
using Microsoft.Extensions.Time.Testing;

namespace ItInventory.Functions.Tests.Kpis;

/// <summary>The KPI rules without storage: each figure of docs/kpis.md on hand-made summary rows.</summary>
public sealed class KpiCalculatorTests
{
    private static readonly DateOnly Day = new(2026, 11, 30);
    private static readonly DateTimeOffset End = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly FakeTimeProvider Clock = new(End.AddMinutes(10));

    private static KpiContext Context(
        bool live = true,
        IReadOnlyList<CampaignFacts>? campaigns = null,
        IReadOnlyList<OpenFindingFacts>? findings = null,
        IReadOnlyList<LicenceFacts>? licences = null
    ) => new(Day, live, new KpiOptions(), 60, 30, campaigns ?? [], findings ?? [], licences ?? []);

    private static IReadOnlyList<KpiSnapshot> Run(KpiContext context, params AssetSummaryEntity[] rows)
    {
        var calculator = new KpiCalculator(context, Clock);
        foreach (var row in rows)
            calculator.Add(row);
        return calculator.Snapshots("test");
    }

    private static AssetSummaryEntity Agent(Action<AssetSummaryEntity>? with = null) => AuditKit.Row("Deployed", r =>
        {
            (r.EnrolledAt, r.CredentialHash, r.LastSeenAt) = (End.AddDays(-100), "hash", End.AddDays(-1));
            with?.Invoke(r);
        });

    [Fact]
    public void Utilisation_counts_deployed_assets_used_within_thirty_days_over_all_deployed()
    {
        var snapshots = Run(
            Context(),
            AuditKit.Row("Deployed", r => r.UtilisationDay = "2026-11-30"),
            // Its unused run began on day 29 of the window: used the day before, inside the 30 days.
            AuditKit.Row("Deployed", r => (r.UtilisationDay, r.BelowThresholdSince) = ("2026-11-30", "2026-11-02")),
            // Unused since 1 November: last used 31 October, outside.
            AuditKit.Row("Deployed", r => (r.UtilisationDay, r.BelowThresholdSince) = ("2026-11-30", "2026-11-01")),
            AuditKit.Row("Deployed"),
            AuditKit.Row("InStock", r => r.UtilisationDay = "2026-11-30")
        );

        var total = snapshots[0];
        Assert.Equal((4, 2, 0.5), (total.Deployed, total.DeployedUsed, total.UtilisationRate));
        Assert.Equal(5, total.Assets);
        Assert.Equal(4, total.AssetsByState!["Deployed"]);
    }

    [Fact]
    public void Time_to_discovery_starts_at_the_first_sighting_when_the_device_was_seen_before_it_enrolled()
    {
        AssetSummaryEntity Approved(string id, int enrolledHoursBefore) =>
            AuditKit.Row("InStock", r =>
                (r.RowKey, r.EnrolledAt, r.ApprovedAt) = (
                    id,
                    End.AddDays(-2).AddHours(-enrolledHoursBefore),
                    End.AddDays(-2)
                )
            );
        var calculator = new KpiCalculator(Context(), Clock);
        calculator.Add(Approved("sighted", 2));
        calculator.Add(Approved("sighted-after", 4));
        calculator.Add(Approved("never-sighted", 6));
        Assert.Equal(
            ["never-sighted", "sighted", "sighted-after"],
            calculator.DiscoveryAssets.Order(StringComparer.Ordinal)
        );

        var total = calculator.Snapshots(
            "test",
            new Dictionary<string, DateTimeOffset>
            {
                // Seen 30 hours before its approval, as a LAN neighbour, while unregistered.
                ["sighted"] = End.AddDays(-2).AddHours(-30),
                // A sighting after the enrollment is not earlier: the enrollment stays the start.
                ["sighted-after"] = End.AddDays(-2).AddHours(-1),
            }
        )[0];

        Assert.Equal(3, total.DiscoveryCount);
        Assert.Equal(Math.Round((30 + 4 + 6) / 3.0, 2), total.DiscoveryMeanHours);
        Assert.Equal(30, total.DiscoveryP90Hours);
        Assert.Equal(0, KpiCalculator.DiscoveryHours(End, End, End.AddHours(-1)));
    }

    [Fact]
    public void Time_to_discovery_is_enrollment_to_approval_for_approvals_in_the_window_with_a_nearest_rank_p90()
    {
        var rows = Enumerable
            .Range(1, 10)
            .Select(h =>
                AuditKit.Row("InStock", r =>
                    (r.EnrolledAt, r.ApprovedAt) = (End.AddDays(-2).AddHours(-h), End.AddDays(-2))
                )
            )
            .Append(AuditKit.Row("InStock", r => (r.EnrolledAt, r.ApprovedAt) = (End.AddDays(-40), End.AddDays(-31))))
            .Append(AuditKit.Row("InStock", r => r.ApprovedAt = End.AddDays(-1)))
            .ToArray();

        var total = Run(Context(), rows)[0];

        Assert.Equal(10, total.DiscoveryCount);
        Assert.Equal(5.5, total.DiscoveryMeanHours);
        Assert.Equal(9, total.DiscoveryP90Hours);
    }

    [Fact]
    public void Decommission_cycle_time_is_retired_to_disposed_for_disposals_in_the_window()
    {
        var total = Run(
            Context(),
            AuditKit.Row("Disposed", r => (r.RetiredAt, r.DisposedAt) = (End.AddDays(-12), End.AddDays(-2))),
            AuditKit.Row("Disposed", r => (r.RetiredAt, r.DisposedAt) = (End.AddDays(-5), End.AddDays(-1))),
            AuditKit.Row("Disposed", r => (r.RetiredAt, r.DisposedAt) = (End.AddDays(-90), End.AddDays(-60))),
            AuditKit.Row("Disposed", r => (r.RetiredAt, r.DisposedAt) = (End.AddDays(-3), End.AddHours(1)))
        )[0];

        Assert.Equal((2, 7.0, 10.0), (total.DecommissionCount, total.DecommissionMeanDays, total.DecommissionP90Days));
    }

    [Fact]
    public void Automated_accuracy_needs_a_recent_report_an_owner_a_location_and_no_disagreeing_finding()
    {
        var agrees = Agent();
        var duplicate = Agent();
        var noLocation = Agent(r => r.Location = null);
        var silent = Agent(r => r.LastSeenAt = End.AddDays(-31));
        var notAgent = AuditKit.Row("Deployed");
        var retired = Agent(r => r.State = "Retired");
        var findings = new List<OpenFindingFacts>
        {
            new(FindingKinds.DuplicateIdentity, FindingSubjects.Asset, duplicate.RowKey, "Finance"),
            new(FindingKinds.OwnershipGap, FindingSubjects.Asset, agrees.RowKey, "Finance"),
        };

        var total = Run(Context(findings: findings), agrees, duplicate, noLocation, silent, notAgent, retired)[0];

        Assert.Equal((4, 1, 0.25), (total.AgentManaged, total.AgentManagedAgreeing, total.AutomatedAccuracyRate));
        Assert.Equal(2, total.OpenFindings);
        Assert.Equal(1, total.OpenFindingsByKind![FindingKinds.DuplicateIdentity]);
    }

    [Fact]
    public void Accuracy_is_the_latest_campaign_closed_in_the_window_in_total_and_per_department()
    {
        CampaignFacts Campaign(string id, int daysAgo, double rate, params (string, int, int)[] departments) =>
            new(
                id,
                End.AddDays(-daysAgo),
                rate,
                departments.Sum(d => d.Item2),
                departments.ToDictionary(d => d.Item1, d => (d.Item2, d.Item3))
            );
        var campaigns = new[]
        {
            Campaign("older", 40, 0.5, ("Finance", 4, 2), ("HR", 10, 9)),
            Campaign("latest", 10, 0.8, ("Finance", 5, 4)),
            Campaign("outside", 100, 0.1, ("Legal", 1, 0)),
        };

        var snapshots = Run(Context(campaigns: campaigns));

        Assert.Equal(("latest", 0.8, 5), Accuracy(snapshots.Single(s => s.Department is null)));
        Assert.Equal(("latest", 0.8, 5), Accuracy(snapshots.Single(s => s.Department == "Finance")));
        Assert.Equal(("older", 0.9, 10), Accuracy(snapshots.Single(s => s.Department == "HR")));
        Assert.DoesNotContain(snapshots, s => s.Department == "Legal");

        static (string?, double?, int?) Accuracy(KpiSnapshot s) =>
            (s.AccuracyCampaignId, s.InventoryAccuracyRate, s.AccuracyExpected);
    }

    [Fact]
    public void Licence_compliance_counts_installations_covered_by_active_seats()
    {
        var day = new DateOnly(2026, 11, 30);
        EntitlementTerms Seats(int n, DateOnly? end = null) => new(EntitlementType.Perpetual, n, null, null, end);
        var products = new[]
        {
            // 10 devices, 6 seats: 6 covered.
            new LicenceFacts(LicenceMetric.PerDevice, 10, 4, [Seats(6)]),
            // Per user: 4 users counted, 5 seats.
            new LicenceFacts(LicenceMetric.PerUser, 10, 4, [Seats(5)]),
            // A site licence covers everything; an expired subscription nothing.
            new LicenceFacts(LicenceMetric.PerDevice, 3, 3, [new(EntitlementType.Site, null, null, null, null)]),
            new LicenceFacts(LicenceMetric.PerDevice, 3, 3, [Seats(10, new DateOnly(2026, 1, 1))]),
        };

        Assert.Equal((20, 13), KpiCalculator.LicenceCoverage(products, day));
        var total = Run(Context(licences: products))[0];
        Assert.Equal(0.65, total.LicenceComplianceRate);
        Assert.Null(Run(Context(licences: products)).Skip(1).FirstOrDefault()?.LicenceComplianceRate);
    }

    [Fact]
    public void A_past_day_that_is_not_live_keeps_only_the_figures_history_can_reconstruct()
    {
        var disposed = AuditKit.Row("Disposed", r => (r.RetiredAt, r.DisposedAt) = (End.AddDays(-3), End.AddDays(-1)));
        var snapshots = Run(Context(live: false), disposed, AuditKit.Row("Deployed", r => r.UtilisationDay = "x"));

        var total = snapshots[0];
        Assert.False(total.Live);
        Assert.Equal(2.0, total.DecommissionMeanDays);
        Assert.Null(total.UtilisationRate);
        Assert.Null(total.Assets);
        Assert.Null(total.OpenFindings);
        Assert.Null(total.LicenceComplianceRate);
        Assert.Equal(["Finance"], snapshots.Skip(1).Select(s => s.Department));
    }

    [Fact]
    public void Rates_are_null_without_a_denominator_and_p90_is_the_nearest_rank()
    {
        Assert.Null(KpiCalculator.Rate(0, 0));
        Assert.Equal(0.3333, KpiCalculator.Rate(1, 3));
        Assert.Null(KpiCalculator.P90([], 2));
        Assert.Equal(7, KpiCalculator.P90([7], 2));
        Assert.Equal(18, KpiCalculator.P90(Enumerable.Range(1, 20).Select(i => (double)i).ToList(), 2));
    }

    [Fact]
    public void Lifecycle_stamps_follow_the_state_move()
    {
        Assert.Equal(["ApprovedAt"], LifecycleTimestamps.For("Discovered", "InStock"));
        Assert.Empty(LifecycleTimestamps.For("Discovered", "Rejected"));
        Assert.Equal(["RetiredAt"], LifecycleTimestamps.For("Deployed", "Retired"));
        Assert.Equal(["DisposedAt"], LifecycleTimestamps.For("Retired", "Disposed"));
        Assert.Empty(LifecycleTimestamps.For("Retired", "Retired"));
    }

    [Fact]
    public void Month_over_month_change_is_latest_minus_earlier_per_kpi()
    {
        var now = Run(Context(), AuditKit.Row("Deployed", r => r.UtilisationDay = "2026-11-30"))[0];
        var before = now with { UtilisationRate = 0.25, Offline = null };

        var change = KpiNames.Change(now, before);

        Assert.Equal(0.75, change[KpiNames.UtilisationRate]);
        Assert.Null(change[KpiNames.Offline]);
        Assert.All(KpiNames.Change(now, null).Values, Assert.Null);
    }
}
