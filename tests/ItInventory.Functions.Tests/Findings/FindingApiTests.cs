using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Findings;

public sealed class FindingApiTests : IAsyncLifetime
{
    private const string Active = "70000000-0000-4000-8000-000000000001";
    private const string Gone = "70000000-0000-4000-8000-000000000002";
    private const string FinanceAsset = "fa000000000040008000000000000001";
    private const string FinanceAsset2 = "fa000000000040008000000000000002";
    private const string HrAsset = "ab000000000040008000000000000003";

    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await app.ImportPeopleAsync((Active, "Active"), (Gone, "Departed"));
        await Findings.ReconcileAsync(
            [FindingKinds.Missing],
            [
                Condition(FindingKinds.Missing, FinanceAsset, "Finance", FindingSeverity.High),
                Condition(FindingKinds.Missing, HrAsset, "HR", FindingSeverity.Medium),
            ],
            "seed",
            CancellationToken.None
        );
        app.Clock.Advance(TimeSpan.FromDays(10));
        await Findings.ReconcileAsync(
            [FindingKinds.OwnershipGap],
            [
                Condition(FindingKinds.OwnershipGap, FinanceAsset, "Finance", FindingSeverity.Low),
                Condition(FindingKinds.OwnershipGap, FinanceAsset2, "Finance", FindingSeverity.Low),
            ],
            "seed-2",
            CancellationToken.None
        );
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private FindingService Findings => app.Services.GetRequiredService<FindingService>();

    private FindingFunctions Functions => app.Create<FindingFunctions>();

    private static FindingCondition Condition(string kind, string asset, string department, FindingSeverity severity) =>
        new(kind, FindingSubjects.Asset, asset, severity, department, $"{kind} on {asset}");

    private static string Id(string kind, string asset) => FindingKeys.Id(kind, FindingKeys.RowKey("asset", asset));

