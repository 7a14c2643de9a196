using System.Net;
using System.Text.Json;

namespace ItInventory.Console.Services;

/// <summary>An RFC 7807 problem as the console shows it: a title and detail in words, field errors by JSON path.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static readonly ApiProblem SignInNeeded = new(401, "Please sign in again.", null, Empty);

    public static readonly ApiProblem Unreachable = new(
        0,
        "The inventory API cannot be reached.",
        "Check your connection and try again; nothing was changed.",
        Empty
    );

    private static IReadOnlyDictionary<string, string[]> Empty => new Dictionary<string, string[]>();

    /// <summary>Reads a problem+json body; anything else gets a title from its status code.</summary>
    public static ApiProblem From(HttpStatusCode status, string body)
    {
        string? title = null,
            detail = null;
        var errors = new Dictionary<string, string[]>();
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                title = root.TryGetProperty("title", out var t) ? t.GetString() : null;
                detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
                if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in e.EnumerateObject())
                    {
                        errors[field.Name] =
                            field.Value.ValueKind == JsonValueKind.Array
                                ? [.. field.Value.EnumerateArray().Select(m => m.ToString())]
                                : [field.Value.ToString()];
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the status says enough.
        }
        return new((int)status, title ?? Describe(status), detail, errors);
    }

    /// <summary>What a status means to the person at the console.</summary>
    public static string Describe(HttpStatusCode status) =>
        status switch
        {
            HttpStatusCode.Unauthorized => "Please sign in again.",
            HttpStatusCode.Forbidden => "Your role does not allow this.",
            HttpStatusCode.NotFound => "Not found.",
            HttpStatusCode.Conflict => "This conflicts with the current state.",
            HttpStatusCode.PreconditionFailed => "Changed since you opened it — reload.",
            HttpStatusCode.ServiceUnavailable => "The service is unavailable for a moment; try again shortly.",
            _ => $"The request failed ({(int)status}).",
        };

    /// <summary>A 412: someone else changed the record after it was opened.</summary>
    public bool IsConflict => Status == 412;
}
