using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Core;

namespace ItInventory.Functions.Tests.Reports.Mail;

/// <summary>
/// A local HTTP endpoint standing in for Microsoft Graph (HttpListener on a loopback port). It records each request
/// (method, path, Authorization, JSON body; binary ranges are counted, not parsed) and implements what the transport
/// uses: <c>sendMail</c> (202, or <see cref="Answer"/>), drafts (<c>POST …/messages</c> → 201 with an id), upload
/// sessions (<c>…/attachments/createUploadSession</c> → 201 with an upload URL; <c>PUT</c> ranges checked against
/// the next expected byte, 200 then 201 for the last), <c>…/messages/{id}/send</c> (202) and draft deletion. What
/// would reach the recipients is in <see cref="Delivered"/>. <see cref="ThrottleOnce"/> answers the next matching
/// request 429 or 503 with a <c>Retry-After</c>.
/// </summary>
public sealed class TestGraphEndpoint : IAsyncDisposable
{
    public sealed record Request(string Method, string Path, string? Authorization, JsonElement Body);

    /// <summary>A message as sent: its Graph JSON and every attachment's bytes (uploaded ones included).</summary>
    public sealed record DeliveredMessage(JsonElement Message, IReadOnlyList<DeliveredPart> Parts);

    public sealed record DeliveredPart(
        string Name,
        string? ContentType,
        bool IsInline,
        string? ContentId,
        byte[] Bytes
    );

    private sealed class Draft(JsonElement message)
    {
        public JsonElement Message { get; } = message;
        public List<DeliveredPart> Uploaded { get; } = [];
    }

    private sealed class UploadSession(string draftId, JsonElement item)
    {
        public string DraftId { get; } = draftId;
        public JsonElement Item { get; } = item;
        public MemoryStream Bytes { get; } = new();
        public long Size => Item.GetProperty("size").GetInt64();
    }

    private readonly HttpListener listener = new();
    private readonly Task loop;
    private readonly string root;
    private readonly ConcurrentDictionary<string, Draft> drafts = new();
    private readonly ConcurrentDictionary<string, UploadSession> sessions = new();
    private readonly object gate = new();
    private (string PathSuffix, HttpStatusCode Status, TimeSpan RetryAfter)? throttle;
    private int ids;

    public ConcurrentQueue<Request> Requests { get; } = new();
    public ConcurrentQueue<DeliveredMessage> Delivered { get; } = new();

    /// <summary>Range uploads that arrived with an Authorization header (Graph's upload URL needs none).</summary>
    public int AuthorizedUploads { get; private set; }

    public HttpStatusCode Answer { get; set; } = HttpStatusCode.Accepted;
    public string BaseUrl { get; }

    /// <summary>Drafts created and neither sent nor deleted.</summary>
    public int OpenDrafts => drafts.Count;

