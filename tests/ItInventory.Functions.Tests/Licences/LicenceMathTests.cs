using System.Diagnostics;
using ItInventory.Functions.Licences;

namespace ItInventory.Functions.Tests.Licences;

/// <summary>The pure parts: wildcard matching and compliance maths.</summary>
public sealed class LicenceMathTests
{
    [Theory]
    [InlineData("Microsoft Office*", "microsoft office professional plus 2021", true)]
    [InlineData("*office*", "Microsoft Office LTSC", true)]
    [InlineData("Adobe Acrobat ?? Pro", "Adobe Acrobat DC Pro", true)]
    [InlineData("Adobe Acrobat ?? Pro", "Adobe Acrobat Reader Pro", false)]
    [InlineData("visio", "Microsoft Visio", false)]
    [InlineData("*visio", "Microsoft Visio", true)]
    [InlineData("a*b*c", "aXXbYYc", true)]
    [InlineData("a*b*c", "aXXbYYcd", false)]
    [InlineData("[a-z]+", "abc", false)]
    [InlineData("[a-z]+", "[A-Z]+", true)]
    public void Wildcards_are_case_insensitive_and_match_the_whole_name(string pattern, string text, bool expected) =>
        Assert.Equal(expected, SoftwareMatcher.Wildcard(pattern, text));

    [Fact]
    public void Rules_combine_name_publisher_and_version_prefix()
    {
        var rule = new LicenceRule("Microsoft Office*", "Microsoft*", "16.");
        Assert.True(
            SoftwareMatcher.Matches(
                rule,
                "Microsoft Office Professional Plus 2021",
                "Microsoft Corporation",
                "16.0.14332"
            )
        );
        Assert.False(
            SoftwareMatcher.Matches(rule, "Microsoft Office Professional Plus 2021", "Microsoft Corporation", "15.0.1")
        );
        Assert.False(SoftwareMatcher.Matches(rule, "Microsoft Office Professional Plus 2021", "Contoso", "16.0"));
        Assert.False(SoftwareMatcher.Matches(rule, "Microsoft Office Professional Plus 2021", null, "16.0"));
        Assert.True(SoftwareMatcher.Matches(new LicenceRule("Microsoft Office*"), "Microsoft Office Home", null, null));
        Assert.True(
            SoftwareMatcher.Matches(
                [new LicenceRule("nothing"), new LicenceRule("*Visio*")],
                "Microsoft Visio",
                null,
                null
            )
        );
    }

    [Fact]
    public void A_pathological_pattern_cannot_stall_the_matcher()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 8)) + "b";
        var text = new string('a', 20_000);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
            Assert.False(SoftwareMatcher.Wildcard(pattern, text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Pattern_validation_rejects_wildcard_only_and_star_heavy_patterns()
    {
        var errors = new Dictionary<string, string[]>();
        LicenceValidation.Rules(
            errors,
            "rules",
            [
                new LicenceRule("*"),
                new LicenceRule(string.Concat(Enumerable.Repeat("a*", 9))),
                new LicenceRule(new string('x', 129)),
                new LicenceRule("ok", VersionPrefix: "1.*"),
            ],
            required: true
        );
        Assert.Equal(
            ["rules[0].name", "rules[1].name", "rules[2].name", "rules[3].versionPrefix"],
            errors.Keys.Order()
        );
    }

    private static readonly DateOnly Today = new(2026, 11, 2);

    [Fact]
    public void Fewer_seats_than_installations_is_under_licensed_with_the_shortfall()
    {
        var figures = LicenceCompliance.Compute(
            [new EntitlementTerms(EntitlementType.Perpetual, 5, 100m, null, null)],
            8,
            Today
        );
        Assert.Equal(new ComplianceFigures(ComplianceStatus.UnderLicensed, 8, 5, 3, 0, null), figures);
    }

    [Fact]
    public void Unused_seats_are_over_licensed_and_priced_at_the_average_unit_cost()
    {
        var figures = LicenceCompliance.Compute(
            [
                new EntitlementTerms(EntitlementType.Perpetual, 10, 100m, null, null),
                new EntitlementTerms(
                    EntitlementType.Subscription,
                    10,
                    50m,
                    new DateOnly(2026, 1, 1),
                    new DateOnly(2026, 12, 31)
                ),
            ],
            15,
            Today
        );
        Assert.Equal(ComplianceStatus.OverLicensed, figures.Status);
        Assert.Equal(20, figures.PurchasedSeats);
        Assert.Equal(5, figures.Surplus);
        Assert.Equal(375.00m, figures.SurplusCost);
    }

    [Fact]
    public void An_expired_subscription_counts_no_seats_and_a_future_one_none_yet()
    {
        var expired = new EntitlementTerms(
            EntitlementType.Subscription,
            50,
            10m,
            new DateOnly(2025, 1, 1),
            new DateOnly(2026, 11, 1)
        );
        var future = new EntitlementTerms(
            EntitlementType.Subscription,
            50,
            10m,
            new DateOnly(2026, 12, 1),
            new DateOnly(2027, 11, 30)
        );
        var figures = LicenceCompliance.Compute(
            [expired, future, new EntitlementTerms(EntitlementType.Perpetual, 2, null, null, null)],
            2,
            Today
        );
        Assert.Equal(new ComplianceFigures(ComplianceStatus.Compliant, 2, 2, 0, 0, null), figures);
        Assert.Equal(50, LicenceCompliance.AssignableSeats([expired], new DateOnly(2026, 11, 1)));
        Assert.Equal(0, LicenceCompliance.AssignableSeats([expired], Today));
    }

    [Fact]
    public void An_active_site_licence_is_unlimited_and_always_compliant()
    {
        var site = new EntitlementTerms(EntitlementType.Site, null, null, null, new DateOnly(2027, 1, 1));
        Assert.Equal(
            new ComplianceFigures(ComplianceStatus.Compliant, 5000, null, 0, 0, null),
            LicenceCompliance.Compute([site], 5000, Today)
        );
        Assert.Null(LicenceCompliance.AssignableSeats([site], Today));
        Assert.Equal(
            ComplianceStatus.UnderLicensed,
            LicenceCompliance.Compute([site], 1, new DateOnly(2027, 1, 2)).Status
        );
    }

    [Fact]
    public void No_entitlements_and_no_installations_is_compliant()
    {
        Assert.Equal(
            new ComplianceFigures(ComplianceStatus.Compliant, 0, 0, 0, 0, null),
            LicenceCompliance.Compute([], 0, Today)
        );
    }

    [Fact]
    public void Entitlement_terms_are_validated()
    {
        var errors = new Dictionary<string, string[]>();
        Assert.Null(
            LicenceValidation.Entitlement(errors, "", "", "Subscription", 0, -1m, new DateOnly(2026, 2, 1), null, null)
        );
        Assert.Equal(["endDate", "reference", "seats", "unitCost"], errors.Keys.Order());
        errors.Clear();
        Assert.Null(LicenceValidation.Entitlement(errors, "", "PO-1", "Site", 10, null, null, null, null));
        Assert.Equal(["seats"], errors.Keys);
        errors.Clear();
        Assert.Null(LicenceValidation.Entitlement(errors, "", "PO-1", "perpetual", 10, null, null, null, null));
        Assert.Equal(["type"], errors.Keys);
        errors.Clear();
        Assert.NotNull(LicenceValidation.Entitlement(errors, "", "PO-1", "Perpetual", 10, 12.5m, null, null, null));
    }
}
