using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure.Core;

namespace ItInventory.Functions.Tests.Reports.Mail;

/// <summary>A local HTTP endpoint standing in for Microsoft Graph (HttpListener on a loopback port): it records each
/// request it receives (method, path, Authorization, JSON body) and answers 202 as sendMail does, or a given status.
/// </summary>
public sealed class TestGraphEndpoint : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, string? Authorization, JsonElement Body);

    private readonly HttpListener listener = new();
    private readonly Task loop;

    public ConcurrentQueue<Request> Requests { get; } = new();
    public HttpStatusCode Answer { get; set; } = HttpStatusCode.Accepted;
    public string BaseUrl { get; }

    private TestGraphEndpoint(int port)
    {
        BaseUrl = $"http://127.0.0.1:{port}/v1.0";
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public static TestGraphEndpoint Start() => new(TestSmtpServer.FreePort());

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
            Requests.Enqueue(
                new Request(
                    context.Request.HttpMethod,
                    context.Request.Url!.AbsolutePath,
                    context.Request.Headers["Authorization"],
                    body.RootElement.Clone()
                )
            );
            context.Response.StatusCode = (int)Answer;
            if (Answer != HttpStatusCode.Accepted)
            {
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(
                    """{"error":{"code":"ErrorAccessDenied","message":"Access is denied."}}"""u8.ToArray()
                );
            }
            context.Response.Close();
        }
    }

    public Dictionary<string, string?> Settings() =>
        new() { ["FinanceMail:Transport"] = "Graph", ["FinanceMail:GraphBaseUrl"] = BaseUrl };

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}

/// <summary>A credential that hands out a fixed token (what the managed identity would return in Azure) and
/// records the scopes it was asked for.</summary>
public sealed class FixedTokenCredential(string token) : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
            Scopes.Enqueue(scope);
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(
        TokenRequestContext requestContext,
        CancellationToken cancellationToken
    ) => new(GetToken(requestContext, cancellationToken));
}
