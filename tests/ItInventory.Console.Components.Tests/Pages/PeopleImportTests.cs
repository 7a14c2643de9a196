using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The People page's CSV upload: the file sent as the API's people import, its report in words (created,
/// updated, unchanged, rejected rows with why), a refused file's problem, and no upload for those who may not.
/// </summary>
public sealed class PeopleImportTests
{
    private const string Csv =
        "objectId,displayName,email,department,managerObjectId,status\r\n"
        + "a0000000-0000-4000-8000-000000000001,Ada Lovelace,ada@contoso.test,Finance,,Active\r\n"
        + "not-a-guid,Bob,bob@contoso.test,Finance,,Active\r\n";

    private static RecordingApi Api() => new RecordingApi().On("GET people?pageSize=50", """{"items":[]}""");

    private static IRenderedComponent<People> Upload(BunitContext context)
    {
        var page = context.Render<People>();
        page.WaitForAssertion(() => Assert.Contains("Nobody matches.", page.Markup));
        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>()
            .UploadFiles(InputFileContent.CreateFromText(Csv, "people.csv", contentType: "text/csv"));
        return page;
    }

    [Fact]
    public void An_admin_uploads_a_csv_and_reads_what_was_created_updated_and_rejected()
    {
        var api = Api()
            .On(
                "POST people/import",
                """
                {"created":1,"updated":0,"unchanged":0,"rejected":1,
                 "rejections":[{"row":3,"field":"objectId","reason":"Must be an Entra object id (GUID)."}]}
                """
            );
        using var context = api.Context(Roles.Admin);

        var page = Upload(context);

        page.WaitForAssertion(() =>
            Assert.Contains(
                "Imported people.csv: 1 created, 0 updated, 0 unchanged, 1 rejected.",
                page.Find("[role=status]").TextContent
            )
        );
        var row = page.Find("table[aria-label='Rejected rows'] tbody tr");
        Assert.Equal(["3", "objectId", "Must be an Entra object id (GUID)."], row.Children.Select(c => c.TextContent));
        Assert.Equal(Csv, api.Requests.Single(r => r.Request == "POST people/import").Body);
        // The list is read again, so the imported people show.
        Assert.Equal(2, api.Requests.Count(r => r.Request == "GET people?pageSize=50"));
    }

    [Fact]
    public void A_file_the_api_refuses_whole_is_shown_as_its_problem_in_words()
    {
        var api = Api()
            .On(
                "POST people/import",
                """
                {"status":400,"title":"The request is invalid.",
                 "detail":"The header row lacks status; expected objectId,displayName,email,department,status."}
                """,
                HttpStatusCode.BadRequest
            );
        using var context = api.Context(Roles.Admin);

        var page = Upload(context);

        page.WaitForAssertion(() =>
            Assert.Contains("The header row lacks status", page.Find("[role=alert]").TextContent)
        );
        Assert.Empty(page.FindAll("table[aria-label='Rejected rows']"));
    }

    [Fact]
    public void An_auditor_is_offered_no_upload()
    {
        using var context = Api().Context(Roles.Auditor);

        var page = context.Render<People>();

        page.WaitForAssertion(() => Assert.Contains("Nobody matches.", page.Markup));
        Assert.Empty(page.FindAll("input[type=file]"));
        Assert.DoesNotContain("Import people", page.Markup);
    }
}
