using System.Net;
using ItInventory.Console.Pages;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>The asset page beyond its facts: lifecycle moves under the asset's ETag (the API's own state machine
/// decides what is offered), check-out, decommissioning with its sanitisation record and certificate download, and
/// what a reader who may not change anything sees.</summary>
public sealed class AssetPageTests
{
    private const string Owner = "d0000000-0000-4000-8000-000000000009";

    private static string AssetJson(string state, string? tag = "IT-000007") =>
        $$"""
            {"id":"a1","name":"LAPTOP-7","tag":{{(tag is null ? "null" : $"\"{tag}\"")}},"kind":"Hardware",
             "type":"Laptop","state":"{{state}}","criticality":"Medium","owner":"{{Owner}}",
             "itStakeholder":"e0000000-0000-4000-8000-000000000001","department":"Finance","softwareCount":812,
             "manufacturer":"Lenovo","model":"T14","memoryMb":16384,"createdAt":"2026-01-05T00:00:00Z",
             "lastInventoryAt":"2026-12-06T09:00:00Z"}
            """;

    private static RecordingApi Api(string state, string? decommissioning = null) =>
        new RecordingApi()
            .On("GET assets/a1", AssetJson(state), etag: "W/\"1\"")
            .On(
                "GET assets/a1/assignments",
                $$"""
                {"items":[{"id":"x1","person":"{{Owner}}","checkedOutAt":"2026-11-01T09:00:00Z",
                  "checkedOutBy":"admin@contoso.test","checkedInAt":"2026-11-20T09:00:00Z"}]}
                """
            )
            .On(
                "GET findings?subjectType=asset&subjectId=a1&pageSize=50",
                """
                {"items":[{"id":"idle-asset.a1.asset","kind":"idle-asset","subjectType":"asset","subjectId":"a1",
                  "severity":"Low","status":"Open","text":"Idle for 45 days (CPU under 5 %)",
                  "firstRaisedAt":"2026-11-01T00:00:00Z","lastConfirmedAt":"2026-12-06T00:00:00Z",
                  "lastChangedAt":"2026-11-01T00:00:00Z","occurrences":4}]}
                """
            )
            .On("GET assets/a1/decommissioning", decommissioning ?? """{"assetId":"a1","state":"Retired"}""")
            .On("GET assets/a1/label.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
            .On(
                "GET assets/a1/history?pageSize=20",
                """
                {"items":[
                  {"at":"2026-12-06T09:00:00Z","source":"checkin","checkinId":"c2",
                   "summary":"1 software added; 30 software removed","fields":[],
                   "softwareAddedCount":1,"softwareRemovedCount":30,"softwareUpdatedCount":0,
                   "softwareAdded":["Visio 2024"],"softwareRemoved":["Old tool"],"softwareUpdated":[]}],
                 "continuationToken":"older"}
                """
            )
            .On(
                "GET assets/a1/history?pageSize=20&continuationToken=older",
                """
                {"items":[
                  {"at":"2026-01-05T00:00:00Z","source":"enrollment","summary":"Enrolled","fields":[],
                   "softwareAddedCount":0,"softwareRemovedCount":0,"softwareUpdatedCount":0,
                   "softwareAdded":[],"softwareRemoved":[],"softwareUpdated":[]}]}
                """
            );

    private static IRenderedComponent<Asset> Render(BunitContext context)
    {
        var page = context.Render<Asset>(p => p.Add(x => x.AssetId, "a1"));
        page.WaitForAssertion(() => Assert.Contains("Idle for 45 days", page.Markup));
        return page;
    }

    [Fact]
    public void An_admin_moves_an_asset_to_a_state_the_state_machine_allows_under_its_etag()
    {
        var api = Api("InStock").On("POST assets/a1/state", AssetJson("Retired"), etag: "W/\"2\"");
        using var context = api.Context(Roles.Admin);
        var page = Render(context);

        var targets = page.FindAll("select[name=to] option").Select(o => o.TextContent).ToList();
        Assert.Equal(["Choose a state", "Deployed", "InRepair", "Retired"], targets);
        page.Find("select[name=to]").Change("Retired");
        page.Find("input[name=reason]").Change("End of lease");
        page.Find("form[aria-label='Change the lifecycle state']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Moved to Retired.", page.Markup));
        Assert.Equal(
            """{"to":"Retired","reason":"End of lease"}""",
            api.Requests.Single(r => r.Request == "POST assets/a1/state").Body
        );
        Assert.Equal("W/\"1\"", api.IfMatch["POST assets/a1/state"]);
        Assert.Equal(2, api.Requests.Count(r => r.Request == "GET assets/a1"));
    }

