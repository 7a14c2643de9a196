using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Catalogue;

public sealed class AssetSearchRulesTests
{
    private static Dictionary<string, string[]> Parse(string query, out AssetFilter filter) =>
        AssetSearch.Parse(
            Microsoft
                .AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query)
                .Select(q => new KeyValuePair<string, string[]>(q.Key, q.Value.Select(v => v ?? "").ToArray())),
            ["pageSize", "continuationToken"],
            out filter
        );

    [Fact]
    public void Filters_are_quoted_by_the_sdk_so_values_cannot_change_the_query()
    {
        Assert.Empty(
            Parse("?department=Fin' or 'a' eq 'a&kind=IotDevice&lastSeenFrom=2026-11-01T00:00:00Z", out var filter)
        );

        var odata = AssetSearch.BuildFilter(filter, null);

        Assert.Equal(
            "Kind eq 'IotDevice' and Department eq 'Fin'' or ''a'' eq ''a' and LastSeenAt ge "
                + "datetime'2026-11-01T00:00:00Z'",
            odata
        );
    }

    [Theory]
    [InlineData("?kind=Robot", "kind")]
    [InlineData("?kind=1", "kind")]
    [InlineData("?state=Lost", "state")]
    [InlineData("?criticality=high", "criticality")]
    [InlineData("?owner=bob", "owner")]
    [InlineData("?category=a%20b", "category")]
    [InlineData("?tag=nope", "tag")]
    [InlineData("?lastSeenFrom=yesterday", "lastSeenFrom")]
    [InlineData("?lastSeenFrom=2026-11-01", "lastSeenFrom")]
    [InlineData("?lastSeenFrom=2026-11-02T00:00:00Z&lastSeenTo=2026-11-01T00:00:00Z", "lastSeenTo")]
    [InlineData("?colour=red", "colour")]
    [InlineData("?kind=Hardware&kind=IotDevice", "kind")]
    [InlineData("?needsReview=yes", "needsReview")]
    public void Malformed_filters_are_errors_naming_the_parameter(string query, string parameter) =>
        Assert.True(Parse(query, out _).ContainsKey(parameter));

    [Fact]
    public void Leads_are_scoped_to_their_departments()
    {
        var lead = new Caller(
            "x",
            null,
            new HashSet<string> { ManagementRoles.DepartmentLead },
            new HashSet<string> { "HR", "Finance" },
            true
        );
        var user = new Caller("y", null, new HashSet<string>(), new HashSet<string>(), true);

        Assert.Equal(["Finance", "HR"], AssetSearch.Scope(lead, new AssetFilter()).Value!);
        Assert.Null(AssetSearch.Scope(lead, new AssetFilter { Department = "HR" }).Value);
        Assert.Equal(403, AssetSearch.Scope(lead, new AssetFilter { Department = "IT" }).Problem!.Status);
        Assert.Equal(403, AssetSearch.Scope(user, new AssetFilter()).Problem!.Status);
        Assert.Equal(
            "(Department eq 'Finance' or Department eq 'HR')",
            AssetSearch.BuildFilter(new AssetFilter(), ["Finance", "HR"])
        );
    }

    [Fact]
    public void Continuation_tokens_round_trip_and_refuse_tampering_or_other_filters()
    {
        var token = Functions.Common.ContinuationTokens.Encode("1!8!MDA-1!44!YWJj", "Kind eq 'Hardware'");

        Assert.Equal("1!8!MDA-1!44!YWJj", Functions.Common.ContinuationTokens.Decode(token, "Kind eq 'Hardware'"));
        Assert.Null(Functions.Common.ContinuationTokens.Decode(token, "Kind eq 'IotDevice'"));
        Assert.Null(Functions.Common.ContinuationTokens.Decode("x" + token, "Kind eq 'Hardware'"));
        Assert.Null(
            Functions.Common.ContinuationTokens.Decode(
                token[..^1] + (token[^1] == '0' ? '1' : '0'),
                "Kind eq 'Hardware'"
            )
        );
        Assert.Null(Functions.Common.ContinuationTokens.Decode("not a token", ""));
        Assert.Null(Functions.Common.ContinuationTokens.Decode("%%%.abc", ""));
    }
}

