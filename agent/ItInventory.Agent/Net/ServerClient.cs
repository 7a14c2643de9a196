using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ItInventory.Agent.Running;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;

namespace ItInventory.Agent.Net;

public enum AnswerKind
{
    Success,

    /// <summary>401: the credential (or enrollment secret) was refused.</summary>
    Unauthorized,

    /// <summary>5xx, 429, a timeout or a network error: try again later, backing off.</summary>
    Retryable,

    /// <summary>Any other 4xx: this request will not succeed as it is; the agent logs why.</summary>
    Refused,
}

public sealed record ServerAnswer<T>(AnswerKind Kind, int Status, T? Value, TimeSpan? RetryAfter, string? Why)
    where T : class;

/// <summary>The two device endpoints (docs/api.md, "The device contract"): enroll and check in.</summary>
public sealed class ServerClient(HttpClient http, Uri serverUrl)
{
    public static HttpClient CreateHttpClient() =>
        new(
            new SocketsHttpHandler
            {
                // A check-in is one request every few hours: no pooled connection is worth keeping.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
                ConnectTimeout = TimeSpan.FromSeconds(20),
                AutomaticDecompression = DecompressionMethods.None,
            }
        )
        {
            Timeout = TimeSpan.FromSeconds(90),
            DefaultRequestHeaders = { { "User-Agent", $"itinventory-agent/{AgentVersion.Current}" } },
        };

    /// <summary>Bytes sent in request bodies (the wire cost the benchmark reports).</summary>
    public long BytesSent { get; private set; }

    public Task<ServerAnswer<EnrollmentResponse>> EnrollAsync(EnrollmentRequest request, CancellationToken ct) =>
        SendAsync(
            "api/devices/enroll",
            JsonSerializer.SerializeToUtf8Bytes(request, AgentJsonContext.Default.EnrollmentRequest),
            gzip: false,
            authorization: null,
            AgentJsonContext.Default.EnrollmentResponse,
            ct
        );

    public Task<ServerAnswer<CheckinResponse>> CheckinAsync(
        CheckinRequest request,
        string authorization,
        CancellationToken ct
    )
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, AgentJsonContext.Default.CheckinRequest);
        // Inventories are large and repetitive (≈10:1 with gzip); a heartbeat is smaller than gzip's own overhead.
        var gzip = request.Kind == CheckinKinds.Inventory;
        return SendAsync("api/checkins", body, gzip, authorization, AgentJsonContext.Default.CheckinResponse, ct);
    }

    private async Task<ServerAnswer<T>> SendAsync<T>(
        string path,
        byte[] json,
        bool gzip,
        string? authorization,
        JsonTypeInfo<T> answerType,
        CancellationToken ct
    )
        where T : class
    {
        var body = gzip ? Gzip(json) : json;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(serverUrl, path))
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip)
            request.Content.Headers.ContentEncoding.Add("gzip");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        BytesSent += body.Length;
        try
        {
            using var response = await http.SendAsync(request, ct);
            var status = (int)response.StatusCode;
            var content = await response.Content.ReadAsByteArrayAsync(ct);
            var retryAfter = RetryAfter(response);
            if (response.IsSuccessStatusCode)
            {
                var value = JsonSerializer.Deserialize(content, answerType);
                return value is null
                    ? new(AnswerKind.Retryable, status, null, null, "an empty answer")
                    : new(AnswerKind.Success, status, value, null, null);
            }
            var why = Describe(content) ?? response.ReasonPhrase;
            return status switch
            {
                401 => new(AnswerKind.Unauthorized, status, null, null, why),
                429 or >= 500 => new(AnswerKind.Retryable, status, null, retryAfter, why),
                _ => new(AnswerKind.Refused, status, null, null, why),
            };
        }
        catch (Exception ex)
            when (ex is HttpRequestException or SocketException or IOException
                || (ex is TaskCanceledException && !ct.IsCancellationRequested)
            )
        {
            return new(AnswerKind.Retryable, 0, null, null, ex.Message);
        }
        catch (JsonException ex)
        {
            return new(AnswerKind.Retryable, 0, null, null, "an unreadable answer: " + ex.Message);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };

    private static string? Describe(byte[] content)
    {
        try
        {
            var problem = JsonSerializer.Deserialize(content, AgentJsonContext.Default.ProblemDetailsLite);
            return problem?.Detail ?? problem?.Title;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var zip = new GZipStream(buffer, CompressionLevel.Optimal))
            zip.Write(data);
        return buffer.ToArray();
    }
}

public static class AgentVersion
{
    public const string Name = "itinventory-agent";

    public static string Current { get; } =
        typeof(AgentVersion).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";
}
