using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The Licences page: compliance per product and in sum, reclamation candidates, what each role is offered,
/// and the API's problems in words.</summary>
public sealed class LicencesPageTests
{
    private const string List = "GET licences/compliance?pageSize=100";

    private const string TwoProducts = """
        {"items":[
          {"productId":"visio","productName":"Visio","metric":"PerUser","status":"UnderLicensed","installations":7,
           "installingAssets":7,"purchasedSeats":5,"assignedSeats":5,"shortfall":2,"surplus":0,"currency":"EUR"},
          {"productId":"acrobat","productName":"Acrobat","metric":"PerDevice","status":"OverLicensed","installations":3,
           "installingAssets":3,"purchasedSeats":10,"assignedSeats":3,"shortfall":0,"surplus":7,"surplusCost":700.5,
           "currency":"EUR"}]}
        """;

    [Fact]
    public void Shows_each_products_compliance_and_the_under_licensed_and_unused_totals()
    {
        var api = new RecordingApi().On(List, TwoProducts);
        using var context = api.Context(Roles.Admin);

        var page = context.Render<Licences>();

        page.WaitForAssertion(() => Assert.Contains("Visio", page.Markup));
        var rows = page.FindAll("table[aria-label='Licence products'] tbody tr");
        Assert.Equal(2, rows.Count);
        Assert.Contains("Under-licensed", rows[0].TextContent);
        Assert.Contains("700.50 EUR", rows[1].TextContent);
        var kpis = page.FindAll(".kpi")
            .Select(k => (k.QuerySelector("span")!.TextContent, k.QuerySelector("strong")!.TextContent))
            .ToList();
        Assert.Equal([("Under-licensed products", "1"), ("Seats missing", "2"), ("Unused seats", "7")], kpis);
        Assert.True(page.HasButton("Recompute compliance"));
        Assert.True(page.HasButton("Create product"));
    }

    [Fact]
    public void An_auditor_finds_reclamation_candidates_but_is_offered_no_change()
    {
        var api = new RecordingApi()
            .On(List, """{"items":[]}""")
            .On(
                "POST licences/reclaim?dryRun=true",
                """
                {"dryRun":true,"graceDays":30,"seatsEvaluated":4,"released":[
                  {"productId":"visio","productName":"Visio","seatId":"person-1","assigneeKind":"person",
                   "assigneeId":"1","reason":"departed"}]}
                """
            );
        using var context = api.Context(Roles.Auditor);
        var page = context.Render<Licences>();
        page.WaitForAssertion(() => Assert.Contains("No licence product matches.", page.Markup));

        page.Button("Find reclamation candidates").Click();

        page.WaitForAssertion(() => Assert.Contains("The holder has left", page.Markup));
        Assert.False(page.HasButton("Release these seats"));
        Assert.False(page.HasButton("Recompute compliance"));
        Assert.False(page.HasButton("Create product"));
    }

    [Fact]
    public void A_department_lead_reads_compliance_without_reclamation()
    {
        var api = new RecordingApi().On(List, TwoProducts);
        using var context = api.Context(Roles.DepartmentLead);

        var page = context.Render<Licences>();

        page.WaitForAssertion(() => Assert.Contains("Acrobat", page.Markup));
        Assert.False(page.HasButton("Find reclamation candidates"));
        Assert.Contains("Administrators and auditors see the seats that could be reclaimed.", page.Markup);
    }

    [Fact]
    public void A_refusal_of_the_api_is_shown_in_words()
    {
        var api = new RecordingApi().Problem(
            List,
            HttpStatusCode.Forbidden,
            "Forbidden",
            "Requires the Inventory.Admin, Inventory.Auditor or Inventory.DepartmentLead role."
        );
        using var context = api.Context(Roles.Admin);

        var page = context.Render<Licences>();

        page.WaitForAssertion(() =>
            Assert.Contains("Requires the Inventory.Admin", page.Find("[role=alert]").TextContent)
        );
    }

    [Fact]
    public void An_admin_creates_a_product_with_one_matching_rule()
    {
        var api = new RecordingApi()
            .On(List, """{"items":[]}""")
            .On(
                "POST licences",
                """
                {"productId":"p1","name":"Visio","metric":"PerDevice","currency":"EUR","rules":[{"name":"Visio*"}],
                 "createdAt":"2026-11-02T00:00:00Z","updatedAt":"2026-11-02T00:00:00Z","assignedSeats":0,
                 "entitlements":[]}
                """,
                HttpStatusCode.Created
            );
        using var context = api.Context(Roles.Admin);
        var page = context.Render<Licences>();
        page.WaitForAssertion(() => Assert.Contains("No licence product matches.", page.Markup));

        page.Find("input[name=name]").Change("Visio");
        page.Find("select[name=metric]").Change("PerDevice");
        page.Find("input[name=rule]").Change("Visio*");
        page.Find("form[aria-label='New licence product']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Visio created.", page.Markup));
        var body = api.Requests.Single(r => r.Request == "POST licences").Body!;
        Assert.Contains("\"metric\":\"PerDevice\"", body);
        Assert.Contains("\"rules\":[{\"name\":\"Visio*\"}]", body);
    }
}
