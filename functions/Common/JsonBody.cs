using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ItInventory.Functions.Common;

/// <summary>A JSON request body as read off the wire: the JSON bytes, and the gzip bytes when the client compressed
/// it.</summary>
public sealed record JsonPayload(ReadOnlyMemory<byte> Json, ReadOnlyMemory<byte>? Gzip);

/// <summary>
/// Reads JSON request bodies defensively: <c>application/json</c> only, optional <c>Content-Encoding: gzip</c>,
/// bounded wire size and bounded decompressed size (decompression bombs stop at the cap), strict UTF-8 JSON.
/// </summary>
public static class JsonBody
{
    public static async Task<Outcome<JsonPayload>> ReadAsync(
        HttpRequest request,
        int maxRequestBytes,
        int maxDecompressedBytes,
        CancellationToken cancellationToken
    )
    {
        if (
            !MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        )
        {
            return Problem.UnsupportedMediaType($"Content-Type must be application/json, not '{request.ContentType}'.");
        }
        if (mediaType.Charset.HasValue && !mediaType.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.UnsupportedMediaType($"The charset must be utf-8, not '{mediaType.Charset}'.");
        }

        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return Problem.UnsupportedMediaType($"Content-Encoding '{encoding}' is not supported; use gzip or none.");
        }
        if (request.ContentLength > maxRequestBytes)
        {
            return Problem.PayloadTooLarge(
                $"The body is {request.ContentLength} bytes; the limit is {maxRequestBytes}."
            );
        }

        var wire = await ReadBoundedAsync(request.Body, maxRequestBytes, cancellationToken);
        if (wire is null)
        {
            return Problem.PayloadTooLarge($"The body exceeds the limit of {maxRequestBytes} bytes.");
        }
        if (wire.Length == 0)
        {
            return Problem.BadRequest("The body is empty.");
        }
        if (!gzip)
        {
            return new JsonPayload(wire, null);
        }

        try
        {
            await using var inflater = new GZipStream(
                new MemoryStream(wire, writable: false),
                CompressionMode.Decompress
            );
            var json = await ReadBoundedAsync(inflater, maxDecompressedBytes, cancellationToken);
            return json is null
                ? Problem.PayloadTooLarge($"The body decompresses to more than {maxDecompressedBytes} bytes.")
                : new JsonPayload(json, wire);
        }
        catch (InvalidDataException ex)
        {
            return Problem.BadRequest($"The body is not valid gzip: {ex.Message}");
        }
    }

    /// <summary>Reads a small JSON request body (same size cap on the wire and decompressed) and deserialises
    /// it.</summary>
    public static async Task<Outcome<T>> ReadObjectAsync<T>(
        HttpRequest request,
        int maxBytes,
        JsonTypeInfo<T> typeInfo,
        CancellationToken cancellationToken
    )
        where T : class
    {
        var payload = await ReadAsync(request, maxBytes, maxBytes, cancellationToken);
        return payload.Failed ? payload.Problem : Deserialize(payload.Value.Json.Span, typeInfo);
    }

    /// <summary>Deserialises strictly; invalid UTF-8 and malformed JSON become a 400 problem (naming the
    /// position).</summary>
    public static Outcome<T> Deserialize<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return Problem.MalformedJson("The body is not valid UTF-8.");
        }
        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) is { } value
                ? value
                : Problem.MalformedJson("The body is JSON null; an object is expected.");
        }
        catch (JsonException ex)
        {
            return Problem.MalformedJson(Describe(ex));
        }
    }

    /// <summary>A JSON error in the reader's words: what is wrong and where (path, line, byte), never the .NET type
    /// the value was meant for.</summary>
    internal static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var pathInfo = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (pathInfo >= 0)
            message = message[..pathInfo];
        // The type named there is often the enclosing object's, not the field's: say what is wrong, not which type.
        message = ConvertedTo.IsMatch(message)
            ? "The JSON value has the wrong type for this field"
            : DotNetTypeName.Replace(message, "the value").TrimEnd('.', ' ');
        var where = exception.Path is { Length: > 0 } path ? $" at '{path}'" : "";
        var position = exception.LineNumber is { } line
            ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})"
            : "";
        return $"{message}{where}{position}.";
    }

    private static readonly System.Text.RegularExpressions.Regex ConvertedTo = new(
        @"could not be converted to \S+$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant
    );

    private static readonly System.Text.RegularExpressions.Regex DotNetTypeName = new(
        @"'?\b(?:System|Microsoft|ItInventory)(?:\.[\w`+]+)+(?:\[\[.*?\]\])?'?",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant
    );

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the stream holds more.</summary>
    internal static async Task<byte[]?> ReadBoundedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        // Pooled: allocating the 80 KB chunk afresh was most of what a heartbeat allocated.
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(
                    chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1L - buffer.Length)),
                    cancellationToken
                );
                if (read == 0)
                {
                    return buffer.ToArray();
                }
                buffer.Write(chunk, 0, read);
                if (buffer.Length > limit)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
