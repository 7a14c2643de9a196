using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Campaigns;

/// <summary>Campaigns through the HTTP functions, against Azurite.</summary>
public sealed class CampaignApiTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync(s =>
        {
            s["Campaigns:SpotMonths"] = "11";
            s["Campaigns:SpotSampleSize"] = "3";
            s["Campaigns:FullMonths"] = "";
        });
        await SeedTaxonomyAsync(app, "category", "laptops", "monitors");
        await SeedTaxonomyAsync(app, "location", "hq", "warehouse");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static readonly Caller Admin = new(
        "setup",
        null,
        new HashSet<string> { ManagementRoles.Admin },
        new HashSet<string>(),
        HasMfa: true
    );

    /// <summary>A tagged peripheral in stock; answers its id and tag.</summary>
    private async Task<(string Id, string Tag)> TaggedAssetAsync(
        string department,
        string location,
        string category = "laptops"
    )
    {
        var (id, _) = await CreatePeripheralAsync(
            app,
            department: department,
            extra: $",\"location\":\"{location}\",\"category\":\"{category}\""
        );
        var tag = (
            await app.Services.GetRequiredService<AssetTagService>().AllocateAsync(Admin, id, CancellationToken.None)
        )
            .Value!
            .Tag;
        return (id, tag);
    }

    private async Task<HttpAnswer> CallAsync(
        string method,
        string path,
        Persona persona,
        string? json,
        Func<CampaignFunctions, HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>> invoke,
        string query = ""
    )
    {
        var request = app.Request(
            method,
            path,
            json is null ? [] : Encoding.UTF8.GetBytes(json),
            json is null ? null : "application/json",
            Auth(persona)
        );
        if (query.Length > 0)
            request.QueryString = new QueryString(query);
        return await TestApp.ExecuteAsync(request, invoke(app.Create<CampaignFunctions>(), request));
    }

    private Task<HttpAnswer> CreateCampaignAsync(string json, Persona? persona = null) =>
        CallAsync("POST", "/api/campaigns", persona ?? TestTokens.Admin, json, (f, r) =>
            f.CreateCampaign(r, CancellationToken.None)
        );

    private Task<HttpAnswer> ScanAsync(string campaignId, string json, Persona? persona = null) =>
        CallAsync("POST", $"/api/campaigns/{campaignId}/records", persona ?? TestTokens.Auditor, json, (f, r) =>
            f.RecordCampaignScan(r, campaignId, CancellationToken.None)
        );

    private Task<HttpAnswer> GetCampaignAsync(string campaignId, Persona? persona = null) =>
        CallAsync("GET", $"/api/campaigns/{campaignId}", persona ?? TestTokens.Auditor, null, (f, r) =>
            f.GetCampaign(r, campaignId, CancellationToken.None)
        );

    private Task<HttpAnswer> CloseAsync(string campaignId) =>
        CallAsync("POST", $"/api/campaigns/{campaignId}/close", TestTokens.Admin, null, (f, r) =>
            f.CloseCampaign(r, campaignId, CancellationToken.None)
        );

    private async Task<List<TableEntity>> CampaignRowsAsync() =>
        await app.Store.Campaigns.QueryAsync<TableEntity>().ToListAsync();

    [Fact]
    public async Task A_campaign_runs_end_to_end_scans_by_tag_missing_unexpected_close_accuracy_and_findings()
    {
        var a1 = await TaggedAssetAsync("Finance", "hq");
        var a2 = await TaggedAssetAsync("Finance", "hq");
        var a3 = await TaggedAssetAsync("Finance", "hq");
        var a4 = await TaggedAssetAsync("Finance", "warehouse");
        var hr = await TaggedAssetAsync("HR", "hq");

        var created = await CreateCampaignAsync(
            """{"name":"Finance full count","scope":"department","scopeValue":"Finance","mode":"full"}"""
        );
        Assert.Equal(201, created.Status);
        var id = created.Json.GetProperty("id").GetString()!;
        Assert.Equal(
            ($"/api/campaigns/{id}", "open", 4),
            (
                created.Headers.Location.ToString(),
                created.Json.GetProperty("status").GetString(),
                created.Json.GetProperty("expected").GetInt32()
            )
        );

        // Found where recorded (auditor), found elsewhere and damaged (Finance's lead), missing by id, re-scanned.
        var found = await ScanAsync(id, $$"""{"tag":"{{a1.Tag}}","result":"found"}""");
        Assert.Equal(
            (200, "found", true),
            (
                found.Status,
                found.Json.GetProperty("outcome").GetString(),
                found.Json.GetProperty("locationMatches").GetBoolean()
            )
        );
        var moved = await ScanAsync(
            id,
            $$"""{"tag":"{{a2.Tag}}","result":"found","location":"warehouse","condition":"damaged"}""",
            TestTokens.FinanceLead
        );
        Assert.Equal((200, false), (moved.Status, moved.Json.GetProperty("locationMatches").GetBoolean()));
        Assert.Equal(200, (await ScanAsync(id, $$"""{"assetId":"{{a3.Id}}","result":"missing"}""")).Status);
        var again = await ScanAsync(id, $$"""{"tag":"{{a1.Tag}}","result":"found","location":"hq"}""");
        Assert.Equal((200, 2), (again.Status, again.Json.GetProperty("records").GetInt32()));

        // A tag of an asset outside the campaign, and a tag nobody knows: unexpected, not errors.
        var outside = await ScanAsync(id, $$"""{"tag":"{{hr.Tag}}","result":"found","location":"hq"}""");
        Assert.Equal(
            (200, "unexpected", "not-in-campaign"),
            (
                outside.Status,
                outside.Json.GetProperty("outcome").GetString(),
                outside.Json.GetProperty("reason").GetString()
            )
        );
        var unknown = await ScanAsync(id, """{"tag":"ITI-999999","result":"found","location":"hq"}""");
        Assert.Equal(
            (200, "unexpected", "unknown-tag"),
            (
                unknown.Status,
                unknown.Json.GetProperty("outcome").GetString(),
                unknown.Json.GetProperty("reason").GetString()
            )
        );

        var progress = (await GetCampaignAsync(id)).Json.GetProperty("progress");
        Assert.Equal(
            (4, 2, 1, 1, 1, 1, 2, 1),
            (
                progress.GetProperty("expected").GetInt32(),
                progress.GetProperty("found").GetInt32(),
                progress.GetProperty("foundAsRecorded").GetInt32(),
                progress.GetProperty("missing").GetInt32(),
                progress.GetProperty("locationDifferent").GetInt32(),
                progress.GetProperty("damaged").GetInt32(),
                progress.GetProperty("unexpected").GetInt32(),
                progress.GetProperty("remaining").GetInt32()
            )
        );
        var remaining = await CallAsync(
            "GET",
            $"/api/campaigns/{id}/assets",
            TestTokens.Auditor,
            null,
            (f, r) => f.ListCampaignAssets(r, id, CancellationToken.None),
            "?result=pending"
        );
        Assert.Equal(
            a4.Id,
            Assert.Single(remaining.Json.GetProperty("items").EnumerateArray()).GetProperty("assetId").GetString()
        );

        var closed = await CloseAsync(id);
        Assert.Equal(200, closed.Status);
        Assert.Equal("closed", closed.Json.GetProperty("status").GetString());
        // Found as recorded: a1 only; a4 was never recorded and counts as missing: 1 / 4.
        Assert.Equal(0.25, closed.Json.GetProperty("accuracyRate").GetDouble());
        var kinds = closed
            .Json.GetProperty("discrepancies")
            .EnumerateArray()
            .Select(d => (d.GetProperty("kind").GetString(), d.GetProperty("subjectId").GetString()))
            .ToHashSet();
        Assert.Equal(
            new HashSet<(string?, string?)>
            {
                (FindingKinds.CampaignLocationMismatch, a2.Id),
                (FindingKinds.CampaignConditionIssue, a2.Id),
                (FindingKinds.CampaignMissing, a3.Id),
                (FindingKinds.CampaignNotAudited, a4.Id),
                (FindingKinds.CampaignUnexpectedTag, hr.Id),
                (FindingKinds.CampaignUnexpectedTag, $"{id}:ITI-999999"),
            },
            kinds
        );
        var header = (await app.Store.Campaigns.GetEntityAsync<CampaignEntity>(CampaignKeys.ListPartition, id)).Value;
        Assert.Equal((0.25, 2, 1), (header.AccuracyRate, header.Missing, header.NeverRecorded));

        var findings = app.Services.GetRequiredService<FindingService>();
        var missing = await findings.FindAsync(
            FindingKeys.Id(
                new FindingCondition(FindingKinds.CampaignMissing, "asset", a3.Id, FindingSeverity.High, "Finance", "")
            ),
            CancellationToken.None
        );
        Assert.NotNull(missing);
        Assert.Equal(("Open", "Finance"), (missing.Status, missing.Department));

        // Closed: scans and a second close are 409, and nothing changes.
        var before = await CampaignRowsAsync();
        Assert.Equal(409, (await ScanAsync(id, $$"""{"tag":"{{a4.Tag}}","result":"found"}""")).Status);
        Assert.Equal(409, (await CloseAsync(id)).Status);
        Assert.Equal(before.Select(r => r.ETag), (await CampaignRowsAsync()).Select(r => r.ETag));

        // Every change is in the audit trail: create, six records, close.
        var audit = await AuditAsync(app, "campaign", id);
        Assert.Equal(
            ["create", "record", "record", "record", "record", "record", "record", "close"],
            audit.Select(a => a.Action)
        );
    }

    [Fact]
    public async Task Bad_input_is_a_4xx_and_writes_nothing()
    {
        var asset = await TaggedAssetAsync("Finance", "hq");
        var hr = await TaggedAssetAsync("HR", "hq");
        Assert.Equal(400, (await CreateCampaignAsync("""{"name":"x","mode":"sample","sampleSize":0}""")).Status);
        Assert.Equal(400, (await CreateCampaignAsync("""{"name":"x","mode":"full","sampleSize":5}""")).Status);
        Assert.Equal(
            422,
            (
                await CreateCampaignAsync("""{"name":"x","scope":"department","scopeValue":"Nowhere","mode":"full"}""")
            ).Status
        );
        Assert.Equal(403, (await CreateCampaignAsync("""{"name":"x","mode":"full"}""", TestTokens.Auditor)).Status);
        Assert.Empty(await CampaignRowsAsync());

        var id = (await CreateCampaignAsync("""{"name":"All","mode":"full"}""")).Json.GetProperty("id").GetString()!;
        var rows = await CampaignRowsAsync();
        Assert.Equal(400, (await ScanAsync(id, """{"tag":"not-a-tag","result":"found"}""")).Status);
        Assert.Equal(
            400,
            (await ScanAsync(id, $$"""{"tag":"{{asset.Tag}}","result":"missing","location":"hq"}""")).Status
        );
        Assert.Equal(
            422,
            (await ScanAsync(id, $$"""{"tag":"{{asset.Tag}}","result":"found","location":"moon"}""")).Status
        );
        Assert.Equal(404, (await ScanAsync(id, """{"assetId":"0000000000000000","result":"missing"}""")).Status);
        var sampled = await CreateCampaignAsync(
            """{"name":"HR only","scope":"department","scopeValue":"HR","mode":"full"}"""
        );
        var hrOnly = sampled.Json.GetProperty("id").GetString()!;
        rows = await CampaignRowsAsync();
        // A record by id of an asset outside the campaign (found or missing) is refused: scan its tag instead.
        var outside = await ScanAsync(hrOnly, $$"""{"assetId":"{{asset.Id}}","result":"found","location":"hq"}""");
        Assert.Equal(422, outside.Status);
        Assert.Contains("not in campaign", outside.Json.GetProperty("detail").GetString());
        Assert.Equal(422, (await ScanAsync(hrOnly, $$"""{"assetId":"{{asset.Id}}","result":"missing"}""")).Status);
        Assert.Equal(404, (await ScanAsync("c-nope-0000", $$"""{"tag":"{{asset.Tag}}","result":"found"}""")).Status);
        // A lead records the assets of their departments only; an end user records nothing.
        Assert.Equal(
            403,
            (await ScanAsync(id, $$"""{"tag":"{{hr.Tag}}","result":"found"}""", TestTokens.FinanceLead)).Status
        );
        Assert.Equal(
            403,
            (await ScanAsync(id, $$"""{"tag":"{{asset.Tag}}","result":"found"}""", TestTokens.EndUser)).Status
        );
        Assert.Equal(rows.Select(r => r.ETag), (await CampaignRowsAsync()).Select(r => r.ETag));

        // A lead's progress covers their departments only.
        var lead = (await GetCampaignAsync(id, TestTokens.FinanceLead)).Json;
        Assert.Equal(
            (1, true),
            (
                lead.GetProperty("progress").GetProperty("expected").GetInt32(),
                lead.GetProperty("progressLimitedToDepartments").GetBoolean()
            )
        );
    }

    [Fact]
    public async Task The_same_seed_samples_the_same_assets()
    {
        for (var i = 0; i < 12; i++)
            await TaggedAssetAsync(i % 3 == 0 ? "HR" : "Finance", "hq");
        const string body = """{"name":"Spot","mode":"sample","sampleSize":5,"stratifyBy":"department","seed":77}""";

        var first = (await CreateCampaignAsync(body)).Json.GetProperty("id").GetString()!;
        var second = (await CreateCampaignAsync(body)).Json.GetProperty("id").GetString()!;

        async Task<List<string?>> Expected(string campaignId) =>
            (
                await CallAsync("GET", $"/api/campaigns/{campaignId}/assets", TestTokens.Admin, null, (f, r) =>
                    f.ListCampaignAssets(r, campaignId, CancellationToken.None)
                )
            )
                .Json.GetProperty("items")
                .EnumerateArray()
                .Select(a => a.GetProperty("assetId").GetString())
                .ToList();
        var sample = await Expected(first);
        Assert.Equal(5, sample.Count);
        Assert.Equal(sample, await Expected(second));
        var view = (await GetCampaignAsync(first)).Json;
        Assert.Equal((77, 12), (view.GetProperty("seed").GetInt64(), view.GetProperty("population").GetInt32()));
    }

    [Fact]
    public async Task The_schedule_opens_the_due_spot_audit_once()
    {
        for (var i = 0; i < 4; i++)
            await TaggedAssetAsync("Finance", "hq");
        var scheduler = app.Services.GetRequiredService<CampaignScheduler>();

        var opened = await scheduler.RunAsync(CancellationToken.None);
        var again = await scheduler.RunAsync(CancellationToken.None);

        Assert.Equal(["spot-2026-11"], opened);
        Assert.Empty(again);
        var view = (await GetCampaignAsync("spot-2026-11")).Json;
        Assert.Equal(
            ("open", "schedule", 3),
            (
                view.GetProperty("status").GetString(),
                view.GetProperty("origin").GetString(),
                view.GetProperty("expected").GetInt32()
            )
        );
        app.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Empty(await scheduler.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Listing_shows_a_lead_the_campaigns_of_their_departments()
    {
        await TaggedAssetAsync("Finance", "hq");
        await TaggedAssetAsync("HR", "hq");
        await CreateCampaignAsync("""{"name":"Finance","scope":"department","scopeValue":"Finance","mode":"full"}""");
        await CreateCampaignAsync("""{"name":"HR","scope":"department","scopeValue":"HR","mode":"full"}""");

        var list = await CallAsync(
            "GET",
            "/api/campaigns",
            TestTokens.FinanceLead,
            null,
            (f, r) => f.ListCampaigns(r, CancellationToken.None),
            "?status=open"
        );

        Assert.Equal(
            ["Finance"],
            list.Json.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("name").GetString())
        );
    }
}
