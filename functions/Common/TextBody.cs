using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ItInventory.Functions.Common;

/// <summary>
/// Reads text request bodies (such as <c>text/csv</c>) defensively, in the style of <see cref="JsonBody"/>: the one
/// expected media type, UTF-8 only, bounded size, strict UTF-8 validation. No content encodings.
/// </summary>
public static class TextBody
{
    /// <summary>The body as UTF-8 bytes (a leading byte order mark removed).</summary>
    public static async Task<Outcome<ReadOnlyMemory<byte>>> ReadAsync(
        HttpRequest request,
        string mediaType,
        int maxBytes,
        CancellationToken cancellationToken
    )
    {
        if (
            !MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
            || !parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase)
        )
        {
            return Problem.UnsupportedMediaType($"Content-Type must be {mediaType}, not '{request.ContentType}'.");
        }
        if (parsed.Charset.HasValue && !parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.UnsupportedMediaType($"The charset must be utf-8, not '{parsed.Charset}'.");
        }
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.UnsupportedMediaType($"Content-Encoding '{encoding}' is not supported for {mediaType}.");
        }
        if (request.ContentLength > maxBytes)
        {
            return Problem.PayloadTooLarge($"The body is {request.ContentLength} bytes; the limit is {maxBytes}.");
        }
        var bytes = await JsonBody.ReadBoundedAsync(request.Body, maxBytes, cancellationToken);
        if (bytes is null)
        {
            return Problem.PayloadTooLarge($"The body exceeds the limit of {maxBytes} bytes.");
        }
        ReadOnlyMemory<byte> text = bytes;
        if (text.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            text = text[3..];
        if (text.IsEmpty)
        {
            return Problem.BadRequest("The body is empty.");
        }
        if (!System.Text.Unicode.Utf8.IsValid(text.Span))
        {
            return Problem.BadRequest("The body is not valid UTF-8.");
        }
        return text;
    }
}
