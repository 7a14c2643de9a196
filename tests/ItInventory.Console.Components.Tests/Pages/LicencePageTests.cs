using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>A licence product's page: entitlements, compliance and seats; assigning and releasing seats.</summary>
public sealed class LicencePageTests
{
    private static RecordingApi Product() =>
        new RecordingApi()
            .On(
                "GET licences/visio",
                """
                {"productId":"visio","name":"Visio","vendor":"Microsoft","metric":"PerUser","currency":"EUR",
                 "rules":[{"name":"Visio*"}],"createdAt":"2026-11-02T00:00:00Z","updatedAt":"2026-11-02T00:00:00Z",
                 "assignedSeats":1,"entitlements":[
                   {"entitlementId":"e1","reference":"PO-17","type":"Subscription","seats":5,"unitCost":120,
                    "endDate":"2027-10-31","active":true,"etag":"W/\"1\""}]}
                """
            )
            .On(
                "GET licences/visio/compliance",
                """
                {"productId":"visio","productName":"Visio","metric":"PerUser","status":"OverLicensed",
                 "installations":1,"installingAssets":1,"purchasedSeats":5,"assignedSeats":1,"shortfall":0,
                 "surplus":4,"surplusCost":480,"currency":"EUR","computedAt":"2026-11-03T02:00:00Z"}
                """
            )
            .On(
                "GET licences/visio/seats?pageSize=100",
                """
                {"items":[{"seatId":"person-d0000000-0000-4000-8000-000000000005","assigneeKind":"person",
                  "assigneeId":"d0000000-0000-4000-8000-000000000005","assignedAt":"2026-11-02T10:00:00Z",
                  "assignedBy":"admin@contoso.test"}]}
                """
            );

    [Fact]
    public void Shows_entitlements_compliance_and_seats()
    {
        using var context = Product().Context(Roles.Auditor);

        var page = context.Render<Licence>(p => p.Add(x => x.ProductId, "visio"));

        page.WaitForAssertion(() => Assert.Contains("PO-17", page.Markup));
        Assert.Contains("Unused seats", page.Find("dl[aria-label=Compliance]").TextContent);
        Assert.Contains("480.00 EUR", page.Find("dl[aria-label=Compliance]").TextContent);
        Assert.Contains(
            "person d0000000-0000-4000-8000-000000000005",
            page.Find("table[aria-label=Seats]").TextContent
        );
        // An auditor changes nothing.
        Assert.False(page.HasButton("Release"));
        Assert.False(page.HasButton("Assign seat"));
        Assert.False(page.HasButton("Add entitlement"));
    }

    [Fact]
    public void An_admin_releases_a_seat()
    {
        var api = Product()
            .On(
                "DELETE licences/visio/seats/person-d0000000-0000-4000-8000-000000000005",
                "",
                HttpStatusCode.NoContent
            );
        using var context = api.Context(Roles.Admin);
        var page = context.Render<Licence>(p => p.Add(x => x.ProductId, "visio"));
        page.WaitForAssertion(() => Assert.Contains("PO-17", page.Markup));

        page.Button("Release").Click();

        page.WaitForAssertion(() => Assert.Contains("released.", page.Markup));
        Assert.True(api.Received("DELETE licences/visio/seats/person-d0000000-0000-4000-8000-000000000005"));
    }

    [Fact]
    public void Assigning_a_seat_beyond_the_purchased_ones_shows_the_conflict()
    {
        var api = Product()
            .Problem(
                "POST licences/visio/seats",
                HttpStatusCode.Conflict,
                "Conflict",
                "All 5 purchased seats of Visio are assigned."
            );
        using var context = api.Context(Roles.Admin);
        var page = context.Render<Licence>(p => p.Add(x => x.ProductId, "visio"));
        page.WaitForAssertion(() => Assert.Contains("PO-17", page.Markup));

        page.Find("select[name=holderKind]").Change("asset");
        page.Find("input[name=holderId]").Change("asset-42");
        page.Find("form[aria-label='Assign a seat']").Submit();

        page.WaitForAssertion(() =>
            Assert.Contains("All 5 purchased seats of Visio are assigned.", page.Find("[role=alert]").TextContent)
        );
        Assert.Equal(
            """{"assetId":"asset-42"}""",
            api.Requests.Single(r => r.Request == "POST licences/visio/seats").Body
        );
    }

    [Fact]
    public void An_unknown_product_says_so()
    {
        var api = new RecordingApi().Problem(
            "GET licences/nope",
            HttpStatusCode.NotFound,
            "Not found",
            "There is no licence product 'nope'."
        );
        using var context = api.Context(Roles.Admin);

        var page = context.Render<Licence>(p => p.Add(x => x.ProductId, "nope"));

        page.WaitForAssertion(() => Assert.Contains("There is no licence product", page.Markup));
        Assert.Empty(page.FindAll("table"));
    }
}
