using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audit;

public sealed class AuditTrailTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private AuditTrail Trail => app.Services.GetRequiredService<AuditTrail>();

    private static AuditEvent Change(
        string entityId,
        string to,
        string actor = "a0000000-0000-4000-8000-000000000001"
    ) =>
        new(
            AuditActor.Person(actor, "admin@contoso.test"),
            "asset",
            entityId,
            "update",
            [new FieldChange("Location", "before", to)],
            "corr-1"
        );

    private async Task<HttpAnswer> GetAsync(
        string path,
        Persona persona,
        Func<AuditFunctions, Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>> call
    )
    {
        var request = app.Request(
            "GET",
            path,
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona) }
        );
        var query = path.Contains('?') ? path[path.IndexOf('?')..] : "";
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        return await TestApp.ExecuteAsync(request, call(app.Create<AuditFunctions>(), request));
    }

    [Fact]
    public async Task Appended_records_chain_each_to_the_previous_and_verify_intact()
    {
        var first = await Trail.AppendAsync(Change("asset-1", "A"), CancellationToken.None);
        var second = await Trail.AppendAsync(Change("asset-1", "B"), CancellationToken.None);

        Assert.Equal(first.PartitionKey, second.PartitionKey);
        Assert.Equal(first.Sequence + 1, second.Sequence);
        Assert.Equal(first.Hash, second.PreviousHash);
        Assert.Equal(AuditChain.Genesis, first.PreviousHash);
        var verification = await Trail.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact);
        Assert.Equal(2, verification.Records);
    }

    [Fact]
    public async Task Concurrent_appends_keep_every_lane_contiguous_and_intact()
    {
        await Task.WhenAll(
            Enumerable
                .Range(0, 40)
                .Select(i => Trail.AppendAsync(Change($"asset-{i % 5}", $"v{i}"), CancellationToken.None))
        );

        var verification = await Trail.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, string.Join("; ", verification.Breaks));
        Assert.Equal(40, verification.Records);
    }

    [Fact]
    public async Task An_altered_record_breaks_the_chain_at_that_record()
    {
        await Trail.AppendAsync(Change("asset-1", "A"), CancellationToken.None);
        var victim = await Trail.AppendAsync(Change("asset-1", "B"), CancellationToken.None);
        await Trail.AppendAsync(Change("asset-1", "C"), CancellationToken.None);

        // Someone with write access to the table rewrites history.
        await app.Store.AuditTrail.UpdateEntityAsync(
            new TableEntity(victim.PartitionKey, victim.RowKey)
            {
                [nameof(AuditRecordEntity.ChangesJson)] =
                    """[{"field":"Location","from":"before","to":"somewhere else"}]""",
            },
            ETag.All,
            TableUpdateMode.Merge
        );

        var verification = await Trail.VerifyAsync(CancellationToken.None);
        Assert.False(verification.Intact);
        var broken = Assert.Single(verification.Breaks);
        Assert.Equal((victim.PartitionKey, victim.Sequence), (broken.Lane, broken.Sequence));
        Assert.Contains("altered", broken.Reason);
    }

    [Fact]
    public async Task A_removed_record_or_a_truncated_tail_is_detected()
    {
        await Trail.AppendAsync(Change("asset-1", "A"), CancellationToken.None);
        var middle = await Trail.AppendAsync(Change("asset-1", "B"), CancellationToken.None);
        var last = await Trail.AppendAsync(Change("asset-1", "C"), CancellationToken.None);

        await app.Store.AuditTrail.DeleteEntityAsync(middle.PartitionKey, middle.RowKey);
        var holed = await Trail.VerifyAsync(CancellationToken.None);
        Assert.Contains("missing", Assert.Single(holed.Breaks).Reason);

        await app.Store.AuditTrail.DeleteEntityAsync(last.PartitionKey, last.RowKey);
        var truncated = await Trail.VerifyAsync(CancellationToken.None);
        Assert.Contains("head", Assert.Single(truncated.Breaks).Reason);
    }

    [Fact]
    public async Task Asset_edits_and_device_administration_through_the_api_are_recorded_with_their_actor()
    {
        var device = await app.EnrollNewDeviceAsync();
        await Catalogue.CatalogueKit.SeedTaxonomyAsync(app, "location", "HQ-2F");
        var headers = new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) };
        var read = app.Request("GET", $"/api/assets/{device.DeviceId}", [], null, headers);
        var etag = (
            await TestApp.ExecuteAsync(
                read,
                app.Create<AssetFunctions>().GetAsset(read, device.DeviceId, CancellationToken.None)
            )
        ).Headers.ETag.ToString();
        headers["If-Match"] = etag;
        var patch = app.Request(
            "PATCH",
            $"/api/assets/{device.DeviceId}",
            """{"location":"HQ-2F"}"""u8.ToArray(),
            "application/json",
            headers
        );
        Assert.Equal(
            200,
            (
                await TestApp.ExecuteAsync(
                    patch,
                    app.Create<AssetFunctions>().UpdateAsset(patch, device.DeviceId, CancellationToken.None)
                )
            ).Status
        );
        app.Clock.Advance(TimeSpan.FromSeconds(1)); // records of different lanes are ordered by time
        var revoke = app.Request("POST", $"/api/devices/{device.DeviceId}/revoke", [], null, headers);
        Assert.Equal(
            204,
            (
                await TestApp.ExecuteAsync(
                    revoke,
                    app.Create<ItInventory.Functions.Devices.DeviceAdminFunctions>()
                        .RevokeDevice(revoke, device.DeviceId, CancellationToken.None)
                )
            ).Status
        );

        var forAsset = await GetAsync(
            $"/api/audit-trail?entity=asset&entityId={device.DeviceId}",
            TestTokens.Auditor,
            (f, r) => f.QueryAuditTrail(r, CancellationToken.None)
        );
        Assert.Equal(200, forAsset.Status);
        var records = forAsset.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["enroll", "update"], records.Select(r => r.GetProperty("action").GetString()));
        var update = records[1];
        Assert.Equal(TestTokens.Admin.ObjectId, update.GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("admin@contoso.test", update.GetProperty("actor").GetProperty("name").GetString());
        var field = update.GetProperty("changes")[0];
        Assert.Equal(
            ("Location", "HQ-2F"),
            (field.GetProperty("field").GetString(), field.GetProperty("to").GetString())
        );

        var byAdmin = await GetAsync(
            $"/api/audit-trail?actor={TestTokens.Admin.ObjectId}",
            TestTokens.Auditor,
            (f, r) => f.QueryAuditTrail(r, CancellationToken.None)
        );
        Assert.Equal(
            ["update", "revoke-credential"],
            byAdmin.Json.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("action").GetString())
        );

        var verify = await GetAsync("/api/audit-trail/verify", TestTokens.Auditor, (f, r) =>
            f.VerifyAuditTrail(r, CancellationToken.None)
        );
        Assert.True(verify.Json.GetProperty("intact").GetBoolean());
    }

    [Fact]
    public async Task Time_range_query_returns_only_records_inside_it()
    {
        await Trail.AppendAsync(Change("asset-1", "A"), CancellationToken.None);
        app.Clock.Advance(TimeSpan.FromDays(2));
        await Trail.AppendAsync(Change("asset-2", "B"), CancellationToken.None);
        var from = app.Clock.GetUtcNow().AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

        var answer = await GetAsync($"/api/audit-trail?from={from}", TestTokens.Admin, (f, r) =>
            f.QueryAuditTrail(r, CancellationToken.None)
        );

        Assert.Equal(
            "asset-2",
            Assert
                .Single(answer.Json.GetProperty("items").EnumerateArray().ToList())
                .GetProperty("entityId")
                .GetString()
        );
    }

    [Theory]
    [InlineData("/api/audit-trail?from=yesterday", "from")]
    [InlineData("/api/audit-trail?max=50", "max")]
    [InlineData("/api/audit-trail?pageSize=5000", "pageSize")]
    [InlineData("/api/audit-trail?entityId=abc", "entity")]
    public async Task Bad_query_is_400_naming_the_parameter(string path, string parameter)
    {
        var answer = await GetAsync(path, TestTokens.Admin, (f, r) => f.QueryAuditTrail(r, CancellationToken.None));

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(parameter, out _), answer.Body);
    }

    [Fact]
    public async Task A_quote_in_a_filter_value_is_data_not_query_syntax()
    {
        await Trail.AppendAsync(Change("asset-1", "A"), CancellationToken.None);

        var answer = await GetAsync("/api/audit-trail?actor=x' or ActorId ne 'y", TestTokens.Admin, (f, r) =>
            f.QueryAuditTrail(r, CancellationToken.None)
        );

        Assert.Equal(200, answer.Status);
        Assert.Empty(answer.Json.GetProperty("items").EnumerateArray());
    }
}
