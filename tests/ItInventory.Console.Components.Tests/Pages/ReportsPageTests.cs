using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The Reports page: every kind rendered by kind, period and files; downloads through the API; generating a
/// finance summary (admins only).</summary>
public sealed class ReportsPageTests
{
    private const string Two = """
        {"items":[
          {"kind":"finance","period":"2026-10","generatedAt":"2026-11-01T02:00:00Z",
           "files":["finance-2026-10.xlsx","finance-2026-10.csv"]},
          {"kind":"finance","period":"2026-11","generatedAt":"2026-12-01T02:00:00Z","files":["finance-2026-11.csv"]},
          {"kind":"licence-position","period":"2026-Q4","generatedAt":"2026-12-01T03:00:00Z",
           "files":["position.html"]}]}
        """;

    [Fact]
    public void Every_kind_is_listed_under_its_own_heading_newest_period_first()
    {
        using var context = new RecordingApi().On("GET reports", Two).Context(Roles.Auditor);

        var page = context.Render<Reports>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("h2").Count));
        Assert.Equal(["Finance summary", "Licence position reports"], page.FindAll("h2").Select(h => h.TextContent));
        var finance = page.FindAll("table")[0].QuerySelectorAll("tbody tr");
        Assert.StartsWith("2026-11", finance[0].TextContent);
        Assert.True(page.HasButton("Download finance-2026-10.xlsx of 2026-10"));
        Assert.True(page.HasButton("Download position.html of 2026-Q4"));
        Assert.False(page.HasButton("Generate finance summary"));
    }

    [Fact]
    public void A_download_fetches_the_file_with_the_users_token_and_hands_it_to_the_browser()
    {
        var api = new RecordingApi()
            .On("GET reports", Two)
            .On("GET reports/finance/2026-10/finance-2026-10.csv", "period,assets\n2026-10,3\n");
        using var context = api.Context(Roles.DepartmentLead);
        var module = context.JSInterop.SetupModule("./js/download.js");
        module.SetupVoid("save", _ => true);
        var page = context.Render<Reports>();
        page.WaitForAssertion(() => Assert.Contains("2026-10", page.Markup));

        page.Button("Download finance-2026-10.csv of 2026-10").Click();

        page.WaitForAssertion(() => Assert.Single(module.Invocations["save"]));
        var saved = module.Invocations["save"].Single().Arguments;
        Assert.Equal("finance-2026-10.csv", saved[0]);
        Assert.Equal("period,assets\n2026-10,3\n", System.Text.Encoding.UTF8.GetString((byte[])saved[2]!));
    }

    [Fact]
    public void An_admin_generates_a_finance_summary_for_a_month()
    {
        var api = new RecordingApi()
            .On("GET reports", """{"items":[]}""")
            .On(
                "POST reports/finance",
                """
                {"kind":"finance","period":"2026-09","generatedAt":"2026-12-01T02:00:00Z","files":["a.csv","b.xlsx"]}
                """
            );
        using var context = api.Context(Roles.Admin);
        var page = context.Render<Reports>();
        page.WaitForAssertion(() => Assert.Contains("No report has been generated yet.", page.Markup));

        page.Find("input[name=period]").Change("2026-09");
        page.Find("form").Submit();

        page.WaitForAssertion(() => Assert.Contains("Finance summary 2026-09 generated (2 files).", page.Markup));
        Assert.Equal("""{"period":"2026-09"}""", api.Requests.Single(r => r.Request == "POST reports/finance").Body);
    }

    [Fact]
    public void An_outage_is_shown_in_words()
    {
        var api = new RecordingApi().Problem(
            "GET reports",
            HttpStatusCode.ServiceUnavailable,
            "Storage is unavailable",
            "Try again in a few seconds."
        );
        using var context = api.Context(Roles.Admin);

        var page = context.Render<Reports>();

        page.WaitForAssertion(() => Assert.Contains("Storage is unavailable", page.Find("[role=alert]").TextContent));
    }
}
