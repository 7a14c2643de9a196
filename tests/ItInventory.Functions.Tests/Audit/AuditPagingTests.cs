using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audit;

/// <summary><c>GET /api/audit-trail</c> pages: a chronological merge across lanes, continuation tokens, strict
/// input.</summary>
public sealed class AuditPagingTests : IAsyncLifetime
{
    private const string ActorA = "a0000000-0000-4000-8000-00000000000a";
    private const string ActorB = "b0000000-0000-4000-8000-00000000000b";

    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private AuditTrail Trail => app.Services.GetRequiredService<AuditTrail>();

    /// <summary>Appends <paramref name="count"/> records one second apart over <paramref name="entities"/> assets (so
    /// over
    /// many lanes); actors alternate A, B. Answers them in time order.</summary>
    private async Task<List<AuditRecordEntity>> AppendAsync(int count, int entities)
    {
        var appended = new List<AuditRecordEntity>(count);
        for (var i = 0; i < count; i++)
        {
            var actor = i % 2 == 0 ? ActorA : ActorB;
            appended.Add(
                await Trail.AppendAsync(
                    new AuditEvent(
                        AuditActor.Person(actor, null),
                        "asset",
                        $"asset-{i % entities}",
                        "update",
                        [new FieldChange("Location", null, $"v{i}")],
                        null
                    ),
                    CancellationToken.None
                )
            );
            app.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        return appended;
    }

    private static string Utc(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<HttpAnswer> GetAsync(string query)
    {
        var request = app.Request(
            "GET",
            "/api/audit-trail" + query,
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Auditor) }
        );
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AuditFunctions>().QueryAuditTrail(request, CancellationToken.None)
        );
    }

    /// <summary>Follows the tokens to the end; answers every page's records as (lane, sequence) and each page's
    /// size.</summary>
    private async Task<(List<(string Lane, long Sequence, DateTimeOffset At)> Records, List<int> Pages)> ReadAllAsync(
        string query
    )
    {
        var records = new List<(string, long, DateTimeOffset)>();
        var pages = new List<int>();
        string? token = null;
        do
        {
            var answer = await GetAsync(
                query + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token))
            );
            Assert.True(answer.Status == 200, answer.Body);
            var items = answer.Json.GetProperty("items").EnumerateArray().ToList();
            pages.Add(items.Count);
            records.AddRange(
                items.Select(r =>
                    (
                        r.GetProperty("lane").GetString()!,
                        r.GetProperty("sequence").GetInt64(),
                        r.GetProperty("at").GetDateTimeOffset()
                    )
                )
            );
            token = answer.Json.TryGetProperty("continuationToken", out var next) ? next.GetString() : null;
            Assert.True(pages.Count <= 100, "the tokens do not come to an end");
        } while (token is not null);
        return (records, pages);
    }

    private static List<(string Lane, long Sequence)> Keys(IEnumerable<AuditRecordEntity> records) =>
        [.. records.Select(r => (r.PartitionKey, r.Sequence))];

    [Fact]
    public async Task Following_the_tokens_returns_every_record_once_in_time_order_across_lanes()
    {
        var appended = await AppendAsync(250, 60);
        Assert.True(
            appended.Select(r => r.PartitionKey).Distinct().Count() >= 10,
            "the records should spread over many lanes"
        );

        var (records, pages) = await ReadAllAsync("?pageSize=40");

        Assert.Equal(Keys(appended), records.Select(r => (r.Lane, r.Sequence)).ToList());
        Assert.Equal(new[] { 40, 40, 40, 40, 40, 40, 10 }, pages.Where(p => p > 0).ToList());
        Assert.True(pages.Count <= 8, string.Join(",", pages));
    }

    [Fact]
    public async Task A_page_costs_at_most_one_request_per_unfinished_lane()
    {
        await AppendAsync(120, 40);
        var query = new Dictionary<string, string[]> { ["pageSize"] = ["25"] };
        string? token = null;
        var pages = 0;
        do
        {
            if (token is not null)
                query["continuationToken"] = [token];
            using var scope = StorageRequestCounter.BeginScope();
            var page = await Trail.QueryPageAsync(query, CancellationToken.None);
            Assert.False(page.Failed);
            Assert.True(scope.Count <= TableKeys.AuditLanes, string.Join("\n", scope.Requests));
            Assert.All(scope.Requests, r => Assert.StartsWith("GET ", r));
            token = page.Value!.ContinuationToken;
            pages++;
        } while (token is not null && pages < 20);
        Assert.Null(token);
    }

    [Fact]
    public async Task Filters_combine_with_paging()
    {
        var appended = await AppendAsync(120, 30);
        var from = appended[10].At;
        var to = appended[100].At;
        var expected = appended.Where(r => r.ActorId == ActorA && r.At >= from && r.At < to).ToList();

        var (records, _) = await ReadAllAsync($"?actor={ActorA}&from={Utc(from)}&to={Utc(to)}&pageSize=7");

        Assert.Equal(45, expected.Count);
        Assert.Equal(Keys(expected), records.Select(r => (r.Lane, r.Sequence)).ToList());
    }

    [Fact]
    public async Task Entity_and_id_read_only_the_entitys_lane_one_request_per_page()
    {
        var appended = await AppendAsync(90, 3);
        var expected = appended.Where(r => r.EntityId == "asset-1").ToList();
        var query = new Dictionary<string, string[]>
        {
            ["entity"] = ["asset"],
            ["entityId"] = ["asset-1"],
            ["pageSize"] = ["8"],
        };
        var lane = TableKeys.AuditLane("asset", "asset-1");
        var read = new List<AuditRecordView>();
        string? token = null;
        do
        {
            if (token is not null)
                query["continuationToken"] = [token];
            using var scope = StorageRequestCounter.BeginScope();
            var page = await Trail.QueryPageAsync(query, CancellationToken.None);
            Assert.True(scope.Count == 1, string.Join("\n", scope.Requests));
            read.AddRange(page.Value!.Items);
            token = page.Value.ContinuationToken;
        } while (token is not null && read.Count <= expected.Count);

        Assert.Equal(Keys(expected), read.Select(r => (r.Lane, r.Sequence)).ToList());
        Assert.All(read, r => Assert.Equal(lane, r.Lane));
    }

    [Fact]
    public async Task Entity_alone_filters_across_lanes()
    {
        await AppendAsync(10, 5);
        await Trail.AppendAsync(
            new AuditEvent(AuditActor.System("job"), "device", "d-1", "revoke", [], null),
            CancellationToken.None
        );

        var (records, _) = await ReadAllAsync("?entity=device&pageSize=3");

        Assert.Single(records);
    }

    [Theory]
    [InlineData("?pageSize=0", "pageSize")]
    [InlineData("?pageSize=1001", "pageSize")]
    [InlineData("?pageSize=-5", "pageSize")]
    [InlineData("?pageSize=ten", "pageSize")]
    [InlineData("?pageSize=10&pageSize=20", "pageSize")]
    [InlineData("?from=2026-11-02", "from")]
    [InlineData("?to=2026-13-01T00:00:00Z", "to")]
    [InlineData("?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z", "to")]
    [InlineData("?from=2026-11-02T00:00:00Z&to=2026-11-02T00:00:00Z", "to")]
    [InlineData("?continuationToken=garbage", "continuationToken")]
    [InlineData("?continuationToken=YTE6MQ.0000000000000000", "continuationToken")]
    [InlineData("?order=desc", "order")]
    public async Task Bad_input_is_400_problem_naming_only_that_parameter(string query, string parameter)
    {
        await AppendAsync(3, 3);

        var answer = await GetAsync(query);

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        Assert.Equal(
            new[] { parameter },
            answer.Json.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList()
        );
    }

    [Fact]
    public async Task A_token_that_was_altered_or_is_replayed_with_other_filters_is_400()
    {
        await AppendAsync(30, 10);
        var first = await GetAsync($"?actor={ActorA}&pageSize=5");
        var token = first.Json.GetProperty("continuationToken").GetString()!;

        // The same filters (another page size is fine) continue.
        var next = await GetAsync($"?actor={ActorA}&pageSize=6&continuationToken={Uri.EscapeDataString(token)}");
        Assert.Equal(200, next.Status);
        Assert.Equal(6, next.Json.GetProperty("items").GetArrayLength());

        var dot = token.IndexOf('.');
        var alteredCursor = (token[0] == 'Y' ? 'Z' : 'Y') + token[1..];
        var alteredCheck = token[..(dot + 1)] + (token[dot + 1] == '0' ? '1' : '0') + token[(dot + 2)..];
        foreach (
            var query in new[]
            {
                $"?actor={ActorB}&pageSize=5&continuationToken={Uri.EscapeDataString(token)}",
                $"?pageSize=5&continuationToken={Uri.EscapeDataString(token)}",
                $"?actor={ActorA}&from=2020-01-01T00:00:00Z&pageSize=5&continuationToken={Uri.EscapeDataString(token)}",
                $"?actor={ActorA}&entity=asset&entityId=asset-1&pageSize=5"
                    + $"&continuationToken={Uri.EscapeDataString(token)}",
                $"?actor={ActorA}&pageSize=5&continuationToken={Uri.EscapeDataString(alteredCursor)}",
                $"?actor={ActorA}&pageSize=5&continuationToken={Uri.EscapeDataString(alteredCheck)}",
                $"?actor={ActorA}&pageSize=5&continuationToken={Uri.EscapeDataString(token + "x")}",
            }
        )
        {
            var answer = await GetAsync(query);
            Assert.True(answer.Status == 400, query + ": " + answer.Body);
            Assert.Equal(
                new[] { "continuationToken" },
                answer.Json.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList()
            );
        }
    }

    [Fact]
    public void The_token_holds_one_cursor_per_lane_and_refuses_malformed_cursors()
    {
        var all = new AuditQuery(Actor: ActorA);
        var cursor = new AuditCursor([
            .. Enumerable.Range(0, TableKeys.AuditLanes).Select(i => i % 3 == 0 ? (long?)null : i * 10),
        ]);

        var token = AuditQueries.EncodeToken(all, cursor);

        Assert.Equal(cursor.After, AuditQueries.DecodeToken(token, all)!.After);
        Assert.DoesNotContain('+', token);
        Assert.DoesNotContain('/', token);
        Assert.Null(AuditQueries.DecodeToken(token, new AuditQuery("asset", "asset-1", ActorA)));
        Assert.Null(AuditQueries.DecodeToken(token, all with { Actor = ActorB }));
        // Every lane exhausted is no position to continue from.
        Assert.Null(
            AuditQueries.DecodeToken(
                AuditQueries.EncodeToken(
                    all,
                    new AuditCursor([.. Enumerable.Repeat<long?>(null, TableKeys.AuditLanes)])
                ),
                all
            )
        );
        // A cursor for one lane does not fit a query over all lanes.
        var one = new AuditQuery("asset", "asset-1");
        Assert.NotNull(AuditQueries.DecodeToken(AuditQueries.EncodeToken(one, new AuditCursor([3])), one));
        Assert.Null(AuditQueries.DecodeToken(AuditQueries.EncodeToken(one, new AuditCursor([3])), all));
    }
}