    [Fact]
    public void A_move_refused_because_the_asset_changed_meanwhile_says_reload()
    {
        var api = Api("Deployed")
            .Problem(
                "POST assets/a1/state",
                HttpStatusCode.PreconditionFailed,
                "Precondition failed",
                "The asset changed since it was read."
            );
        using var context = api.Context(Roles.DepartmentLead);
        var page = Render(context);

        page.Find("select[name=to]").Change("InRepair");
        page.Find("form[aria-label='Change the lifecycle state']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Changed since you opened it — reload.", page.Markup));
        Assert.True(page.HasButton("Reload"));
        Assert.DoesNotContain("Moved to", page.Markup);
    }

    [Fact]
    public void An_admin_checks_an_asset_out_to_a_person()
    {
        var api = Api("InStock")
            .On(
                "POST assets/a1/checkout",
                $$"""{"id":"x2","person":"{{Owner}}","checkedOutAt":"2026-12-07T09:00:00Z","checkedOutBy":"a"}"""
            );
        using var context = api.Context(Roles.Admin);
        var page = Render(context);

        page.Find("input[name=checkOutPerson]").Change(Owner);
        page.Find("form[aria-label='Check the asset out']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Checked out.", page.Markup));
        Assert.Equal(
            $$"""{"person":"{{Owner}}"}""",
            api.Requests.Single(r => r.Request == "POST assets/a1/checkout").Body
        );
        Assert.Equal("W/\"1\"", api.IfMatch["POST assets/a1/checkout"]);
    }

    [Fact]
    public void An_auditor_reads_ownership_findings_label_and_assignments_but_is_offered_no_change()
    {
        using var context = Api("Deployed").Context(Roles.Auditor);

        var page = Render(context);

        Assert.Contains("e0000000-0000-4000-8000-000000000001", page.Markup);
        Assert.Equal($"people/{Owner}", page.Find($"a[href='people/{Owner}']").GetAttribute("href"));
        Assert.StartsWith("data:image/svg+xml;base64,", page.Find("img.label").GetAttribute("src"));
        Assert.Contains("812 packages in the last inventory", page.Markup);
        Assert.Single(page.FindAll("table[aria-label=Assignments] tbody tr"));
        Assert.Empty(page.FindAll("form"));
        Assert.False(page.HasButton("Allocate a tag"));
    }

    [Fact]
    public void The_software_history_shows_what_each_check_in_changed_and_pages_back()
    {
        using var context = Api("Deployed").Context(Roles.Auditor);
        var page = Render(context);

        var rows = page.FindAll("table[aria-label=History] tbody tr");
        Assert.Equal("added 1 (Visio 2024); removed 30 (Old tool and 29 more)", rows.Single().Children[3].TextContent);

        page.Button("Older history").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("table[aria-label=History] tbody tr").Count));
        Assert.Contains("Enrolled", page.Find("table[aria-label=History]").TextContent);
        Assert.False(page.HasButton("Older history"));
    }

    [Fact]
    public void A_retired_asset_takes_a_sanitisation_record_performed_and_verified_now()
    {
        var api = Api("Retired")
            .On("POST assets/a1/decommissioning/sanitisation", """{"assetId":"a1","state":"Retired"}""");
        using var context = api.Context(Roles.Admin);
        var page = Render(context);
        Assert.Contains("No sanitisation recorded yet", page.Markup);
        // Retired → InStock while nothing is sanitised; disposal only through its own record.
        Assert.Equal(["Choose a state", "InStock"], page.FindAll("select[name=to] option").Select(o => o.TextContent));

        page.Find("select[name=method]").Change("Purge");
        page.Find("input[name=tool]").Change("nvme-cli");
        page.Find("input[name=operator]").Change("Jo Tech");
        page.Find("textarea[name=media]").Change("nvme0 S/N S6X\n\n");
        page.Find("input[name=verificationMethod]").Change("Sampled read-back");
        page.Find("form[aria-label='Record the sanitisation']").Submit();

        page.WaitForAssertion(() => Assert.Contains("Sanitisation recorded.", page.Markup));
        var body = System
            .Text.Json.JsonDocument.Parse(
                api.Requests.Single(r => r.Request == "POST assets/a1/decommissioning/sanitisation").Body!
            )
            .RootElement;
        Assert.Equal("Purge", body.GetProperty("method").GetString());
        Assert.Equal(["nvme0 S/N S6X"], body.GetProperty("media").EnumerateArray().Select(m => m.GetString()));
        var verification = body.GetProperty("verification");
        Assert.Equal("Passed", verification.GetProperty("result").GetString());
        Assert.Equal("Jo Tech", verification.GetProperty("verifiedBy").GetString());
        Assert.Equal(body.GetProperty("performedAt").GetString(), verification.GetProperty("verifiedAt").GetString());
    }

    [Fact]
    public void The_certificate_downloads_as_a_pdf_and_a_certified_asset_takes_its_disposal()
    {
        var api = Api(
                "Retired",
                """
                {"assetId":"a1","state":"Retired","stepsPending":false,
                 "sanitisation":{"recordId":"r1","attempt":1,"method":"Purge","tool":"nvme-cli","operator":"Jo",
                   "performedAt":"2026-12-06T09:00:00Z","media":["nvme0"],"recordedAt":"2026-12-06T09:05:00Z",
                   "recordedBy":"admin","verification":{"method":"read-back","result":"Passed","verifiedBy":"Jo",
                   "verifiedAt":"2026-12-06T09:01:00Z"}},
                 "steps":[{"step":"licence-reclamation","status":"Succeeded","summary":"Released 2 seats",
                   "released":2,"attempts":1,"lastAttemptAt":"2026-12-06T09:05:00Z"}],
                 "certificate":{"certificateId":"SC-2026-0001","issuedAt":"2026-12-06T09:05:00Z",
                   "sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                   "url":"/api/assets/a1/decommissioning/certificate"}}
                """
            )
            .On("GET assets/a1/decommissioning/certificate?format=pdf", "%PDF-1.7 certificate");
        using var context = api.Context(Roles.Admin);
        var module = context.JSInterop.SetupModule("./js/download.js");
        module.SetupVoid("save", _ => true);
        var page = Render(context);
        Assert.Contains("Released 2 seats", page.Markup);
        Assert.Empty(page.FindAll("form[aria-label='Record the sanitisation']"));
        // Sanitised: the asset cannot return to stock any more.
        Assert.Empty(page.FindAll("select[name=to]"));

        page.Button("Download the certificate (PDF)").Click();

        page.WaitForAssertion(() => Assert.Single(module.Invocations["save"]));
        var saved = module.Invocations["save"].Single().Arguments;
        Assert.Equal("sanitisation-certificate-SC-2026-0001.pdf", saved[0]);
        Assert.Equal("%PDF-1.7 certificate", System.Text.Encoding.UTF8.GetString((byte[])saved[2]!));
        Assert.Single(page.FindAll("form[aria-label='Record the disposal']"));
    }
}
