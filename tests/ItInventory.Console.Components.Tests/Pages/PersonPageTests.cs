using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>A person's page: what they own, and recording a departure through the people import.</summary>
public sealed class PersonPageTests
{
    private const string Id = "d0000000-0000-4000-8000-000000000009";

    private static RecordingApi Person(string status) =>
        new RecordingApi()
            .On(
                $"GET people/{Id}",
                $$"""
                {"objectId":"{{Id}}","displayName":"Charles Babbage","email":"charles@contoso.test",
                 "department":"R&D, Engines","status":"{{status}}","employeeId":"=E42"}
                """
            )
            .On(
                $"GET assets?owner={Id}&pageSize=100",
                """
                {"items":[{"id":"a1","name":"LAPTOP-7","tag":"IT-0007","kind":"Hardware","type":"Laptop",
                  "state":"Deployed","criticality":"Medium","needsReview":false}]}
                """
            );

    [Fact]
    public void A_departed_person_still_holding_assets_is_called_out()
    {
        using var context = Person("Departed").Context(Roles.Auditor);

        var page = context.Render<Person>(p => p.Add(x => x.ObjectId, Id));

        page.WaitForAssertion(() => Assert.Contains("LAPTOP-7", page.Markup));
        Assert.Contains("Left, but still holds 1 asset(s).", page.Find("[role=alert]").TextContent);
        // Only admins change the directory.
        Assert.False(page.HasButton("Mark as active again"));
    }

    [Fact]
    public void An_admin_records_a_departure_as_a_one_row_import_of_the_person()
    {
        var api = Person("Active")
            .On("POST people/import", """{"created":0,"updated":1,"unchanged":0,"rejected":0,"rejections":[]}""");
        using var context = api.Context(Roles.Admin);
        var page = context.Render<Person>(p => p.Add(x => x.ObjectId, Id));
        page.WaitForAssertion(() => Assert.Contains("LAPTOP-7", page.Markup));

        page.Button("Mark as departed").Click();

        page.WaitForAssertion(() => Assert.Contains("Marked as departed.", page.Markup));
        Assert.Equal(
            "objectId,displayName,email,department,managerObjectId,status,employeeId\r\n"
                + $"{Id},Charles Babbage,charles@contoso.test,\"R&D, Engines\",,Departed,'=E42\r\n",
            api.Requests.Single(r => r.Request == "POST people/import").Body
        );
    }

    [Fact]
    public void A_refused_row_of_the_import_is_shown_in_words()
    {
        var api = Person("Active")
            .On(
                "POST people/import",
                """
                {"created":0,"updated":0,"unchanged":0,"rejected":1,
                 "rejections":[{"row":2,"field":"managerObjectId","reason":"The manager is not in the directory."}]}
                """
            );
        using var context = api.Context(Roles.Admin);
        var page = context.Render<Person>(p => p.Add(x => x.ObjectId, Id));
        page.WaitForAssertion(() => Assert.Contains("LAPTOP-7", page.Markup));

        page.Button("Mark as departed").Click();

        page.WaitForAssertion(() =>
            Assert.Contains(
                "managerObjectId: The manager is not in the directory.",
                page.Find("[role=alert]").TextContent
            )
        );
    }

    [Fact]
    public void A_person_outside_the_callers_departments_is_refused_in_words()
    {
        var api = new RecordingApi().Problem(
            $"GET people/{Id}",
            HttpStatusCode.Forbidden,
            "Forbidden",
            "Requires the Inventory.Admin or Inventory.Auditor role."
        );
        using var context = api.Context(Roles.DepartmentLead);

        var page = context.Render<Person>(p => p.Add(x => x.ObjectId, Id));

        page.WaitForAssertion(() =>
            Assert.Contains("Requires the Inventory.Admin", page.Find("[role=alert]").TextContent)
        );
        Assert.False(api.Received($"GET assets?owner={Id}&pageSize=100"));
    }
}
