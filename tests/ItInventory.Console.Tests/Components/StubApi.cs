using System.Net;
using System.Text;
using ItInventory.Console.Services;

namespace ItInventory.Console.Tests.Components;

/// <summary>The management API as a component test sees it: answers by path (and query) prefix, every request kept
/// with its body. Only the HTTP edge is replaced: <see cref="ApiClient"/> itself runs as in the browser.</summary>
public sealed class StubApi : HttpMessageHandler
{
    private readonly List<(HttpMethod Method, string Prefix, HttpStatusCode Status, string Body)> answers = [];

    public List<(HttpMethod Method, string PathAndQuery, string? Body)> Requests { get; } = [];

    public StubApi Answer(HttpMethod method, string prefix, string json, HttpStatusCode status = HttpStatusCode.OK)
    {
        answers.Add((method, "/api/" + prefix, status, json));
        return this;
    }

    public ApiClient Client() => new(new HttpClient(this) { BaseAddress = new Uri("http://api.test/api/") });

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        var path = request.RequestUri!.PathAndQuery;
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, path, body));
        // The longest matching prefix wins, so a specific answer can sit beside a general one.
        var answer = answers
            .Where(a => a.Method == request.Method && path.StartsWith(a.Prefix, StringComparison.Ordinal))
            .OrderByDescending(a => a.Prefix.Length)
            .Select(a => ((HttpStatusCode, string)?)(a.Status, a.Body))
            .FirstOrDefault();
        var (status, json) = answer ?? (HttpStatusCode.NotFound, """{"status":404,"title":"Not found."}""");
        var contentType = (int)status >= 400 ? "application/problem+json" : "application/json";
        return new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, contentType) };
    }
}

/// <summary>A clock fixed at one instant.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
