using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Tests.Campaigns;

public sealed class CampaignRulesTests
{
    [Theory]
    [InlineData("""{"name":"Q4","mode":"sample","sampleSize":0}""", "sampleSize")]
    [InlineData("""{"name":"Q4","mode":"sample","sampleSize":10001}""", "sampleSize")]
    [InlineData("""{"name":"Q4","mode":"sample"}""", "sampleSize")]
    [InlineData("""{"name":"Q4","mode":"full","sampleSize":10}""", "sampleSize")]
    [InlineData("""{"name":"Q4","mode":"sample","sampleSize":10,"stratifyBy":"owner"}""", "stratifyBy")]
    [InlineData("""{"name":"Q4","mode":"sample","sampleSize":10,"seed":-1}""", "seed")]
    [InlineData("""{"name":"Q4","mode":"sometimes"}""", "mode")]
    [InlineData("""{"name":"Q4","mode":"1"}""", "mode")]
    [InlineData("""{"name":"","mode":"full"}""", "name")]
    [InlineData("""{"name":"Q4","mode":"full","scope":"department"}""", "scopeValue")]
    [InlineData("""{"name":"Q4","mode":"full","scope":"all","scopeValue":"Finance"}""", "scopeValue")]
    [InlineData("""{"name":"Q4","mode":"full","scope":"building","scopeValue":"A"}""", "scope")]
    public void An_invalid_campaign_is_a_400_naming_the_field(string json, string field)
    {
        var body = System.Text.Json.JsonSerializer.Deserialize(
            json,
            ApiJsonContext.Default.CreateCampaignRequest
        )!;

        var outcome = CampaignRules.Validate(body);

        Assert.True(outcome.Failed);
        Assert.Equal(400, outcome.Problem.Status);
        Assert.Contains(field, outcome.Problem.Errors!.Keys);
    }

    [Fact]
    public void A_sample_defaults_to_stratifying_by_department_and_keeps_its_seed()
    {
        var outcome = CampaignRules.Validate(
            new CreateCampaignRequest
            {
                Name = " Q4 spot ",
                Scope = "location",
                ScopeValue = "hq",
                Mode = "Sample",
                SampleSize = 25,
                Seed = 9,
            }
        );

        Assert.False(outcome.Failed);
        Assert.Equal(
            new CampaignDefinition(
                "Q4 spot",
                ScopeKind.Location,
                "hq",
                CampaignMode.Sample,
                25,
                StratifyBy.Department,
                9
            ),
            outcome.Value
        );
    }

    [Theory]
    [InlineData("""{"result":"found"}""", "tag")]
    [InlineData("""{"tag":"ITI-000001","assetId":"x","result":"found"}""", "tag")]
    [InlineData("""{"tag":"iti-1","result":"found"}""", "tag")]
    [InlineData("""{"tag":"ITI-000001","result":"seen"}""", "result")]
    [InlineData("""{"tag":"ITI-000001","result":"missing","location":"hq"}""", "result")]
    [InlineData("""{"tag":"ITI-000001","result":"found","condition":"shiny"}""", "condition")]
    [InlineData("""{"tag":"ITI-000001","result":"found","location":""}""", "location")]
    public void An_invalid_scan_is_a_400_naming_the_field(string json, string field)
    {
        var body = System.Text.Json.JsonSerializer.Deserialize(json, ApiJsonContext.Default.CampaignScanRequest)!;

        var outcome = CampaignRules.Validate(body);

        Assert.True(outcome.Failed);
        Assert.Contains(field, outcome.Problem.Errors!.Keys);
    }

    [Fact]
    public void A_found_asset_is_good_unless_said_otherwise()
    {
        var outcome = CampaignRules.Validate(new CampaignScanRequest { Tag = "ITI-000001", Result = "found" });

        Assert.Equal(AssetCondition.Good, outcome.Value!.Condition);
    }

    [Theory]
    [InlineData("hq", null, true)]
    [InlineData("hq", "hq", true)]
    [InlineData("hq", "warehouse", false)]
    [InlineData(null, null, false)]
    [InlineData(null, "hq", false)]
    public void Found_as_recorded_means_at_the_recorded_location(string? expected, string? observed, bool matches) =>
        Assert.Equal(matches, CampaignRules.LocationMatches(expected, observed));

    private static CampaignAssetEntity Row(
        string id,
        string result = "",
        bool? matches = null,
        string? condition = null,
        string? location = null
    ) =>
        new()
        {
            AssetId = id,
            Tag = "T-" + id,
            Department = "Finance",
            ExpectedLocation = "hq",
            Result = result,
            LocationMatches = matches,
            Condition = condition,
            Location = location,
            RecordedBy = "auditor",
        };