    private TestGraphEndpoint(int port)
    {
        root = $"http://127.0.0.1:{port}";
        BaseUrl = root + "/v1.0";
        listener.Prefixes.Add(root + "/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public static TestGraphEndpoint Start() => new(TestSmtpServer.FreePort());

    /// <summary>The next request whose path ends with <paramref name="pathSuffix"/> is answered
    /// <paramref name="status"/> with <c>Retry-After: seconds</c>; later ones as usual.</summary>
    public void ThrottleOnce(string pathSuffix, HttpStatusCode status, TimeSpan retryAfter)
    {
        lock (gate)
            throttle = (pathSuffix, status, retryAfter);
    }

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
            try
            {
                await HandleAsync(context);
            }
            catch (Exception ex)
            {
                await AnswerAsync(context.Response, HttpStatusCode.InternalServerError, new { error = ex.Message });
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        var body = new MemoryStream();
        await request.InputStream.CopyToAsync(body);
        var json = default(JsonElement);
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) == true && body.Length > 0)
        {
            using var document = JsonDocument.Parse(body.ToArray());
            json = document.RootElement.Clone();
        }
        Requests.Enqueue(new Request(request.HttpMethod, path, request.Headers["Authorization"], json));

        lock (gate)
        {
            if (throttle is { } t && path.EndsWith(t.PathSuffix, StringComparison.Ordinal))
            {
                throttle = null;
                response.AddHeader(
                    "Retry-After",
                    ((int)t.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)
                );
                response.StatusCode = (int)t.Status;
                response.Close();
                return;
            }
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        switch (request.HttpMethod, segments)
        {
            case ("POST", [.., "sendMail"]):
                if (Answer == HttpStatusCode.Accepted)
                    Delivered.Enqueue(
                        new DeliveredMessage(json.GetProperty("message"), Parts(json.GetProperty("message")))
                    );
                await AnswerAsync(
                    response,
                    Answer,
                    Answer == HttpStatusCode.Accepted
                        ? null
                        : new { error = new { code = "ErrorAccessDenied", message = "Access is denied." } }
                );
                return;
            case ("POST", [.., "users", _, "messages"]):
            {
                var id = "draft-" + Interlocked.Increment(ref ids);
                drafts[id] = new Draft(json);
                await AnswerAsync(response, HttpStatusCode.Created, new { id });
                return;
            }
            case ("POST", [.., "messages", var draftId, "attachments", "createUploadSession"])
                when drafts.ContainsKey(draftId):
            {
                var session = "session-" + Interlocked.Increment(ref ids);
                sessions[session] = new UploadSession(draftId, json.GetProperty("AttachmentItem"));
                await AnswerAsync(
                    response,
                    HttpStatusCode.Created,
                    new
                    {
                        uploadUrl = $"{root}/upload/{session}?authtoken=opaque",
                        expirationDateTime = "2030-01-01T00:00:00Z",
                        nextExpectedRanges = new[] { "0-" },
                    }
                );
                return;
            }
            case ("PUT", ["upload", var sessionId]) when sessions.TryGetValue(sessionId, out var upload):
            {
                if (request.Headers["Authorization"] is not null)
                    AuthorizedUploads++;
                // Content-Range: bytes {start}-{end}/{total}; ranges must come in order.
                var range = request.Headers["Content-Range"]!["bytes ".Length..].Split('-', '/');
                var (start, end, total) = (Parse(range[0]), Parse(range[1]), Parse(range[2]));
                if (start != upload.Bytes.Length || end - start + 1 != body.Length || total != upload.Size)
                {
                    await AnswerAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, new { error = "range" });
                    return;
                }
                body.Position = 0;
                await body.CopyToAsync(upload.Bytes);
                if (upload.Bytes.Length < upload.Size)
                {
                    await AnswerAsync(
                        response,
                        HttpStatusCode.OK,
                        new { nextExpectedRanges = new[] { $"{end + 1}-" } }
                    );
                    return;
                }
                sessions.TryRemove(sessionId, out _);
                var item = upload.Item;
                drafts[upload.DraftId]
                    .Uploaded.Add(
                        new DeliveredPart(
                            item.GetProperty("name").GetString()!,
                            item.TryGetProperty("contentType", out var type) ? type.GetString() : null,
                            item.TryGetProperty("isInline", out var inline) && inline.GetBoolean(),
                            item.TryGetProperty("contentId", out var cid) ? cid.GetString() : null,
                            upload.Bytes.ToArray()
                        )
                    );
                response.AddHeader("Location", $"{root}/attachments/{sessionId}");
                await AnswerAsync(response, HttpStatusCode.Created, null);
                return;
            }
            case ("POST", [.., "messages", var draftId, "send"]) when drafts.TryRemove(draftId, out var draft):
                Delivered.Enqueue(new DeliveredMessage(draft.Message, [.. Parts(draft.Message), .. draft.Uploaded]));
                await AnswerAsync(response, HttpStatusCode.Accepted, null);
                return;
            case ("DELETE", [.., "messages", var draftId]):
                await AnswerAsync(
                    response,
                    drafts.TryRemove(draftId, out _) ? HttpStatusCode.NoContent : HttpStatusCode.NotFound,
                    null
                );
                return;
            default:
                await AnswerAsync(response, HttpStatusCode.NotFound, new { error = $"{request.HttpMethod} {path}" });
                return;
        }
    }

    private static long Parse(string text) => long.Parse(text, CultureInfo.InvariantCulture);

    private static List<DeliveredPart> Parts(JsonElement message) =>
        message.TryGetProperty("attachments", out var attachments)
            ?
            [
                .. attachments
                    .EnumerateArray()
                    .Select(a => new DeliveredPart(
                        a.GetProperty("name").GetString()!,
                        a.GetProperty("contentType").GetString(),
                        a.GetProperty("isInline").GetBoolean(),
                        a.TryGetProperty("contentId", out var cid) ? cid.GetString() : null,
                        a.GetProperty("contentBytes").GetBytesFromBase64()
                    )),
            ]
            : [];

    private static async Task AnswerAsync(HttpListenerResponse response, HttpStatusCode status, object? body)
    {
        response.StatusCode = (int)status;
        if (body is not null)
        {
            response.ContentType = "application/json";
            await response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body));
        }
        response.Close();
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
