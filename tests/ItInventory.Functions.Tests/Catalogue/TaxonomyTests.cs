using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Catalogue;

public sealed class TaxonomyRulesTests
{
    [Theory]
    [InlineData("laptops", true)]
    [InlineData("HQ-3F", true)]
    [InlineData("a.b_c-d", true)]
    [InlineData("", false)]
    [InlineData("-lead", false)]
    [InlineData("has space", false)]
    [InlineData("x' or 'a' eq 'a", false)]
    [InlineData("a/b", false)]
    public void Codes_are_safe_keys(string code, bool valid) => Assert.Equal(valid, TaxonomyRules.IsCode(code));

    [Fact]
    public void Location_cycles_and_depth_are_detected()
    {
        var parents = new Dictionary<string, string?>
        {
            ["room"] = "building",
            ["building"] = "site",
            ["site"] = null,
        };
        Assert.False(TaxonomyRules.CreatesCycle("desk", "room", c => parents.GetValueOrDefault(c)));
        Assert.True(TaxonomyRules.CreatesCycle("site", "room", c => parents.GetValueOrDefault(c)));
        var deep = Enumerable.Range(0, 12).ToDictionary(i => $"l{i}", i => i == 0 ? null : (string?)$"l{i - 1}");
        Assert.True(TaxonomyRules.CreatesCycle("new", "l11", c => deep.GetValueOrDefault(c)));
    }

    [Fact]
    public void Types_parse_by_name_or_wire_name_and_criticality_only_by_name()
    {
        Assert.True(TaxonomyRules.TryParseType("iot-sensor", out var t1));
        Assert.Equal(AssetType.IotSensor, t1);
        Assert.True(TaxonomyRules.TryParseType("IotSensor", out var t2));
        Assert.Equal(AssetType.IotSensor, t2);
        Assert.False(TaxonomyRules.TryParseType("3", out _));
        Assert.False(TaxonomyRules.TryParseType("iotsensor", out _));
        Assert.True(TaxonomyRules.TryParseCriticality("High", out var c));
        Assert.Equal(Criticality.High, c);
        Assert.False(TaxonomyRules.TryParseCriticality("2", out _));
        Assert.False(TaxonomyRules.TryParseCriticality("high", out _));
    }

    [Fact]
    public void Built_in_types_name_their_asset_kind()
    {
        var types = TaxonomyRules.BuiltIn(TaxonomyKind.Type);
        Assert.Equal(Enum.GetValues<AssetType>().Length, types.Count);
        Assert.Equal("IotDevice", types.Single(t => t.Code == "IotSensor").AssetKind);
        Assert.False(types.Single(t => t.Code == "Unknown").Active);
        Assert.All(types, t => Assert.True(t.BuiltIn));
    }
}

