using System.Text;
using System.Text.Json;
using ItInventory.Functions.Assets;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.People;

public sealed class PeopleTests : IAsyncLifetime
{
    private const string Header = "objectId,displayName,email,department,managerObjectId,status,employeeId";
    private const string Boss = "10000000-0000-4000-8000-000000000001";
    private const string Ann = "10000000-0000-4000-8000-000000000002";
    private const string Bob = "10000000-0000-4000-8000-000000000003";

    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private PeopleFunctions Functions => app.Create<PeopleFunctions>();

    private static Dictionary<string, string> Auth(Persona persona) =>
        new() { ["Authorization"] = TestTokens.Bearer(persona) };

    private async Task<HttpAnswer> ImportAsync(string csv, Persona? persona = null, string contentType = "text/csv") =>
        await ImportAsync(Encoding.UTF8.GetBytes(csv), persona, contentType);

    private async Task<HttpAnswer> ImportAsync(byte[] csv, Persona? persona = null, string contentType = "text/csv")
    {
        var request = app.Request("POST", "/api/people/import", csv, contentType, Auth(persona ?? TestTokens.Admin));
        return await TestApp.ExecuteAsync(request, Functions.ImportPeople(request, CancellationToken.None));
    }

    private async Task<HttpAnswer> ExportAsync(Persona? persona = null)
    {
        var request = app.Request("GET", "/api/people/export", [], null, Auth(persona ?? TestTokens.Admin));
        return await TestApp.ExecuteAsync(request, Functions.ExportPeople(request, CancellationToken.None));
    }

    private async Task<HttpAnswer> GetAsync(string objectId, Persona persona)
    {
        var request = app.Request("GET", $"/api/people/{objectId}", [], null, Auth(persona));
        return await TestApp.ExecuteAsync(request, Functions.GetPerson(request, objectId, CancellationToken.None));
    }

    private async Task<HttpAnswer> ListAsync(string query, Persona? persona = null)
    {
        var request = app.Request("GET", "/api/people", [], null, Auth(persona ?? TestTokens.Admin));
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        return await TestApp.ExecuteAsync(request, Functions.ListPeople(request, CancellationToken.None));
    }

    private async Task<Dictionary<string, string>> ETagsAsync()
    {
        var etags = new Dictionary<string, string>();
        await foreach (var p in app.Store.People.QueryAsync<PersonEntity>())
            etags[p.PartitionKey] = p.ETag.ToString();
        return etags;
    }

    private static string ValidFile =>
        Header
        + "\n"
        + $"{Boss},Boss Person,boss@example.com,Finance,,Active,E1\n"
        + $"{Ann},\"Doe, Ann\",ann@example.com,Finance,{Boss},Active,\n"
        + $"{Bob},\"Bob \"\"The Builder\"\"\",bob@example.com,HR,{Boss},Departed,E3\n";

    private static void AssertReport(HttpAnswer answer, int created, int updated, int unchanged, int rejected)
    {
        Assert.True(answer.Status == 200, answer.Body);
        var json = answer.Json;
        Assert.Equal(created, json.GetProperty("created").GetInt32());
        Assert.Equal(updated, json.GetProperty("updated").GetInt32());
        Assert.Equal(unchanged, json.GetProperty("unchanged").GetInt32());
        Assert.Equal(rejected, json.GetProperty("rejected").GetInt32());
    }