    private HttpRequest Get(string path, string query = "", Persona? persona = null)
    {
        var request = app.Request(
            "GET",
            path,
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona ?? TestTokens.Admin) }
        );
        request.QueryString = new QueryString(query);
        return request;
    }

    private Task<HttpAnswer> ListAsync(string query, Persona? persona = null)
    {
        var request = Get("/api/findings", query, persona);
        return TestApp.ExecuteAsync(request, Functions.ListFindings(request, CancellationToken.None));
    }

    private Task<HttpAnswer> GetAsync(string id, Persona? persona = null)
    {
        var request = Get($"/api/findings/{id}", "", persona);
        return TestApp.ExecuteAsync(request, Functions.GetFinding(request, id, CancellationToken.None));
    }

    private async Task<string> ETagAsync(string id) => (await GetAsync(id)).Headers.ETag.ToString();

    private async Task<HttpAnswer> ActAsync(
        string action,
        string id,
        string? body = null,
        Persona? persona = null,
        string? ifMatch = "current"
    )
    {
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = TestTokens.Bearer(persona ?? TestTokens.Admin),
        };
        if (ifMatch is not null)
            headers["If-Match"] = ifMatch == "current" ? await ETagAsync(id) : ifMatch;
        var request = app.Request(
            "POST",
            $"/api/findings/{id}/{action}",
            Encoding.UTF8.GetBytes(body ?? ""),
            body is null ? null : "application/json",
            headers
        );
        Task<IActionResult> invocation = action switch
        {
            "acknowledge" => Functions.AcknowledgeFinding(request, id, CancellationToken.None),
            "assign" => Functions.AssignFinding(request, id, CancellationToken.None),
            "snooze" => Functions.SnoozeFinding(request, id, CancellationToken.None),
            "resolve" => Functions.ResolveFinding(request, id, CancellationToken.None),
            _ => throw new ArgumentOutOfRangeException(nameof(action)),
        };
        return await TestApp.ExecuteAsync(request, invocation);
    }

    private static string[] Ids(HttpAnswer answer) =>
        [
            .. answer
                .Json.GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("id").GetString()!)
                .Order(StringComparer.Ordinal),
        ];

    private async Task<string> SnapshotAsync()
    {
        var table = app.Services.GetRequiredService<FindingsTables>().Findings;
        var rows = new List<string>();
        await foreach (var row in table.QueryAsync<TableEntity>())
            rows.Add(row.PartitionKey + row.RowKey + row.ETag);
        var audit = await app
            .Services.GetRequiredService<AuditTrail>()
            .QueryAsync("finding", null, null, null, null, 100, CancellationToken.None);
        return string.Join("\n", rows) + "\naudit:" + audit.Count;
    }

    [Fact]
    public async Task Findings_are_listed_by_kind_status_severity_department_age_and_subject()
    {
        Assert.Equal([Id("missing", HrAsset), Id("missing", FinanceAsset)], Ids(await ListAsync("?kind=missing")));
        Assert.Equal([Id("missing", FinanceAsset)], Ids(await ListAsync("?kind=missing&severity=High")));
        Assert.Equal(
            [Id("missing", FinanceAsset), Id("ownership-gap", FinanceAsset), Id("ownership-gap", FinanceAsset2)],
            Ids(await ListAsync("?department=Finance&status=Open"))
        );
        Assert.Equal(
            [Id("missing", FinanceAsset), Id("ownership-gap", FinanceAsset)],
            Ids(await ListAsync($"?subjectId={FinanceAsset}"))
        );
        var seeded = app.Clock.GetUtcNow().AddDays(-5).ToString("O");
        Assert.Equal(
            [Id("missing", HrAsset), Id("missing", FinanceAsset)],
            Ids(await ListAsync($"?raisedBefore={Uri.EscapeDataString(seeded)}"))
        );
        Assert.Equal(4, Ids(await ListAsync("")).Length);
    }

    [Fact]
    public async Task A_lead_sees_only_the_findings_of_their_departments()
    {
        Assert.Equal(3, Ids(await ListAsync("", TestTokens.FinanceLead)).Length);
        Assert.Equal([Id("missing", HrAsset)], Ids(await ListAsync("?kind=missing", TestTokens.HrLead)));
        Assert.Empty(Ids(await ListAsync($"?subjectId={FinanceAsset}", TestTokens.HrLead)));
        Assert.Equal(403, (await ListAsync("?department=Finance", TestTokens.HrLead)).Status);
        Assert.Equal(403, (await GetAsync(Id("missing", FinanceAsset), TestTokens.HrLead)).Status);
        Assert.Equal(403, (await ListAsync("", TestTokens.EndUser)).Status);
    }

    [Fact]
    public async Task Listings_page_with_continuation_tokens_bound_to_their_filters()
    {
        var first = await ListAsync("?department=Finance&pageSize=2");
        var token = first.Json.GetProperty("continuationToken").GetString()!;
        var second = await ListAsync($"?department=Finance&pageSize=2&continuationToken={token}");
        var replayed = await ListAsync($"?department=HR&pageSize=2&continuationToken={token}");

        Assert.Equal(3, Ids(first).Length + Ids(second).Length);
        Assert.Equal(400, replayed.Status);
    }

    [Theory]
    [InlineData("?kind=no-such-kind")]
    [InlineData("?status=Closed")]
    [InlineData("?status=1")]
    [InlineData("?severity=Urgent")]
    [InlineData("?raisedBefore=yesterday")]
    [InlineData("?raisedAfter=2026-11-10&raisedBefore=2026-11-01")]
    [InlineData("?subjectType=printer&subjectId=x")]
    [InlineData("?pageSize=0")]
    [InlineData("?continuationToken=forged.0000")]
    public async Task Bad_listing_filters_are_a_400_problem(string query)
    {
        var answer = await ListAsync(query);

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
    }

    [Fact]
    public async Task Acknowledge_changes_the_status_records_history_and_audits_it_with_the_caller()
    {
        var id = Id("missing", FinanceAsset);

        var answer = await ActAsync("acknowledge", id, persona: TestTokens.FinanceLead);

        Assert.Equal(200, answer.Status);
        Assert.Equal("Acknowledged", answer.Json.GetProperty("status").GetString());
        Assert.Equal(
            "acknowledged",
            answer.Json.GetProperty("history").EnumerateArray().Last().GetProperty("action").GetString()
        );
        Assert.False(string.IsNullOrEmpty(answer.Headers.ETag));
        var audit = await app
            .Services.GetRequiredService<AuditTrail>()
            .QueryAsync("finding", id, null, null, null, 10, CancellationToken.None);
        var record = Assert.Single(audit);
        Assert.Equal(("acknowledge", TestTokens.FinanceLead.ObjectId), (record.Action, record.Actor.Id));
        Assert.Equal(409, (await ActAsync("acknowledge", id)).Status);
        Assert.Equal([Id("missing", FinanceAsset)], Ids(await ListAsync("?department=Finance&status=Acknowledged")));
    }

    [Fact]
    public async Task Assign_takes_an_active_person_of_the_directory_only()
    {
        var id = Id("missing", FinanceAsset);

        var departed = await ActAsync("assign", id, $"{{\"assignee\":\"{Gone}\"}}");
        var unknown = await ActAsync("assign", id, "{\"assignee\":\"70000000-0000-4000-8000-0000000000ff\"}");
        var assigned = await ActAsync("assign", id, $"{{\"assignee\":\"{Active}\"}}");

        Assert.Equal((422, 422), (departed.Status, unknown.Status));
        Assert.Equal(200, assigned.Status);
        Assert.Equal(Active, assigned.Json.GetProperty("assignee").GetString());
        Assert.Equal("Open", assigned.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_snooze_holds_through_scans_until_its_date_then_the_finding_opens_again()
    {
        var id = Id("missing", FinanceAsset);
        var until = app.Clock.GetUtcNow().AddDays(14).ToString("O");

        var snoozed = await ActAsync("snooze", id, $"{{\"until\":\"{until}\",\"reason\":\"On leave\"}}");
        Assert.Equal("Snoozed", snoozed.Json.GetProperty("status").GetString());
        app.Clock.Advance(TimeSpan.FromDays(7));
        await Findings.ReconcileAsync(
            [FindingKinds.Missing],
            [Condition(FindingKinds.Missing, FinanceAsset, "Finance", FindingSeverity.High)],
            "day-7",
            CancellationToken.None
        );
        Assert.Equal("Snoozed", (await GetAsync(id)).Json.GetProperty("status").GetString());
        app.Clock.Advance(TimeSpan.FromDays(8));
        var after = await Findings.ReconcileAsync(
            [FindingKinds.Missing],
            [Condition(FindingKinds.Missing, FinanceAsset, "Finance", FindingSeverity.High)],
            "day-15",
            CancellationToken.None
        );

        Assert.Equal(1, after.Reopened);
        Assert.Equal("Open", (await GetAsync(id)).Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Resolve_records_who_and_why_and_closes_the_finding_for_further_changes()
    {
        var id = Id("ownership-gap", FinanceAsset2);

        var resolved = await ActAsync("resolve", id, "{\"reason\":\"Owner set in the HR system\"}");

        Assert.Equal(200, resolved.Status);
        var resolution = resolved.Json.GetProperty("resolution");
        Assert.Equal(TestTokens.Admin.ObjectId, resolution.GetProperty("by").GetString());
        Assert.Equal("Owner set in the HR system", resolution.GetProperty("reason").GetString());
        Assert.Equal(
            409,
            (await ActAsync("snooze", id, $"{{\"until\":\"{app.Clock.GetUtcNow().AddDays(1):O}\"}}")).Status
        );
    }

    [Fact]
    public async Task Changes_need_the_current_ETag()
    {
        var id = Id("missing", FinanceAsset);
        var stale = await ETagAsync(id);
        await ActAsync("acknowledge", id);

        Assert.Equal(428, (await ActAsync("resolve", id, "{\"reason\":\"x\"}", ifMatch: null)).Status);
        Assert.Equal(412, (await ActAsync("resolve", id, "{\"reason\":\"x\"}", ifMatch: stale)).Status);
    }

    [Theory]
    [InlineData("snooze", "{\"until\":\"2020-01-01T00:00:00Z\"}")]
    [InlineData("snooze", "{\"until\":\"2099-01-01T00:00:00Z\"}")]
    [InlineData("snooze", "{\"until\":\"soon\"}")]
    [InlineData("snooze", "{}")]
    [InlineData("resolve", "{}")]
    [InlineData("resolve", "{\"reason\":\"   \"}")]
    [InlineData("assign", "{}")]
    [InlineData("assign", "{\"assignee\":\"nobody\"}")]
    [InlineData("resolve", "not json")]
    public async Task Bad_input_is_a_4xx_problem_and_writes_nothing(string action, string body)
    {
        var id = Id("missing", FinanceAsset);
        var before = await SnapshotAsync();

        var answer = await ActAsync(action, id, body);

        Assert.InRange(answer.Status, 400, 499);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task Unknown_and_malformed_finding_ids_are_not_found()
    {
        Assert.Equal(404, (await GetAsync("missing.ffff.asset")).Status);
        Assert.Equal(404, (await GetAsync("no-such-kind.ffff.asset")).Status);
        Assert.Equal(404, (await ActAsync("acknowledge", "missing.ffff.asset", ifMatch: "W/\"x\"")).Status);
    }

    [Fact]
    public async Task The_summary_counts_by_kind_status_and_department()
    {
        await ActAsync("acknowledge", Id("missing", HrAsset));
        var request = Get("/api/findings/summary");

        var answer = await TestApp.ExecuteAsync(request, Functions.CountFindings(request, CancellationToken.None));
        var leadRequest = Get("/api/findings/summary", "", TestTokens.HrLead);
        var lead = await TestApp.ExecuteAsync(
            leadRequest,
            Functions.CountFindings(leadRequest, CancellationToken.None)
        );

        Assert.Equal(4, answer.Json.GetProperty("total").GetInt32());
        var cells = answer
            .Json.GetProperty("items")
            .EnumerateArray()
            .Select(i =>
                $"{i.GetProperty("kind").GetString()}|{i.GetProperty("status").GetString()}|"
                + $"{i.GetProperty("department").GetString()}={i.GetProperty("count").GetInt32()}"
            )
            .ToList();
        Assert.Equal(["missing|Open|Finance=1", "missing|Acknowledged|HR=1", "ownership-gap|Open|Finance=2"], cells);
        Assert.Equal(1, lead.Json.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Scan_runs_are_listed_newest_first_for_admins_and_auditors()
    {
        var runs = app.Services.GetRequiredService<ScanRunStore>();
        var run = await runs.StartAsync("reconciliation", CancellationToken.None);
        await runs.CompleteAsync(run, 100, new FindingReconciliation(1, 0, 2, 0), null, CancellationToken.None);
        var request = Get("/api/scans/runs", "", TestTokens.Auditor);

        var answer = await TestApp.ExecuteAsync(request, Functions.ListScanRuns(request, CancellationToken.None));

        Assert.Equal(200, answer.Status);
        var item = Assert.Single(answer.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("Succeeded", item.GetProperty("status").GetString());
        Assert.Equal(100, item.GetProperty("rowsRead").GetInt64());
    }
}
