using System.Net;
using System.Text;
using Bunit.TestDoubles;
using ItInventory.Console.Services;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Console.Components.Tests.Pages;

/// <summary>
/// The management API as the pages see it, answered from canned JSON by method and path (query included), with every
/// request recorded. An unplanned request answers 404 problem+json, so a page's error path shows in the markup.
/// </summary>
public sealed class RecordingApi : HttpMessageHandler
{
    private readonly Dictionary<string, (HttpStatusCode Status, string Body)> answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> etags = new(StringComparer.Ordinal);

    public List<(string Request, string? Body)> Requests { get; } = [];

    /// <summary>The <c>If-Match</c> each request carried (the version the page opened), by request.</summary>
    public Dictionary<string, string?> IfMatch { get; } = new(StringComparer.Ordinal);

    /// <summary>Answers <paramref name="request"/> (e.g. <c>GET licences/compliance?pageSize=100</c>).</summary>
    public RecordingApi On(string request, string json, HttpStatusCode status = HttpStatusCode.OK, string? etag = null)
    {
        answers[request] = (status, json);
        if (etag is not null)
            etags[request] = etag;
        return this;
    }

    /// <summary>Answers <paramref name="request"/> with an RFC 7807 problem.</summary>
    public RecordingApi Problem(string request, HttpStatusCode status, string title, string detail) =>
        On(request, $$"""{"status":{{(int)status}},"title":"{{title}}","detail":"{{detail}}"}""", status);

    public bool Received(string request) => Requests.Any(r => r.Request == request);

    /// <summary>A bUnit context whose user has <paramref name="roles"/> and whose pages call this API.</summary>
    public BunitContext Context(params string[] roles)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = context.AddAuthorization();
        auth.SetAuthorized("Test User");
        auth.SetRoles(roles);
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton(
            new ApiClient(new HttpClient(this) { BaseAddress = new Uri("http://api.test/api/") })
        );
        return context;
    }

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request,
        CancellationToken cancellationToken
    )
    {
        var key = $"{request.Method} {request.RequestUri!.PathAndQuery["/api/".Length..]}";
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((key, body));
        IfMatch[key] = request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString();
        var (status, json) = answers.TryGetValue(key, out var answer)
            ? answer
            : (HttpStatusCode.NotFound, $$"""{"status":404,"title":"No stub for {{key}}"}""");
        var response = new HttpResponseMessage(status);
        if (etags.TryGetValue(key, out var etag))
            response.Headers.ETag = System.Net.Http.Headers.EntityTagHeaderValue.Parse(etag);
        if (status != HttpStatusCode.NoContent)
        {
            response.Content = new StringContent(
                json,
                Encoding.UTF8,
                (int)status >= 400 ? "application/problem+json" : "application/json"
            );
        }
        return response;
    }
}

/// <summary>Finding the controls a person would use, by their visible text or accessible name.</summary>
public static class RenderedPageExtensions
{
    public static AngleSharp.Dom.IElement Button<T>(this IRenderedComponent<T> page, string name)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        page.FindAll("button").FirstOrDefault(b => b.TextContent.Trim() == name || b.GetAttribute("aria-label") == name)
        ?? throw new InvalidOperationException($"No button '{name}' in: {page.Markup}");

    public static bool HasButton<T>(this IRenderedComponent<T> page, string name)
        where T : Microsoft.AspNetCore.Components.IComponent =>
        page.FindAll("button").Any(b => b.TextContent.Trim() == name || b.GetAttribute("aria-label") == name);
}
