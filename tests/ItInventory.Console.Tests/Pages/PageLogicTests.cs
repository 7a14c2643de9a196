using System.Net;
using System.Security.Claims;
using System.Text.Json;
using ItInventory.Console.Services;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Catalogue;

namespace ItInventory.Console.Tests.Pages;

/// <summary>The pages' logic without a browser: problems in words, the edit form's patch, the search query, the Home
/// figures and what each role is shown.</summary>
public sealed class PageLogicTests
{
    [Fact]
    public void Problem_json_is_shown_with_its_title_detail_and_field_errors()
    {
        var problem = ApiProblem.From(
            HttpStatusCode.BadRequest,
            """
            {"status":400,"title":"Invalid request.","detail":"Fix the fields.","errors":{"$.location":["Too long."]}}
            """
        );

        Assert.Equal("Invalid request.", problem.Title);
        Assert.Equal("Fix the fields.", problem.Detail);
        Assert.Equal(["Too long."], problem.Errors["$.location"]);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed, "Changed since you opened it — reload.")]
    [InlineData(HttpStatusCode.Forbidden, "Your role does not allow this.")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "The service is unavailable for a moment; try again shortly.")]
    public void An_answer_without_a_problem_body_gets_words_for_its_status(HttpStatusCode status, string title)
    {
        var problem = ApiProblem.From(status, "<html>gateway</html>");

        Assert.Equal(title, problem.Title);
        Assert.Equal(status == HttpStatusCode.PreconditionFailed, problem.IsConflict);
    }

    [Fact]
    public void The_edit_form_sends_only_the_fields_changed_and_an_empty_string_to_clear_one()
    {
        var edit = new AssetEdit();
        edit.From(Asset() with { Owner = "ada@contoso.test", Location = "Desk 1", Department = "Finance" });
        edit.Location = "Desk 2";
        edit.Owner = "";

        var patch = edit.ToPatch();

        Assert.Equal("Desk 2", patch.Location);
        Assert.Equal("", patch.Owner);
        Assert.Null(patch.Department);
        Assert.Null(patch.Category);
    }

    [Fact]
    public void The_search_query_names_the_api_filters_and_escapes_values()
    {
        var query = new AssetQuery
        {
            Tag = " IT-0001 ",
            Department = "R&D",
            State = "InStock",
            NeedsReview = true,
        };

        Assert.Equal(
            "?pageSize=50&tag=IT-0001&department=R%26D&state=InStock&needsReview=true&continuationToken=abc",
            query.ToQuery("abc")
        );
    }

    [Fact]
    public void Home_counts_assets_by_state_and_open_findings_by_kind()
    {
        AssetListItem Item(string state) =>
            new("a", null, null, "Hardware", "Laptop", null, state, null, null, null, "Medium", null, false);
        var summary = JsonDocument
            .Parse(
                """
                {"total":6,"items":[
                  {"kind":"IdleAsset","status":"Open","count":2},
                  {"kind":"IdleAsset","status":"Open","department":"Finance","count":1},
                  {"kind":"OfflineAsset","status":"Open","count":3},
                  {"kind":"OfflineAsset","status":"Resolved","count":9}]}
                """
            )
            .RootElement;

        Assert.Equal(
            [("Deployed", 2), ("InStock", 1)],
            HomeFigures.ByState([Item("Deployed"), Item("InStock"), Item("Deployed")])
        );
        Assert.Equal([("IdleAsset", 3), ("OfflineAsset", 3)], HomeFigures.OpenFindingsByKind(summary));
    }

    [Theory]
    [InlineData(
        "Inventory.Admin",
        "Home,Assets,Review,Findings,Audit campaigns,Licences,People,Enrollment secrets,Reports,Audit trail,My devices"
    )]
    [InlineData(
        "Inventory.Auditor",
        "Home,Assets,Findings,Audit campaigns,Licences,People,Enrollment secrets,Reports,Audit trail,My devices"
    )]
    [InlineData("Inventory.DepartmentLead", "Home,Assets,Findings,Audit campaigns,Licences,People,Reports,My devices")]
    [InlineData(null, "Home,My devices")]
    public void Each_role_is_shown_the_pages_it_may_use(string? role, string pages)
    {
        var identity = new ClaimsIdentity("test", "name", "roles");
        if (role is not null)
            identity.AddClaim(new Claim("roles", role));

        Assert.Equal(pages, string.Join(',', Roles.Pages(new ClaimsPrincipal(identity)).Select(p => p.Title)));
    }

    private static AssetView Asset() =>
        new()
        {
            Id = "asset-1",
            Kind = "Hardware",
            Type = "Laptop",
            State = "InStock",
            Criticality = "Medium",
        };
}
