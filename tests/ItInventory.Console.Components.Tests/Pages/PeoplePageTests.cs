using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The People page: the directory with departures, and a department lead's narrower view.</summary>
public sealed class PeoplePageTests
{
    private const string Everyone = """
        {"items":[
          {"objectId":"p1","displayName":"Ada Lovelace","email":"ada@contoso.test","department":"Finance",
           "status":"Active"},
          {"objectId":"p2","displayName":"Charles Babbage","email":"charles@contoso.test","department":"Finance",
           "status":"Departed","departedAt":"2026-10-31T17:00:00Z"}],
         "continuationToken":"next"}
        """;

    [Fact]
    public void Lists_people_with_their_departures_and_pages_on()
    {
        var api = new RecordingApi()
            .On("GET people?pageSize=50", Everyone)
            .On("GET people?pageSize=50&continuationToken=next", """{"items":[]}""");
        using var context = api.Context(Roles.Auditor);

        var page = context.Render<People>();

        page.WaitForAssertion(() => Assert.Contains("Ada Lovelace", page.Markup));
        Assert.Contains("Departed 2026-10-31", page.FindAll("tbody tr")[1].TextContent);
        Assert.Equal("people/p2", page.FindAll("tbody tr")[1].QuerySelector("a")!.GetAttribute("href"));
        page.Button("Next page").Click();
        page.WaitForAssertion(() => Assert.Contains("Nobody matches.", page.Markup));
    }

    [Fact]
    public void A_department_lead_names_a_department_before_anything_is_listed()
    {
        var api = new RecordingApi()
            .On("GET people?pageSize=50&department=Finance&status=Departed", Everyone)
            .Problem(
                "GET people?pageSize=50&department=Sales",
                HttpStatusCode.Forbidden,
                "Forbidden",
                "Requires the Inventory.Admin or Inventory.Auditor role, or Inventory.DepartmentLead for this "
                    + "department."
            );
        using var context = api.Context(Roles.DepartmentLead);
        var page = context.Render<People>();
        Assert.Empty(api.Requests);
        Assert.Contains("As a department lead you see the people of your departments", page.Markup);

        page.Find("input[name=department]").Change("Sales");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("for this department", page.Find("[role=alert]").TextContent));

        page.Find("input[name=department]").Change("Finance");
        page.Find("select[name=status]").Change("Departed");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("Charles Babbage", page.Markup));
        Assert.Empty(page.FindAll("[role=alert]"));
    }
}
