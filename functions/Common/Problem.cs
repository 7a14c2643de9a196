using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ItInventory.Functions.Common;

/// <summary>An RFC 7807 problem: what every 4xx/5xx answer of the API carries. The factories below are the only place
/// problems are made, so one kind of failure reads the same on every endpoint.</summary>
public sealed record Problem(int Status, string Title, string Detail, [property: JsonPropertyName("type")] string Type)
{
    /// <summary>Field-level validation messages, keyed by JSON path (e.g. <c>inventory.software[3].name</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    /// <summary>The W3C trace id of the request, on 5xx answers: what to quote to an operator.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TraceId { get; init; }

    /// <summary>The authentication scheme a 401 challenges with (<c>WWW-Authenticate</c>); not part of the
    /// body.</summary>
    [JsonIgnore]
    public string? Challenge { get; init; }

    /// <summary>When a client may try again (<c>Retry-After</c>, whole seconds); not part of the body.</summary>
    [JsonIgnore]
    public TimeSpan? RetryAfter { get; init; }

    private const string TypeBase = "https://itinventory.dev/problems/";

    public static Problem BadRequest(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(StatusCodes.Status400BadRequest, "The request is invalid.", detail, TypeBase + "invalid-request")
        {
            Errors = errors,
        };

    public static Problem MalformedJson(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(StatusCodes.Status400BadRequest, "The body is not valid JSON.", detail, TypeBase + "malformed-json")
        {
            Errors = errors,
        };

    public static Problem UnsupportedSchemaVersion(string detail) =>
        new(
            StatusCodes.Status400BadRequest,
            "Unsupported schema version.",
            detail,
            TypeBase + "unsupported-schema-version"
        );

    /// <summary>401 on the device endpoints: challenges with the device credential scheme.</summary>
    public static Problem DeviceUnauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Authentication failed.", detail, TypeBase + "unauthorized")
        {
            Challenge = DeviceCredentialScheme.Name,
        };

    /// <summary>401 on the management API: challenges with <c>Bearer</c> (RFC 6750).</summary>
    public static Problem BearerUnauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Authentication failed.", detail, TypeBase + "unauthorized")
        {
            Challenge = "Bearer",
        };

    public static Problem Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "Not allowed.", detail, TypeBase + "forbidden");

    public static Problem NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "Not found.", detail, TypeBase + "not-found");

    public static Problem Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, "Conflict.", detail, TypeBase + "conflict");

    /// <summary>412: the record changed since the caller read it (its <c>If-Match</c> is stale).</summary>
    /// <param name="what">What changed, e.g. "asset" or "licence product".</param>
    /// <param name="example">Why it may have changed, to help the reader, e.g. "a device check-in or another change".
    /// </param>
    public static Problem PreconditionFailed(string what, string? example = null) =>
        new(
            StatusCodes.Status412PreconditionFailed,
            "Precondition failed.",
            $"The {what} changed since you read it{(example is null ? "" : $" (e.g. {example})")}: "
                + "read it again and retry.",
            TypeBase + "precondition-failed"
        );

    /// <summary>428: a change was sent without <c>If-Match</c>.</summary>
    /// <param name="source">Where the ETag comes from, e.g. "the ETag from GET /api/assets/{assetId}".</param>
    public static Problem PreconditionRequired(string source) =>
        new(
            StatusCodes.Status428PreconditionRequired,
            "Precondition required.",
            $"Send If-Match with {source}: changes are made only to the version you have seen.",
            TypeBase + "precondition-required"
        );

    /// <summary>422: the request names references (taxonomy entries, people, products) that do not exist or may not be
    /// used.</summary>
    public static Problem UnknownReference(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(
            StatusCodes.Status422UnprocessableEntity,
            "Unknown or inactive reference.",
            detail,
            TypeBase + "unknown-reference"
        )
        {
            Errors = errors,
        };

    public static Problem PayloadTooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, "The payload is too large.", detail, TypeBase + "payload-too-large");

    public static Problem UnsupportedMediaType(string detail) =>
        new(
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported media type.",
            detail,
            TypeBase + "unsupported-media-type"
        );

    public static Problem NotConfigured(string detail) =>
        new(StatusCodes.Status503ServiceUnavailable, "Not configured.", detail, TypeBase + "not-configured");

    /// <summary>429: the caller sent too many requests (throttled before anything was written); retry after
    /// <paramref name="retryAfter"/>.</summary>
    public static Problem TooManyRequests(string detail, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "Too many requests.", detail, TypeBase + "too-many-requests")
        {
            RetryAfter = retryAfter,
        };

    /// <summary>503: a dependency (storage, the identity provider) cannot be reached; nothing was changed.</summary>
    public static Problem Unavailable(string detail, TimeSpan retryAfter, string? traceId = null) =>
        new(StatusCodes.Status503ServiceUnavailable, "Temporarily unavailable.", detail, TypeBase + "unavailable")
        {
            RetryAfter = retryAfter,
            TraceId = traceId,
        };

    /// <summary>500: a fault of ours; the details are in the log under the trace id, never in the answer.</summary>
    public static Problem Internal(string? traceId) =>
        new(
            StatusCodes.Status500InternalServerError,
            "Internal error.",
            "The request failed because of an error on our side. It has been logged; quote the trace id when you "
                + "report it.",
            TypeBase + "internal-error"
        )
        {
            TraceId = traceId,
        };
}

/// <summary>Writes a <see cref="Problem"/> as <c>application/problem+json</c>, with its challenge and retry headers.
/// </summary>
public sealed class ProblemResult(Problem problem) : IActionResult
{
    public Problem Problem { get; } = problem;

    public Task ExecuteResultAsync(ActionContext context) => WriteAsync(context.HttpContext.Response, Problem);

    public static async Task WriteAsync(HttpResponse response, Problem problem)
    {
        response.StatusCode = problem.Status;
        if (problem.Challenge is { } scheme)
        {
            response.Headers.WWWAuthenticate = $"{scheme} realm=\"itinventory\"";
        }
        if (problem.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                .ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        response.ContentType = "application/problem+json; charset=utf-8";
        await JsonSerializer.SerializeAsync(
            response.Body,
            problem,
            ApiJsonContext.Default.Problem,
            response.HttpContext.RequestAborted
        );
    }
}

/// <summary>Writes a DTO as <c>application/json</c> with a status code, using the source-generated contract.</summary>
public sealed class JsonBodyResult<T>(
    int statusCode,
    T value,
    System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo
) : IActionResult
{
    public int StatusCode { get; } = statusCode;

    public T Value { get; } = value;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, Value, typeInfo, context.HttpContext.RequestAborted);
    }
}

/// <summary>The name of the HTTP authentication scheme devices use: <c>Authorization: Device
/// &lt;deviceId&gt;.&lt;secret&gt;</c>.</summary>
public static class DeviceCredentialScheme
{
    public const string Name = "Device";
}

/// <summary>Writes a CSV document (<c>text/csv; charset=utf-8</c>) as an attachment.</summary>
public sealed class CsvResult(byte[] csv, string fileName) : IActionResult
{
    public byte[] Csv { get; } = csv;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await response.Body.WriteAsync(Csv, context.HttpContext.RequestAborted);
    }
}