    private static readonly List<CampaignAssetEntity> Rows =
    [
        Row("a1", "Found", true, "Good", "hq"),
        Row("a2", "Found", false, "Damaged", "warehouse"),
        Row("a3", "Missing"),
        Row("a4"),
    ];

    private static readonly List<CampaignUnexpectedEntity> Unexpected =
    [
        new()
        {
            RowKey = "u|ITI-999999",
            Tag = "ITI-999999",
            Reason = UnexpectedReason.UnknownTag,
        },
        new()
        {
            RowKey = "u|ITI-000009",
            Tag = "ITI-000009",
            AssetId = "hr1",
            Department = "HR",
            Reason = UnexpectedReason.NotInCampaign,
        },
    ];

    [Fact]
    public void Progress_counts_each_outcome_and_what_remains()
    {
        var progress = CampaignRules.Progress(Rows, Unexpected);

        Assert.Equal(
            new CampaignProgress(
                Expected: 4,
                Recorded: 3,
                Found: 2,
                FoundAsRecorded: 1,
                Missing: 1,
                LocationDifferent: 1,
                Damaged: 1,
                Unexpected: 2,
                Remaining: 1
            ),
            progress
        );
    }

    [Fact]
    public void The_accuracy_rate_counts_assets_never_recorded_as_not_found()
    {
        Assert.Equal(0.25, CampaignRules.AccuracyRate(CampaignRules.Progress(Rows, Unexpected)));
        Assert.Null(CampaignRules.AccuracyRate(CampaignRules.Progress([], [])));
    }

    [Fact]
    public void Discrepancies_are_the_missing_the_misplaced_the_damaged_and_the_unexpected()
    {
        var list = CampaignRules.Discrepancies("c-1", Rows, Unexpected);

        Assert.Equal(
            [
                (CampaignFindingKinds.LocationMismatch, "asset", "a2"),
                (CampaignFindingKinds.Damaged, "asset", "a2"),
                (CampaignFindingKinds.Missing, "asset", "a3"),
                (CampaignFindingKinds.NotAudited, "asset", "a4"),
                (CampaignFindingKinds.Unexpected, "asset", "hr1"),
                (CampaignFindingKinds.Unexpected, "campaign", "c-1:ITI-999999"),
            ],
            list.Select(d => (d.Kind, d.SubjectType, d.SubjectId))
        );
        Assert.Contains("never recorded", list[3].Text);
        Assert.Equal("never", list[3].Facts["recorded"]);
        Assert.Equal("warehouse", list[0].Facts["location"]);
    }

    [Theory]
    [InlineData("all", true, ScopeKind.All, null)]
    [InlineData("department:Finance", true, ScopeKind.Department, "Finance")]
    [InlineData("location: hq", true, ScopeKind.Location, "hq")]
    [InlineData("department", false, ScopeKind.Department, null)]
    [InlineData("all:x", false, ScopeKind.All, null)]
    [InlineData("floor:3", false, ScopeKind.All, null)]
    public void Scope_settings_read_as_kind_and_value(string text, bool ok, ScopeKind kind, string? value)
    {
        Assert.Equal(ok, CampaignRules.TryParseScope(text, out var parsed, out var parsedValue));
        if (ok)
            Assert.Equal((kind, value), (parsed, parsedValue));
    }

    [Fact]
    public void The_schedule_opens_the_spot_audit_in_its_months_and_the_full_audit_in_its_months()
    {
        var options = new CampaignOptions
        {
            SpotMonths = "1,4,7,10",
            FullMonths = "10",
            SpotSampleSize = 30,
        };

        var october = CampaignSchedulePlan.Due(options, new DateOnly(2026, 10, 1));
        var november = CampaignSchedulePlan.Due(options, new DateOnly(2026, 11, 1));

        Assert.Equal(["spot-2026-10", "full-2026-10"], october.Select(d => d.Id));
        Assert.Equal((CampaignMode.Sample, 30), (october[0].Definition.Mode, october[0].Definition.SampleSize));
        Assert.Equal(CampaignSchedulePlan.SeedOf("spot-2026-10"), october[0].Definition.Seed);
        Assert.Empty(november);
        Assert.Empty(
            CampaignSchedulePlan.Due(new CampaignOptions { ScheduleEnabled = false }, new DateOnly(2026, 12, 1))
        );
    }

    [Theory]
    [InlineData("1,13", "12", "all")]
    [InlineData("1", "x", "all")]
    [InlineData("1", "12", "department")]
    public void Invalid_schedule_settings_are_refused_at_start(string spot, string full, string scope) =>
        Assert.NotNull(
            CampaignSchedulePlan.Invalid(
                new CampaignOptions
                {
                    SpotMonths = spot,
                    FullMonths = full,
                    SpotScope = scope,
                }
            )
        );
}
