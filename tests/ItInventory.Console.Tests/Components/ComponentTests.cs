using System.Net;
using System.Text.Json;
using Bunit;
using ItInventory.Console.Pages;
using ItInventory.Console.Services;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Console.Tests.Components;

/// <summary>The findings list and its filters, the scan page's results and the KPI sparklines, rendered with bUnit
/// against a stubbed HTTP edge (the real <see cref="ApiClient"/>, the API's own contract types).</summary>
public sealed class ComponentTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);
    private readonly BunitContext context = new();
    private readonly StubApi api = new();

    public ComponentTests()
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddSingleton(api.Client());
        context.Services.AddSingleton<TimeProvider>(new FixedClock(Now));
    }

    public void Dispose() => context.Dispose();

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, ApiClient.Json);

    private static FindingView Finding(string id, string text, string department = "Finance") =>
        new(
            id,
            FindingKinds.Missing,
            FindingSubjects.Asset,
            "asset-1",
            FindingSeverity.High,
            FindingStatus.Open,
            department,
            text,
            null,
            Now.AddDays(-40),
            Now.AddDays(-1),
            Now.AddDays(-1),
            null,
            null,
            null,
            null,
            1,
            null,
            null
        );

    [Fact]
    public void Findings_list_opens_on_open_findings_and_links_each_to_its_detail()
    {
        api.Answer(
            HttpMethod.Get,
            "findings?",
            Json(new FindingPage([Finding("missing.asset-1.asset", "Laptop 7 is silent")], null))
        );

        var cut = context.Render<Findings>();

        cut.WaitForAssertion(() => Assert.Equal("Laptop 7 is silent", cut.Find("table a").TextContent));
        Assert.Equal("findings/detail?id=missing.asset-1.asset", cut.Find("table a").GetAttribute("href"));
        Assert.Equal("/api/findings?pageSize=50&status=Open", Assert.Single(api.Requests).PathAndQuery);
    }

    [Fact]
    public void Findings_filters_become_the_api_query_with_the_age_counted_from_today()
    {
        api.Answer(HttpMethod.Get, "findings?", Json(new FindingPage([], null)));
        var cut = context.Render<Findings>();
        cut.WaitForAssertion(() => cut.Find("p:last-of-type").MarkupMatches("<p>No finding matches.</p>"));

        cut.Find("select[name=kind]").Change(FindingKinds.OwnershipGap);
        cut.Find("select[name=status]").Change("");
        cut.Find("select[name=severity]").Change("High");
        cut.Find("input[name=department]").Change("R&D");
        cut.Find("select[name=age]").Change("older-30");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Equal(2, api.Requests.Count));
        Assert.Equal(
            "/api/findings?pageSize=50&kind=ownership-gap&severity=High&department=R%26D&raisedBefore=2026-11-07",
            api.Requests[1].PathAndQuery
        );
    }

    [Fact]
    public void Findings_list_follows_the_continuation_token_with_more()
    {
        api.Answer(HttpMethod.Get, "findings?", Json(new FindingPage([Finding("a", "First")], "next-page")));
        api.Answer(
            HttpMethod.Get,
            "findings?pageSize=50&status=Open&continuationToken=next-page",
            Json(new FindingPage([Finding("b", "Second")], null))
        );
        var cut = context.Render<Findings>();
        cut.WaitForAssertion(() => cut.Find("button:not([type=submit])"));

        cut.Find("button:not([type=submit])").Click();

        cut.WaitForAssertion(() =>
            Assert.Equal(["First", "Second"], cut.FindAll("table a").Select(a => a.TextContent))
        );
        Assert.Empty(cut.FindAll("button:not([type=submit])"));
    }

    [Fact]
    public void A_problem_answer_is_shown_in_words()
    {
        api.Answer(
            HttpMethod.Get,
            "findings?",
            """{"status":400,"title":"The query is invalid.","errors":{"department":["Too long."]}}""",
            HttpStatusCode.BadRequest
        );

        var cut = context.Render<Findings>();

        cut.WaitForAssertion(() => Assert.Contains("The query is invalid.", cut.Find("[role=alert]").TextContent));
        Assert.Contains("department: Too long.", cut.Find("[role=alert] li").TextContent);
    }

    private static CampaignRecordView Record(
        string outcome,
        int records = 1,
        string? reason = null,
        bool? matches = true,
        string? location = "hq"
    ) =>
        new(
            "c1",
            outcome,
            reason == "unknown-tag" ? null : "asset-1",
            "ITI-000042",
            reason,
            "hq",
            location,
            matches,
            "Good",
            Now,
            "aude@contoso.test",
            records
        );

    [Theory]
    [InlineData("found", 1, null, true, "scan-ok", "Expected — recorded found, at its recorded location")]
    [InlineData("found", 1, null, false, "scan-ok", "Expected — recorded found, at warehouse (recorded at hq)")]
    [InlineData("found", 3, null, true, "scan-again", "Already recorded — recorded again (3 records), at its")]
    [InlineData("missing", 1, null, null, "scan-warn", "Recorded missing")]
    [InlineData("unexpected", 1, "unknown-tag", null, "scan-warn", "Unexpected — no asset has this tag")]
    [InlineData("unexpected", 1, "not-in-campaign", null, "scan-warn", "Unexpected — this asset is not in the")]
    public void A_recorded_scan_is_shown_as_expected_already_recorded_missing_or_unexpected(
        string outcome,
        int records,
        string? reason,
        bool? matches,
        string css,
        string headline
    )
    {
        var answer = new ApiResult<CampaignRecordView>(
            Record(outcome, records, reason, matches, matches == false ? "warehouse" : "hq"),
            null,
            null,
            HttpStatusCode.OK
        );

        var cut = context.Render<ScanResultView>(p => p.Add(c => c.Outcome, ScanOutcome.From("ITI-000042", answer)));

        var result = cut.Find(".scan-result");
        Assert.Contains(css, result.ClassList);
        Assert.Equal("ITI-000042", result.QuerySelector("strong")!.TextContent);
        Assert.Contains(headline, result.TextContent);
        Assert.Empty(cut.FindAll("[role=alert]"));
    }

    [Fact]
    public void A_scan_outside_the_campaign_shows_the_422_problem_and_records_nothing()
    {
        var problem = ApiProblem.From(
            HttpStatusCode.UnprocessableEntity,
            """{"status":422,"title":"Unknown reference.","detail":"Asset 'a9' is not in campaign 'c1'."}"""
        );
        var answer = new ApiResult<CampaignRecordView>(null, null, problem, HttpStatusCode.UnprocessableEntity);

        var cut = context.Render<ScanResultView>(p => p.Add(c => c.Outcome, ScanOutcome.From("a9", answer)));

        Assert.Contains("Outside the campaign — not recorded", cut.Find(".scan-result").TextContent);
        Assert.Contains("scan-warn", cut.Find(".scan-result").ClassList);
        Assert.Contains("Asset 'a9' is not in campaign 'c1'.", cut.Find("[role=alert]").TextContent);
    }

    [Fact]
    public void The_scan_page_posts_a_typed_tag_as_a_campaign_record_and_lists_the_newest_result_first()
    {
        var campaign = new CampaignView(
            "c1",
            "Finance count",
            "open",
            "department",
            "Finance",
            "full",
            null,
            null,
            null,
            "manual",
            null,
            3,
            3,
            Now,
            "ada",
            null,
            null,
            null,
            null,
            null,
            null
        );
        api.Answer(HttpMethod.Get, "campaigns/c1", Json(campaign));
        api.Answer(HttpMethod.Post, "campaigns/c1/records", Json(Record("found")));
        context
            .Services.GetRequiredService<Bunit.TestDoubles.BunitNavigationManager>()
            .NavigateTo("campaigns/scan?id=c1");
        var cut = context.Render<CampaignScan>();
        cut.WaitForAssertion(() => Assert.Equal("Scan: Finance count", cut.Find("h1").TextContent));

        cut.Find("input[name=tag]").Change(" iti-000042 ");
        cut.Find("select[name=condition]").Change("damaged");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll(".scan-result")));
        var post = api.Requests.Single(r => r.Method == HttpMethod.Post);
        Assert.Equal("/api/campaigns/c1/records", post.PathAndQuery);
        Assert.Equal("""{"tag":"ITI-000042","result":"found","condition":"damaged"}""", post.Body);
        Assert.Contains("Expected — recorded found", cut.Find(".scan-result").TextContent);
        Assert.Equal("", cut.Find("input[name=tag]").GetAttribute("value") ?? "");
    }

    [Theory]
    [InlineData("ITI-000042\nhttps://inventory.contoso.test/api/assets/a-1", "ITI-000042", null)]
    [InlineData(" iti-000042 ", "ITI-000042", null)]
    [InlineData("https://inventory.contoso.test/api/assets/a%201", null, "a 1")]
    [InlineData("https://example.test/menu", null, null)]
    public void A_qr_label_or_typed_text_is_read_as_a_tag_or_an_asset_id(string text, string? tag, string? assetId)
    {
        var input = ScanInput.Read(text);

        Assert.Equal((tag, assetId), (input?.Tag, input?.AssetId));
    }

    [Fact]
    public void A_sparkline_draws_the_series_in_its_box_and_skips_days_without_a_value()
    {
        var cut = context.Render<Sparkline>(p =>
            p.Add(c => c.Values, [0.5, null, 1.0, 0.75]).Add(c => c.Label, "Utilisation, last 90 days")
        );

        var svg = cut.Find("svg");
        Assert.Equal("Utilisation, last 90 days", svg.GetAttribute("aria-label"));
        Assert.Equal("img", svg.GetAttribute("role"));
        // x from 2 to 118 over three steps; y from 30 (the minimum) to 2 (the maximum).
        Assert.Equal("2,30 79.3,2 118,16", cut.Find("polyline").GetAttribute("points"));
    }

    [Fact]
    public void A_sparkline_without_values_says_so_and_a_flat_one_runs_through_the_middle()
    {
        Assert.Contains("no history yet", context.Render<Sparkline>(p => p.Add(c => c.Values, [null, null])).Markup);
        Assert.Equal("2,16 118,16", SparklineGeometry.Points([3, 3], 120, 32));
    }

    [Fact]
    public void Kpi_tiles_show_the_latest_value_the_month_over_month_change_and_a_sparkline()
    {
        var snapshot = Snapshot("2026-12-06", utilisation: 0.62, offline: 4);
        var latest = new KpiLatest(
            snapshot,
            Snapshot("2026-11-06", utilisation: 0.585, offline: 6),
            new Dictionary<string, double?> { [KpiNames.UtilisationRate] = 0.035, [KpiNames.Offline] = -2 }
        );
        api.Answer(HttpMethod.Get, "kpis/latest", Json(latest));
        api.Answer(
            HttpMethod.Get,
            "kpis/series?kpi=utilisationRate",
            Json(
                new KpiSeries(
                    KpiNames.UtilisationRate,
                    null,
                    "2026-09-08",
                    "2026-12-06",
                    [new("2026-12-04", 0.6), new("2026-12-05", 0.61), new("2026-12-06", 0.62)]
                )
            )
        );

        var cut = context.Render<KpiSparklines>();

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-kpi=utilisationRate] polyline")));
        var utilisation = cut.Find("[data-kpi=utilisationRate]");
        Assert.Equal("62 %", utilisation.QuerySelector("strong")!.TextContent);
        Assert.Equal("+3.5 pts vs a month before", utilisation.QuerySelector("small")!.TextContent);
        var offline = cut.Find("[data-kpi=offline]");
        Assert.Equal("4", offline.QuerySelector("strong")!.TextContent);
        Assert.Equal("−2 vs a month before", offline.QuerySelector("small")!.TextContent);
        Assert.Contains("no history yet", offline.TextContent);
        Assert.Contains(api.Requests, r => r.PathAndQuery == "/api/kpis/series?kpi=offline&to=2026-12-06");
    }

    [Fact]
    public void Without_a_kpi_snapshot_home_says_none_was_taken_yet()
    {
        api.Answer(HttpMethod.Get, "kpis/latest", """{"status":404,"title":"Not found."}""", HttpStatusCode.NotFound);

        var cut = context.Render<KpiSparklines>();

        cut.WaitForAssertion(() => Assert.Contains("No KPI snapshot yet", cut.Markup));
        Assert.Empty(cut.FindAll("[role=alert]"));
    }

    private static KpiSnapshot Snapshot(string day, double utilisation, int offline) =>
        new(
            day,
            null,
            Now,
            "timer",
            true,
            0.9,
            null,
            null,
            null,
            null,
            null,
            utilisation,
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            null,
            0,
            10,
            null,
            null,
            offline,
            0,
            1,
            null
        );
}
