using System.Net;
using ItInventory.Console.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The finding page's assign form: the department's active people offered, the choice sent under the
/// finding's ETag, the API's refusals in words, and nothing offered to those who may not act.</summary>
public sealed class FindingAssignTests
{
    private const string Id = "offline.asset-7.asset";
    private const string Ada = "a0000000-0000-4000-8000-000000000001";
    private const string Bob = "b0000000-0000-4000-8000-000000000002";

    private static string FindingJson(string? assignee = null, string status = "Open") =>
        $$"""
            {"id":"{{Id}}","kind":"offline","subjectType":"asset","subjectId":"asset-7","severity":"Medium",
             "status":"{{status}}","department":"Finance","text":"No check-in since 2026-12-01",
             "firstRaisedAt":"2026-12-02T00:00:00Z","lastConfirmedAt":"2026-12-06T00:00:00Z",
             "lastChangedAt":"2026-12-06T00:00:00Z","occurrences":3,
             "assignee":{{(assignee is null ? "null" : $"\"{assignee}\"")}},
             "assigneeName":{{(assignee is null ? "null" : "\"Ada Lovelace\"")}},"history":[]}
            """;

    private static RecordingApi Api(string status = "Open") =>
        new RecordingApi()
            .On($"GET findings/{Id}", FindingJson(status: status), etag: "W/\"1\"")
            .On(
                "GET people?pageSize=200&status=Active&department=Finance",
                $$"""
                {"items":[
                  {"objectId":"{{Bob}}","displayName":"Bob Babbage","email":"bob@contoso.test","department":"Finance",
                   "status":"Active"},
                  {"objectId":"{{Ada}}","displayName":"Ada Lovelace","email":"ada@contoso.test","department":"Finance",
                   "status":"Active"}]}
                """
            );

    private static IRenderedComponent<Finding> Render(BunitContext context)
    {
        var navigation = context.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("findings/detail?id=" + Uri.EscapeDataString(Id));
        var page = context.Render<Finding>();
        page.WaitForAssertion(() => Assert.Contains("No check-in since", page.Markup));
        return page;
    }

    [Fact]
    public void An_admin_assigns_a_person_of_the_findings_department_under_its_etag()
    {
        var api = Api().On($"POST findings/{Id}/assign", FindingJson(Ada), etag: "W/\"2\"");
        using var context = api.Context(Roles.Admin);
        var page = Render(context);

        page.WaitForAssertion(() => Assert.Contains("Ada Lovelace (ada@contoso.test)", page.Markup));
        var options = page.FindAll("select[name=assignee] option").Select(o => o.TextContent).ToList();
        Assert.Equal(["Choose a person", "Ada Lovelace (ada@contoso.test)", "Bob Babbage (bob@contoso.test)"], options);
        page.Find("select[name=assignee]").Change(Ada);
        page.Find("form[aria-label='Assign the finding']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Assigned to Ada Lovelace.", page.Markup));
        var request = $"POST findings/{Id}/assign";
        Assert.Equal($$"""{"assignee":"{{Ada}}"}""", api.Requests.Single(r => r.Request == request).Body);
        Assert.Equal("W/\"1\"", api.IfMatch[request]);
    }

    [Fact]
    public void An_object_id_typed_in_wins_and_a_person_the_api_does_not_know_is_refused_in_words()
    {
        var api = Api()
            .On(
                $"POST findings/{Id}/assign",
                """
                {"status":422,"title":"Unknown reference","detail":"A referenced entry does not exist.",
                 "errors":{"assignee":["There is no active person 'c0ffee00-0000-4000-8000-000000000003'."]}}
                """,
                (HttpStatusCode)422
            );
        using var context = api.Context(Roles.DepartmentLead);
        var page = Render(context);
        page.WaitForAssertion(() => Assert.True(page.HasButton("Assign")));

        page.Find("select[name=assignee]").Change(Bob);
        page.Find("input[name=assigneeId]").Change("c0ffee00-0000-4000-8000-000000000003");
        page.Find("form[aria-label='Assign the finding']").Submit();

        page.WaitForAssertion(() =>
            Assert.Contains("assignee: There is no active person", page.Find("[role=alert]").TextContent)
        );
        Assert.Contains("c0ffee00-0000-4000-8000-000000000003", api.Requests.Last().Body);
    }

    [Fact]
    public void A_finding_changed_since_it_was_opened_is_not_assigned_and_says_reload()
    {
        var api = Api()
            .Problem(
                $"POST findings/{Id}/assign",
                HttpStatusCode.PreconditionFailed,
                "Precondition failed",
                "The finding changed since it was read."
            );
        using var context = api.Context(Roles.Admin);
        var page = Render(context);
        page.WaitForAssertion(() => Assert.Contains("Bob Babbage", page.Markup));

        page.Find("select[name=assignee]").Change(Bob);
        page.Find("form[aria-label='Assign the finding']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Changed since you opened it — reload.", page.Markup));
        Assert.True(page.HasButton("Reload"));
    }

    [Fact]
    public void Nobody_is_chosen_nothing_is_sent()
    {
        var api = Api();
        using var context = api.Context(Roles.Admin);
        var page = Render(context);
        page.WaitForAssertion(() => Assert.True(page.HasButton("Assign")));

        page.Find("form[aria-label='Assign the finding']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Choose a person to assign the finding to.", page.Markup));
        Assert.DoesNotContain(api.Requests, r => r.Request.StartsWith("POST", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Roles.Auditor, "Open")]
    [InlineData(Roles.Admin, "Resolved")]
    public void No_assign_form_for_an_auditor_or_a_closed_finding(string role, string status)
    {
        var api = Api(status);
        using var context = api.Context(role);
        var page = Render(context);

        Assert.False(page.HasButton("Assign"));
        Assert.False(api.Received("GET people?pageSize=200&status=Active&department=Finance"));
    }
}