public sealed class AssetSearchTests : IAsyncLifetime
{
    private TestApp app = null!;
    private readonly List<string> finance = [];
    private string hrSensor = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
        for (var i = 0; i < 5; i++)
            finance.Add((await CreatePeripheralAsync(app, extra: ",\"category\":\"monitors\"")).Id);
        hrSensor = (
            await CreateAsync(
                app,
                $$"""
                {"name":"Door sensor","type":"iot-sensor","department":"HR","location":"hq","criticality":"High",
                 "owner":"{{Bob}}"}
                """
            )
        ).Json.GetProperty("id").GetString()!;
        // A check-in time for the sensor (the search reads last-seen from the summary row).
        var seen = new TableEntity(TableKeys.SummaryPartition(hrSensor), hrSensor)
        {
            ["LastSeenAt"] = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero),
        };
        await app.Store.Summaries.UpdateEntityAsync(seen, Azure.ETag.All);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static string[] Ids(HttpAnswer answer) =>
        answer.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();

    [Fact]
    public async Task An_outbox_row_waiting_in_a_summary_partition_is_never_listed_as_an_asset()
    {
        // A change's outbox row rides in the asset's summary partition until the dispatcher removes it.
        await app.Store.Summaries.AddEntityAsync(
            new TableEntity(TableKeys.SummaryPartition(hrSensor), "outbox|pending|0") { ["Kind"] = "audit" }
        );

        var all = Ids(await SearchAsync(app, ""));

        Assert.Contains(hrSensor, all);
        Assert.DoesNotContain(all, id => id.StartsWith("outbox", StringComparison.Ordinal));
        Assert.Equal(all.Length, all.Count(TableKeys.IsAssetId));
    }

    [Fact]
    public async Task Filters_select_the_matching_assets()
    {
        Assert.Equal([hrSensor], Ids(await SearchAsync(app, "?kind=IotDevice")));
        Assert.Equal([hrSensor], Ids(await SearchAsync(app, $"?owner={Bob.ToUpperInvariant()}")));
        Assert.Equal(
            [hrSensor],
            Ids(await SearchAsync(app, "?criticality=High&location=hq&department=HR&type=iot-sensor&state=InStock"))
        );
        Assert.Equal(
            [hrSensor],
            Ids(await SearchAsync(app, "?lastSeenFrom=2026-11-01T00:00:00Z&lastSeenTo=2026-11-01T23:59:59%2B00:00"))
        );
        Assert.Empty(Ids(await SearchAsync(app, "?lastSeenFrom=2026-11-02T00:00:00Z")));
        Assert.Equal(
            finance.Order(StringComparer.Ordinal),
            Ids(await SearchAsync(app, "?category=monitors")).Order(StringComparer.Ordinal)
        );
        // A value trying to widen the query matches nothing.
        Assert.Empty(Ids(await SearchAsync(app, "?department=HR%27%20or%20%27a%27%20eq%20%27a")));

        var item = (await SearchAsync(app, "?kind=IotDevice")).Json.GetProperty("items")[0];
        Assert.Equal("Door sensor", item.GetProperty("name").GetString());
        Assert.False(item.TryGetProperty("credentialHash", out _));
    }

    [Fact]
    public async Task Pages_follow_continuation_tokens_to_the_end()
    {
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var answer = await SearchAsync(
                app,
                "?pageSize=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))
            );
            Assert.Equal(200, answer.Status);
            Assert.True(answer.Json.GetProperty("items").GetArrayLength() <= 2);
            seen.AddRange(Ids(answer));
            token = answer.Json.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
            pages++;
        } while (token is not null && pages < 10);

        Assert.Equal(finance.Append(hrSensor).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Bad_pages_tokens_and_filters_are_400_problems()
    {
        var first = await SearchAsync(app, "?pageSize=2");
        var token = first.Json.GetProperty("continuationToken").GetString()!;

        Assert.Equal(400, (await SearchAsync(app, "?pageSize=1001")).Status);
        Assert.Equal(400, (await SearchAsync(app, "?pageSize=0")).Status);
        Assert.Equal(400, (await SearchAsync(app, "?pageSize=-1")).Status);
        Assert.Equal(400, (await SearchAsync(app, "?continuationToken=garbage")).Status);
        Assert.Equal(
            400,
            (await SearchAsync(app, "?pageSize=2&continuationToken=A" + Uri.EscapeDataString(token))).Status
        );
        Assert.Equal(
            400,
            (
                await SearchAsync(app, "?kind=Hardware&pageSize=2&continuationToken=" + Uri.EscapeDataString(token))
            ).Status
        );
        var bad = await SearchAsync(app, "?state=Lost&owner=x");
        Assert.Equal(400, bad.Status);
        Assert.Equal("application/problem+json; charset=utf-8", bad.ContentType);
        Assert.True(bad.Json.GetProperty("errors").TryGetProperty("state", out _));
        Assert.True(bad.Json.GetProperty("errors").TryGetProperty("owner", out _));
    }

    [Fact]
    public async Task Leads_see_their_departments_and_end_users_are_sent_to_their_own_assets()
    {
        Assert.Equal([hrSensor], Ids(await SearchAsync(app, "", TestTokens.HrLead)));
        Assert.Equal(5, Ids(await SearchAsync(app, "?department=Finance", TestTokens.FinanceLead)).Length);
        Assert.Equal(403, (await SearchAsync(app, "?department=HR", TestTokens.FinanceLead)).Status);
        Assert.Equal(403, (await SearchAsync(app, "", TestTokens.EndUser)).Status);
        Assert.Equal(6, Ids(await SearchAsync(app, "", TestTokens.Auditor)).Length);
    }
}
