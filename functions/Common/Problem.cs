using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ItInventory.Functions.Common;

/// <summary>An RFC 7807 problem: what every 4xx/5xx answer of the API carries.</summary>
public sealed record Problem(
    int Status,
    string Title,
    string Detail,
    [property: JsonPropertyName("type")] string Type)
{
    /// <summary>Field-level validation messages, keyed by JSON path (e.g. <c>inventory.software[3].name</c>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string[]>? Errors { get; init; }

    private const string TypeBase = "https://itinventory.dev/problems/";

    public static Problem BadRequest(string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(StatusCodes.Status400BadRequest, "The request is invalid.", detail, TypeBase + "invalid-request") { Errors = errors };

    public static Problem MalformedJson(string detail) =>
        new(StatusCodes.Status400BadRequest, "The body is not valid JSON.", detail, TypeBase + "malformed-json");

    public static Problem UnsupportedSchemaVersion(string detail) =>
        new(StatusCodes.Status400BadRequest, "Unsupported schema version.", detail, TypeBase + "unsupported-schema-version");

    public static Problem Unauthorized(string detail) =>
        new(StatusCodes.Status401Unauthorized, "Authentication failed.", detail, TypeBase + "unauthorized");

    public static Problem Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "Not allowed.", detail, TypeBase + "forbidden");

    public static Problem NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "Not found.", detail, TypeBase + "not-found");

    public static Problem Conflict(string detail) =>
        new(StatusCodes.Status409Conflict, "Conflict.", detail, TypeBase + "conflict");

    public static Problem PayloadTooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, "The payload is too large.", detail, TypeBase + "payload-too-large");

    public static Problem NotConfigured(string detail) =>
        new(StatusCodes.Status503ServiceUnavailable, "Not configured.", detail, TypeBase + "not-configured");

    public static Problem UnsupportedMediaType(string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type.", detail, TypeBase + "unsupported-media-type");
}

/// <summary>Writes a <see cref="Problem"/> as <c>application/problem+json</c>.</summary>
public sealed class ProblemResult(Problem problem) : IActionResult
{
    public Problem Problem { get; } = problem;

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = Problem.Status;
        if (Problem.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = $"{DeviceCredentialScheme.Name} realm=\"itinventory\"";
        }
        response.ContentType = "application/problem+json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, Problem, ApiJsonContext.Default.Problem, context.HttpContext.RequestAborted);
    }
}

/// <summary>Writes a DTO as <c>application/json</c> with a status code, using the source-generated contract.</summary>
public sealed class JsonBodyResult<T>(int statusCode, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) : IActionResult
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

/// <summary>The name of the HTTP authentication scheme devices use: <c>Authorization: Device &lt;deviceId&gt;.&lt;secret&gt;</c>.</summary>
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