    [Fact]
    public async Task Import_creates_people_and_reports_counts()
    {
        AssertReport(await ImportAsync(ValidFile), created: 3, updated: 0, unchanged: 0, rejected: 0);

        var ann = await GetAsync(Ann, TestTokens.Admin);
        Assert.Equal(200, ann.Status);
        Assert.Equal("Doe, Ann", ann.Json.GetProperty("displayName").GetString());
        Assert.Equal(Boss, ann.Json.GetProperty("managerObjectId").GetString());
        Assert.Equal("Finance", ann.Json.GetProperty("department").GetString());
        var bob = await GetAsync(Bob, TestTokens.Auditor);
        Assert.Equal("Departed", bob.Json.GetProperty("status").GetString());
        Assert.Equal(app.Clock.GetUtcNow(), bob.Json.GetProperty("departedAt").GetDateTimeOffset());
        Assert.Equal("Bob \"The Builder\"", bob.Json.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Reimporting_the_same_file_changes_nothing()
    {
        AssertReport(await ImportAsync(ValidFile), 3, 0, 0, 0);
        var before = await ETagsAsync();
        app.Clock.Advance(TimeSpan.FromHours(1));

        AssertReport(await ImportAsync(ValidFile), 0, 0, 3, 0);

        Assert.Equal(before, await ETagsAsync());
    }

    [Fact]
    public async Task A_changed_row_is_updated_and_departure_is_recorded_and_findable()
    {
        AssertReport(await ImportAsync(ValidFile), 3, 0, 0, 0);
        app.Clock.Advance(TimeSpan.FromDays(1));
        var changed = ValidFile.Replace(
            $"{Ann},\"Doe, Ann\",ann@example.com,Finance,{Boss},Active,",
            $"{Ann},\"Doe, Ann\",ann@example.com,Finance,{Boss},Departed,"
        );

        AssertReport(await ImportAsync(changed), 0, 1, 2, 0);

        var departed = await app
            .Services.GetRequiredService<PeopleService>()
            .FindDepartedAsync(CancellationToken.None)
            .ToListAsync();
        Assert.Equal([Ann, Bob], departed.Select(p => p.ObjectId).Order().ToArray());
        Assert.Equal(app.Clock.GetUtcNow(), departed.Single(p => p.ObjectId == Ann).DepartedAt);
        // Bob's departure date is kept from the first import.
        Assert.Equal(app.Clock.GetUtcNow() - TimeSpan.FromDays(1), departed.Single(p => p.ObjectId == Bob).DepartedAt);
    }

    [Fact]
    public async Task Each_created_or_changed_person_is_audited_with_the_caller_and_the_import_correlation_id()
    {
        var trail = app.Services.GetRequiredService<ItInventory.Functions.Audit.AuditTrail>();
        async Task<List<ItInventory.Functions.Audit.AuditRecordView>> PersonRecordsAsync() =>
            (await trail.QueryAsync("person", null, null, null, null, 1000, CancellationToken.None)).ToList();

        AssertReport(await ImportAsync(ValidFile), 3, 0, 0, 0);
        var created = await PersonRecordsAsync();
        Assert.Equal(new[] { Ann, Bob, Boss }.Order(), created.Select(r => r.EntityId).Order().ToArray());
        Assert.All(created, r =>
        {
            Assert.Equal("import-create", r.Action);
            Assert.Equal(
                ItInventory.Functions.Audit.AuditActor.Person(TestTokens.Admin.ObjectId, r.Actor.Name),
                r.Actor
            );
            Assert.Contains(r.Changes, c => c.Field == "Email" && c.From is null && c.To is not null);
        });
        var correlation = Assert.Single(created.Select(r => r.CorrelationId).Distinct());
        Assert.False(string.IsNullOrEmpty(correlation));

        app.Clock.Advance(TimeSpan.FromDays(1));
        AssertReport(await ImportAsync(ValidFile), 0, 0, 3, 0);
        Assert.Equal(3, (await PersonRecordsAsync()).Count); // unchanged people are not audited

        var changed = ValidFile.Replace(
            $"{Ann},\"Doe, Ann\",ann@example.com,Finance,{Boss},Active,",
            $"{Ann},\"Doe, Ann\",ann@example.com,Finance,{Boss},Departed,"
        );
        AssertReport(await ImportAsync(changed), 0, 1, 2, 0);
        var update = Assert.Single(await PersonRecordsAsync(), r => r.Action == "import-update");
        Assert.Equal(Ann, update.EntityId);
        Assert.Equal(["DepartedAt", "Status"], update.Changes.Select(c => c.Field).Order().ToArray());
        Assert.Equal(new FieldChange("Status", "Active", "Departed"), update.Changes.Single(c => c.Field == "Status"));
        Assert.NotEqual(correlation, update.CorrelationId);
        Assert.True((await trail.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_row_number_and_reason_and_good_rows_are_applied()
    {
        const string missingManager = "99999999-0000-4000-8000-000000000009";
        var file = $"""
            {Header}
            {Boss},Boss Person,boss@example.com,Finance,,Active,
            not-a-guid,X,x@example.com,Finance,,Active,
            20000000-0000-4000-8000-000000000001,Bad Mail,not-an-email,Finance,,Active,
            20000000-0000-4000-8000-000000000002,Bad Status,bs@example.com,Finance,,Retired,
            20000000-0000-4000-8000-000000000003,Orphan,o@example.com,Finance,{missingManager},Active,
            {Boss},Boss Again,boss2@example.com,Finance,,Active,
            20000000-0000-4000-8000-000000000004,Too,few
            {Ann},Ann,ann@example.com,Finance,{Boss},Active,
            20000000-0000-4000-8000-000000000005,,nobody@example.com,Finance,,Active,
            """;

        var answer = await ImportAsync(file);

        AssertReport(answer, created: 2, updated: 0, unchanged: 0, rejected: 7);
        var rejections = answer
            .Json.GetProperty("rejections")
            .EnumerateArray()
            .Select(r =>
                (
                    Row: r.GetProperty("row").GetInt32(),
                    Field: r.GetProperty("field").GetString(),
                    Reason: r.GetProperty("reason").GetString()!
                )
            )
            .ToList();
        Assert.Equal([3, 4, 5, 6, 7, 8, 10], rejections.Select(r => r.Row));
        Assert.Equal(
            ["objectId", "email", "status", "managerObjectId", "objectId", "", "displayName"],
            rejections.Select(r => r.Field)
        );
        Assert.Contains("row 2", rejections.Single(r => r.Row == 7).Reason);
        Assert.Equal(2, (await ETagsAsync()).Count);
        Assert.Equal(404, (await GetAsync("20000000-0000-4000-8000-000000000003", TestTokens.Admin)).Status);
    }

    [Theory]
    [InlineData(
        "objectId,displayName,email,department,managerObjectId,status\n10000000-0000-4000-8000-000000000001,"
            + "\"Unterminated,a@example.com,F,,Active\n",
        "Malformed"
    )]
    [InlineData(
        "objectId,displayName,email,department,managerObjectId,status\n10000000-0000-4000-8000-000000000002,Ok,"
            + "b@example.com,F,,Active\n10000000-0000-4000-8000-000000000001,Stray\"Quote,a@example.com,F,,Active\n",
        "Malformed"
    )]
    [InlineData("10000000-0000-4000-8000-000000000001,Ann,a@example.com,F,,Active\n", "header")]
    [InlineData("objectId,displayName,email\n10000000-0000-4000-8000-000000000001,Ann,a@example.com\n", "header")]
    public async Task A_malformed_csv_is_a_400_and_writes_nothing(string csv, string detail)
    {
        var snapshot = await app.SnapshotAsync();
        var answer = await ImportAsync(csv);

        Assert.True(answer.Status == 400, answer.Body);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        Assert.Contains(detail, answer.Json.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task An_oversized_body_is_a_413_and_the_wrong_media_type_a_415()
    {
        var snapshot = await app.SnapshotAsync();
        var big = new StringBuilder(Header).Append('\n');
        while (big.Length <= PeopleService.MaxImportBytes)
            big.Append($"{Guid.NewGuid()},{new string('n', 200)},a@example.com,F,,Active,\n");

        Assert.Equal(413, (await ImportAsync(big.ToString())).Status);
        Assert.Equal(415, (await ImportAsync(ValidFile, contentType: "application/json")).Status);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Export_imports_back_unchanged()
    {
        AssertReport(await ImportAsync(ValidFile), 3, 0, 0, 0);
        var before = await ETagsAsync();

        var export = await ExportAsync(TestTokens.Auditor);

        Assert.Equal(200, export.Status);
        Assert.StartsWith("text/csv", export.ContentType);
        Assert.StartsWith(Header, export.Body);
        AssertReport(await ImportAsync(export.Body), 0, 0, 3, 0);
        Assert.Equal(before, await ETagsAsync());
    }

    [Fact]
    public async Task Export_escapes_cells_a_spreadsheet_would_run_as_formulas_and_imports_them_back_unchanged()
    {
        var file =
            Header
            + "\n10000000-0000-4000-8000-0000000000f1,\"=HYPERLINK(\"\"http://evil\"\")\",f@example.com,@Finance,,"
            + "Active,\n";
        AssertReport(await ImportAsync(file), 1, 0, 0, 0);
        var before = await ETagsAsync();

        var export = await ExportAsync(TestTokens.Auditor);

        Assert.Contains("'=HYPERLINK", export.Body);
        Assert.Contains("'@Finance", export.Body);
        AssertReport(await ImportAsync(export.Body), 0, 0, 1, 0);
        Assert.Equal(before, await ETagsAsync());
        var person = await GetAsync("10000000-0000-4000-8000-0000000000f1", TestTokens.Admin);
        Assert.Equal("=HYPERLINK(\"http://evil\")", person.Json.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task Listing_pages_with_continuation_tokens_and_filters_by_department_and_status()
    {
        var file = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < 7; i++)
            file.Append(
                $"30000000-0000-4000-8000-00000000000{i},Fin "
                    + $"{i},f{i}@example.com,Finance,,{(i == 6 ? "Departed" : "Active")},\n"
            );
        for (var i = 0; i < 3; i++)
            file.Append($"40000000-0000-4000-8000-00000000000{i},Hr {i},h{i}@example.com,HR,,Active,\n");
        file.Append(
            "50000000-0000-4000-8000-000000000000,Quote,q@example.com,\"O'Brien' or Department ne 'x\",,Active,\n"
        );
        AssertReport(await ImportAsync(file.ToString()), 11, 0, 0, 0);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query =
                "?department=Finance&status=Active&pageSize=2"
                + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token));
            var page = await ListAsync(query);
            Assert.True(page.Status == 200, page.Body);
            var items = page.Json.GetProperty("items").EnumerateArray().ToList();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(i => i.GetProperty("objectId").GetString()!));
            Assert.All(items, i => Assert.Equal("Finance", i.GetProperty("department").GetString()));
            token = page.Json.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        } while (token is not null && pages < 20);
        Assert.Equal(6, seen.Distinct().Count());
        Assert.Equal(6, seen.Count);
        Assert.True(pages >= 3);

        // A quote in the value is data, not filter syntax.
        var injected = await ListAsync("?department=" + Uri.EscapeDataString("x' or Department ne 'x"));
        Assert.Equal(200, injected.Status);
        Assert.Empty(injected.Json.GetProperty("items").EnumerateArray());
        var exact = await ListAsync("?department=" + Uri.EscapeDataString("O'Brien' or Department ne 'x"));
        Assert.Equal(
            "50000000-0000-4000-8000-000000000000",
            Assert.Single(exact.Json.GetProperty("items").EnumerateArray()).GetProperty("objectId").GetString()
        );

        Assert.Equal(11, (await ListAsync("?pageSize=500")).Json.GetProperty("items").GetArrayLength());
        Assert.Equal(400, (await ListAsync("?pageSize=501")).Status);
        Assert.Equal(400, (await ListAsync("?pageSize=0")).Status);
        Assert.Equal(400, (await ListAsync("?pageSize=ten")).Status);
        Assert.Equal(400, (await ListAsync("?status=Retired")).Status);
        // Tokens are opaque and bound to their listing's filters: forged, altered or replayed with other filters → 400.
        Assert.Equal(
            400,
            (await ListAsync("?department=HR&continuationToken=" + Uri.EscapeDataString("x' or 1 eq 1 y"))).Status
        );
        var first = await ListAsync("?department=Finance&pageSize=2");
        var realToken = first.Json.GetProperty("continuationToken").GetString()!;
        Assert.Equal(
            200,
            (
                await ListAsync("?department=Finance&pageSize=2&continuationToken=" + Uri.EscapeDataString(realToken))
            ).Status
        );
        var replayed = await ListAsync(
            "?department=HR&pageSize=2&continuationToken=" + Uri.EscapeDataString(realToken)
        );
        Assert.Equal(400, replayed.Status);
        Assert.Contains("continuation token", replayed.Json.GetProperty("detail").GetString());
        var altered = realToken[..^1] + (realToken[^1] == '0' ? '1' : '0');
        Assert.Equal(
            400,
            (
                await ListAsync("?department=Finance&pageSize=2&continuationToken=" + Uri.EscapeDataString(altered))
            ).Status
        );
    }

    [Fact]
    public async Task Me_assets_returns_only_the_callers_assets()
    {
        var mine1 = await app.EnrollNewDeviceAsync();
        var mine2 = await app.EnrollNewDeviceAsync();
        var theirs = await app.EnrollNewDeviceAsync();
        await app.EnrollNewDeviceAsync();
        await app.ImportPeopleAsync((TestTokens.EndUser.ObjectId, "Active"), (TestTokens.Auditor.ObjectId, "Active"));
        await SetOwnerAsync(mine1.DeviceId, TestTokens.EndUser.ObjectId);
        await SetOwnerAsync(mine2.DeviceId, TestTokens.EndUser.ObjectId.ToUpperInvariant());
        await SetOwnerAsync(theirs.DeviceId, TestTokens.Auditor.ObjectId);

        var request = app.Request("GET", "/api/me/assets", [], null, Auth(TestTokens.EndUser));
        var answer = await TestApp.ExecuteAsync(request, Functions.GetMyAssets(request, CancellationToken.None));

        Assert.Equal(200, answer.Status);
        var ids = answer
            .Json.GetProperty("items")
            .EnumerateArray()
            .Select(i => i.GetProperty("assetId").GetString())
            .ToList();
        Assert.Equal(new[] { mine1.DeviceId, mine2.DeviceId }.Order(StringComparer.Ordinal), ids);

        // Ownership moves with PATCH: the summary row follows, so does the answer.
        await SetOwnerAsync(mine1.DeviceId, TestTokens.Auditor.ObjectId);
        request = app.Request("GET", "/api/me/assets", [], null, Auth(TestTokens.EndUser));
        answer = await TestApp.ExecuteAsync(request, Functions.GetMyAssets(request, CancellationToken.None));
        Assert.Equal(
            [mine2.DeviceId],
            answer.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("assetId").GetString())
        );
    }

    private async Task SetOwnerAsync(string assetId, string owner)
    {
        var assets = app.Create<AssetFunctions>();
        var read = app.Request("GET", $"/api/assets/{assetId}", [], null, Auth(TestTokens.Admin));
        var current = await TestApp.ExecuteAsync(read, assets.GetAsset(read, assetId, CancellationToken.None));
        var headers = Auth(TestTokens.Admin);
        headers["If-Match"] = current.Headers.ETag.ToString();
        var patch = app.Request(
            "PATCH",
            $"/api/assets/{assetId}",
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { owner })),
            "application/json",
            headers
        );
        var answer = await TestApp.ExecuteAsync(patch, assets.UpdateAsset(patch, assetId, CancellationToken.None));
        Assert.True(answer.Status == 200, answer.Body);
    }

    [Fact]
    public async Task Only_admins_with_mfa_import_and_leads_read_only_their_departments()
    {
        var snapshot = await app.SnapshotAsync();
        Assert.Equal(403, (await ImportAsync(ValidFile, TestTokens.Auditor)).Status);
        var noMfa = await ImportAsync(ValidFile, TestTokens.AdminWithoutMfa);
        Assert.Equal(403, noMfa.Status);
        Assert.Contains("multi-factor", noMfa.Body);
        Assert.Equal(403, (await ImportAsync(ValidFile, TestTokens.FinanceLead)).Status);
        await app.AssertUnchangedSinceAsync(snapshot);
        AssertReport(await ImportAsync(ValidFile), 3, 0, 0, 0);

        Assert.Equal(200, (await GetAsync(Ann, TestTokens.FinanceLead)).Status);
        Assert.Equal(403, (await GetAsync(Bob, TestTokens.FinanceLead)).Status);
        Assert.Equal(200, (await GetAsync(Bob, TestTokens.HrLead)).Status);
        Assert.Equal(403, (await GetAsync(Ann, TestTokens.EndUser)).Status);
        Assert.Equal(404, (await GetAsync("not-a-guid", TestTokens.Admin)).Status);

        var finance = await ListAsync("?department=Finance", TestTokens.FinanceLead);
        Assert.Equal(200, finance.Status);
        Assert.Equal(2, finance.Json.GetProperty("items").GetArrayLength());
        Assert.Equal(403, (await ListAsync("?department=HR", TestTokens.FinanceLead)).Status);
        Assert.Equal(403, (await ListAsync("", TestTokens.FinanceLead)).Status);
        Assert.Equal(403, (await ExportAsync(TestTokens.FinanceLead)).Status);
        Assert.Equal(403, (await ExportAsync(TestTokens.EndUser)).Status);
    }
}