public sealed class TaxonomyTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Built_in_kinds_list_their_entries_and_managed_kinds_list_the_table()
    {
        var types = await ListTaxonomyAsync(app, "type", TestTokens.EndUser);
        Assert.Equal(200, types.Status);
        Assert.Contains(types.Json.GetProperty("items").EnumerateArray(), i =>
            i.GetProperty("code").GetString() == "Peripheral" && i.GetProperty("builtIn").GetBoolean()
        );
        var criticality = await ListTaxonomyAsync(app, "criticality");
        Assert.Equal(
            Enum.GetNames<Criticality>(),
            criticality
                .Json.GetProperty("items")
                .EnumerateArray()
                .Select(i => i.GetProperty("code").GetString()!)
                .ToArray()
        );

        var locations = (await ListTaxonomyAsync(app, "location")).Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(
            ["hq", "hq-3f", "old-site", "warehouse"],
            locations.Select(l => l.GetProperty("code").GetString()!).ToArray()
        );
        Assert.Equal("hq", locations[1].GetProperty("parent").GetString());
        Assert.False(locations[2].GetProperty("active").GetBoolean());

        Assert.Equal(404, (await ListTaxonomyAsync(app, "colour")).Status);
    }

    [Fact]
    public async Task Admin_creates_updates_and_re_puts_an_entry_each_change_audited_once()
    {
        var created = await PutTaxonomyAsync(
            app,
            "location",
            "hq-4f",
            """{"displayName":"HQ 4th floor","parent":"hq"}"""
        );
        Assert.Equal(201, created.Status);
        Assert.Equal("/api/taxonomy/location/hq-4f", created.Headers.Location.ToString());
        var row = (await app.Store.Taxonomy.GetEntityAsync<TaxonomyEntity>("location", "hq-4f")).Value;
        Assert.Equal(("HQ 4th floor", "hq", true), (row.DisplayName, row.Parent, row.Active));

        Assert.Equal(
            200,
            (
                await PutTaxonomyAsync(app, "location", "hq-4f", """{"displayName":"HQ 4th floor","parent":"hq"}""")
            ).Status
        );
        var updated = await PutTaxonomyAsync(
            app,
            "location",
            "hq-4f",
            """{"displayName":"HQ fourth floor","parent":"hq","active":false}"""
        );
        Assert.Equal(200, updated.Status);
        Assert.False(updated.Json.GetProperty("active").GetBoolean());

        var audit = await AuditAsync(app, "taxonomy", "location/hq-4f");
        Assert.Equal(["create", "update"], audit.Select(a => a.Action).ToArray());
        Assert.Equal(TestTokens.Admin.ObjectId, audit[1].ActorId);
        Assert.Contains("HQ fourth floor", audit[1].ChangesJson);
        Assert.NotNull(audit[1].CorrelationId);
    }

    [Theory]
    [InlineData("location", "bad code", """{"displayName":"x"}""", 400)]
    [InlineData("location", "ok", """{"displayName":""}""", 400)]
    [InlineData("category", "ok", """{"displayName":"x","parent":"hq"}""", 400)]
    [InlineData("location", "ok", """{"displayName":"x","parent":"nowhere"}""", 422)]
    [InlineData("location", "hq", """{"displayName":"x","parent":"hq-3f"}""", 400)]
    [InlineData("type", "Drone", """{"displayName":"Drone"}""", 400)]
    [InlineData("criticality", "Extreme", """{"displayName":"x"}""", 400)]
    [InlineData("colour", "red", """{"displayName":"x"}""", 404)]
    [InlineData("location", "ok", """{"displayName":"x","extra":1,""", 400)]
    public async Task Bad_entries_are_refused_and_change_nothing(string kind, string code, string body, int status)
    {
        var snapshot = await app.SnapshotAsync();

        var answer = await PutTaxonomyAsync(app, kind, code, body);

        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json; charset=utf-8", answer.ContentType);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Only_admins_with_mfa_change_the_taxonomy()
    {
        foreach (
            var persona in new[]
            {
                TestTokens.AdminWithoutMfa,
                TestTokens.Auditor,
                TestTokens.FinanceLead,
                TestTokens.EndUser,
            }
        )
        {
            Assert.Equal(
                403,
                (await PutTaxonomyAsync(app, "category", "phones", """{"displayName":"Phones"}""", persona)).Status
            );
            Assert.Equal(403, (await DeleteTaxonomyAsync(app, "category", "monitors", persona)).Status);
        }
        Assert.False((await app.Store.Taxonomy.GetEntityIfExistsAsync<TaxonomyEntity>("category", "phones")).HasValue);
    }

    [Fact]
    public async Task Delete_is_refused_while_an_asset_or_a_child_location_refers_to_it()
    {
        await CreatePeripheralAsync(app, extra: ",\"category\":\"monitors\",\"location\":\"warehouse\"");

        Assert.Equal(409, (await DeleteTaxonomyAsync(app, "category", "monitors")).Status);
        Assert.Equal(409, (await DeleteTaxonomyAsync(app, "location", "warehouse")).Status);
        Assert.Equal(409, (await DeleteTaxonomyAsync(app, "location", "hq")).Status);
        Assert.Equal(400, (await DeleteTaxonomyAsync(app, "type", "Laptop")).Status);
        Assert.Equal(404, (await DeleteTaxonomyAsync(app, "category", "nothing")).Status);
        Assert.True((await app.Store.Taxonomy.GetEntityIfExistsAsync<TaxonomyEntity>("category", "monitors")).HasValue);

        Assert.Equal(204, (await DeleteTaxonomyAsync(app, "category", "sensors")).Status);
        Assert.False((await app.Store.Taxonomy.GetEntityIfExistsAsync<TaxonomyEntity>("category", "sensors")).HasValue);
        Assert.Equal("delete", Assert.Single(await AuditAsync(app, "taxonomy", "category/sensors")).Action);
    }

    [Fact]
    public async Task Patch_accepts_only_active_known_categories_and_locations()
    {
        var (id, etag) = await CreatePeripheralAsync(app);
        async Task<HttpAnswer> Patch(string body, string tag)
        {
            var request = app.Request(
                "PATCH",
                $"/api/assets/{id}",
                Encoding.UTF8.GetBytes(body),
                "application/json",
                Auth(TestTokens.Admin, tag)
            );
            return await TestApp.ExecuteAsync(
                request,
                app.Create<AssetFunctions>().UpdateAsset(request, id, CancellationToken.None)
            );
        }

        var unknown = await Patch("""{"category":"phones","location":"old-site"}""", etag);
        Assert.Equal(422, unknown.Status);
        Assert.True(unknown.Json.GetProperty("errors").TryGetProperty("category", out _));
        Assert.Contains("inactive", unknown.Json.GetProperty("errors").GetProperty("location")[0].GetString());
        Assert.Equal(etag, await ETagAsync(app, id));

        var ok = await Patch("""{"category":"laptops","location":"hq-3f"}""", etag);
        Assert.Equal(200, ok.Status);
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(id), id)
        ).Value;
        Assert.Equal(("laptops", "hq-3f"), (summary.Category, summary.Location));
        Assert.Equal(200, (await Patch("""{"location":""}""", ok.Headers.ETag.ToString())).Status);
    }
}
