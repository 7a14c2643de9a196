using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.WebAssembly.Authentication;

namespace ItInventory.Console.Services;

/// <summary>An answer of the management API: the value (and its ETag) or the problem, in words.</summary>
public sealed record ApiResult<T>(T? Value, string? ETag, ApiProblem? Problem, HttpStatusCode Status)
{
    public bool Ok => Problem is null;
}

/// <summary>The management API over the signed-in user's access token. Never throws for an answer: problem+json
/// (and anything else that is not a success) becomes an <see cref="ApiProblem"/> shown in words.</summary>
public sealed class ApiClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Task<ApiResult<T>> GetAsync<T>(string path) => SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<ApiResult<T>> PostAsync<T>(string path, object? body, string? etag = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json),
        };
        if (etag is not null)
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return SendAsync<T>(request);
    }

    /// <summary>A change under optimistic concurrency: <paramref name="etag"/> is the version the user opened.
    /// </summary>
    public Task<ApiResult<T>> PatchAsync<T>(string path, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, path)
        {
            Content = JsonContent.Create(body, body.GetType(), options: Json),
        };
        if (etag is not null)
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return SendAsync<T>(request);
    }

    // Deletes, text uploads and file downloads (licences, people, secrets, reports: console2).
    public Task<ApiResult<T>> DeleteAsync<T>(string path, string? etag = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, path);
        if (etag is not null)
            request.Headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag));
        return SendAsync<T>(request);
    }

    public Task<ApiResult<T>> PostTextAsync<T>(string path, string text, string mediaType) =>
        SendAsync<T>(
            new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(text, null, mediaType) }
        );

    /// <summary>A file the API answers (a report): its bytes, media type and name, or the problem.</summary>
    public async Task<ApiResult<ApiFile>> GetFileAsync(string path)
    {
        try
        {
            using var response = await http.GetAsync(path);
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync();
                return new(null, null, ApiProblem.From(response.StatusCode, body), response.StatusCode);
            }
            var file = new ApiFile(
                await response.Content.ReadAsByteArrayAsync(),
                response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream",
                path[(path.LastIndexOf('/') + 1)..]
            );
            return new(file, null, null, response.StatusCode);
        }
        catch (AccessTokenNotAvailableException ex)
        {
            ex.Redirect();
            return new(null, null, ApiProblem.SignInNeeded, HttpStatusCode.Unauthorized);
        }
        catch (HttpRequestException)
        {
            return new(null, null, ApiProblem.Unreachable, 0);
        }
    }

    private async Task<ApiResult<T>> SendAsync<T>(HttpRequestMessage request)
    {
        try
        {
            using var response = await http.SendAsync(request);
            var etag = response.Headers.ETag?.ToString();
            if (response.IsSuccessStatusCode)
            {
                var value =
                    response.Content.Headers.ContentLength == 0 || response.StatusCode == HttpStatusCode.NoContent
                        ? default
                        : await response.Content.ReadFromJsonAsync<T>(Json);
                return new(value, etag, null, response.StatusCode);
            }
            var body = await response.Content.ReadAsStringAsync();
            return new(default, etag, ApiProblem.From(response.StatusCode, body), response.StatusCode);
        }
        catch (AccessTokenNotAvailableException ex)
        {
            ex.Redirect();
            return new(default, null, ApiProblem.SignInNeeded, HttpStatusCode.Unauthorized);
        }
        catch (HttpRequestException)
        {
            return new(default, null, ApiProblem.Unreachable, 0);
        }
    }
}
