using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>Home for those who read the inventory: assets by state over every page of the search, the assets offline
/// now (the open offline findings), open findings by kind linking to the list.</summary>
public sealed class HomePageTests
{
    private static string Asset(string id, string state) =>
        $$"""
        {"id":"{{id}}","kind":"Hardware","type":"Laptop","state":"{{state}}","criticality":"Low",
         "needsReview":false}
        """;

    private static RecordingApi Api() =>
        new RecordingApi()
            .On(
                "GET assets?pageSize=1000",
                $$"""{"items":[{{Asset("a1", "Deployed")}},{{Asset("a2", "InStock")}}],"continuationToken":"p2"}"""
            )
            .On("GET assets?pageSize=1000&continuationToken=p2", $$"""{"items":[{{Asset("a3", "Deployed")}}]}""")
            .On(
                "GET findings/summary?status=Open",
                """
                {"total":4,"items":[
                  {"kind":"offline","status":"Open","department":"Finance","count":2},
                  {"kind":"offline","status":"Acknowledged","department":"Finance","count":5},
                  {"kind":"idle-asset","status":"Open","department":null,"count":1}]}
                """
            )
            .On(
                "GET findings?kind=offline&status=Open&pageSize=50",
                """
                {"items":[
                  {"id":"offline.a1.asset","kind":"offline","subjectType":"asset","subjectId":"a1","severity":"Medium",
                   "status":"Open","text":"No check-in since 2026-12-05 08:00:00Z",
                   "facts":{"lastSeenAt":"2026-12-05T08:00:00Z"},
                   "firstRaisedAt":"2026-12-05T10:00:00Z","lastConfirmedAt":"2026-12-06T10:00:00Z",
                   "lastChangedAt":"2026-12-05T10:00:00Z","occurrences":1},
                  {"id":"offline.a3.asset","kind":"offline","subjectType":"asset","subjectId":"a3","severity":"Medium",
                   "status":"Open","text":"Never checked in since enrollment","facts":{},
                   "firstRaisedAt":"2026-12-05T10:00:00Z","lastConfirmedAt":"2026-12-06T10:00:00Z",
                   "lastChangedAt":"2026-12-05T10:00:00Z","occurrences":1}]}
                """
            );

    [Fact]
    public void Counts_by_state_offline_now_and_open_findings_by_kind()
    {
        using var context = Api().Context(Roles.DepartmentLead);

        var page = context.Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("Never checked in since enrollment", page.Markup));
        var states = page.FindAll("section[aria-labelledby=states] .kpi").Select(k => k.TextContent.Trim());
        Assert.Equal(["Deployed2", "InStock1"], states);
        var offline = page.FindAll("table[aria-label='Offline now'] tbody tr");
        Assert.Equal(2, offline.Count);
        // Never seen is the longest silent: first.
        Assert.Equal(["a3", "never"], offline[0].Children.Take(2).Select(c => c.TextContent));
        Assert.Equal("2026-12-05 08:00:00Z", offline[1].Children[1].TextContent);
        Assert.Equal("assets/a1", offline[1].QuerySelector("a")!.GetAttribute("href"));
        var kinds = page.FindAll("section[aria-labelledby=findings] a.kpi");
        Assert.Equal(["idle-asset1", "offline2"], kinds.Select(k => k.TextContent.Replace(" ", "").Trim()));
        Assert.Equal("findings?kind=offline&status=Open", kinds[1].GetAttribute("href"));
    }

    [Fact]
    public void No_offline_asset_is_said_in_words()
    {
        var api = Api().On("GET findings?kind=offline&status=Open&pageSize=50", """{"items":[]}""");
        using var context = api.Context(Roles.Admin);
        context.JSInterop.Mode = JSRuntimeMode.Loose;

        var page = context.Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("No asset is offline.", page.Markup));
    }

    [Fact]
    public void An_employee_gets_a_link_to_their_devices_and_no_inventory_call()
    {
        var api = Api();
        using var context = api.Context();

        var page = context.Render<Home>();

        page.WaitForAssertion(() => Assert.Contains("See your devices", page.Markup));
        Assert.Empty(api.Requests);
    }
}
