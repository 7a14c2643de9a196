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

        var read = await ReadBoundedAsync(
            request.Body,
            maxRequestBytes,
            request.ContentLength ?? UnknownSizeHint,
            cancellationToken
        );
        if (read is not { } wire)
        {
            return Problem.PayloadTooLarge($"The body exceeds the limit of {maxRequestBytes} bytes.");
        }
        if (wire.Count == 0)
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
                new MemoryStream(wire.Array!, wire.Offset, wire.Count, writable: false),
                CompressionMode.Decompress
            );
            var json = await ReadBoundedAsync(inflater, maxDecompressedBytes, GzipSizeHint(wire), cancellationToken);
            return json is not { } inflated
                ? Problem.PayloadTooLarge($"The body decompresses to more than {maxDecompressedBytes} bytes.")
                : new JsonPayload(inflated, wire);
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
            var message = Describe(ex);
            // Valid JSON of the wrong shape (a wrong type, a duplicate key) names the place, as validation errors do.
            return ex.Path is { Length: > 0 } path && ex.LineNumber is not null
                ? Problem.MalformedJson(message, new Dictionary<string, string[]> { [FieldPath(path)] = [message] })
                : Problem.MalformedJson(message);
        }
    }

    /// <summary><c>$.inventory.software[3].name</c> as the contract's errors and warnings name fields:
    /// <c>inventory.software[3].name</c>.</summary>
    internal static string FieldPath(string jsonPath) =>
        jsonPath == "$" ? ""
        : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..]
        : jsonPath.TrimStart('$');

    /// <summary>
    /// The paths of the date-time values (properties named <paramref name="names"/>) that are not strictly valid,
    /// each with what a warning says about it. One pass of the reader over a document that already deserialised:
    /// called only when <see cref="LenientDateTimeConverter"/> flagged something, so a clean document pays
    /// nothing.
    /// </summary>
    public static List<(string Path, string Message)> DateTimeWarnings(
        ReadOnlySpan<byte> json,
        IReadOnlyCollection<string> names
    )
    {
        var found = new List<(string, string)>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var frames = new List<PathFrame>();
        string? name = null;
        while (reader.Read())
        {
            var token = reader.TokenType;
            if (token == JsonTokenType.PropertyName)
            {
                name = reader.GetString();
                continue;
            }
            if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                frames.RemoveAt(frames.Count - 1);
                continue;
            }
            var inArray = frames.Count > 0 && frames[^1].IsArray;
            var index = inArray ? frames[^1].Count++ : -1;
            var frameName = inArray ? null : name;
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                frames.Add(new PathFrame(frameName, index, token == JsonTokenType.StartArray));
            }
            else if (
                token == JsonTokenType.String
                && frameName is not null
                && names.Contains(frameName)
                && ContractFormats.ClassifyDateTime(reader.GetString()!, out _) is var kind
                && kind != ContractDateTime.Valid
            )
            {
                found.Add((PathOf(frames, frameName), ContractFormats.Describe(kind)));
            }
        }
        return found;
    }

    private sealed class PathFrame(string? name, int index, bool isArray)
    {
        public string? Name { get; } = name;
        public int Index { get; } = index;
        public bool IsArray { get; } = isArray;
        public int Count { get; set; }
    }

    private static string PathOf(List<PathFrame> frames, string property)
    {
        var path = new System.Text.StringBuilder();
        foreach (var frame in frames.Skip(1))
        {
            if (frame.Index >= 0)
                path.Append('[').Append(frame.Index).Append(']');
            else
                path.Append(path.Length == 0 ? "" : ".").Append(frame.Name);
        }
        return path.Length == 0 ? property : $"{path}.{property}";
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

    /// <summary>What a body of unknown length starts with.</summary>
    private const int UnknownSizeHint = 16 * 1024;

    /// <summary>
    /// The size a gzip body inflates to, as its trailer states it (ISIZE, the last four bytes: the size modulo
    /// 2^32 of the last member), bounded by deflate's best ratio (1032:1) so that a forged trailer cannot make a
    /// small body allocate more than a real decompression bomb of its size would. Only a hint: reading does not
    /// trust it.
    /// </summary>
    private static long GzipSizeHint(ArraySegment<byte> gzip) =>
        gzip.Count < 18
            ? UnknownSizeHint
            : Math.Min(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(gzip.AsSpan(gzip.Count - 4)),
                gzip.Count * 1032L
            );

    /// <summary>
    /// Reads at most <paramref name="limit"/> bytes into one array sized by <paramref name="sizeHint"/> (plus a byte,
    /// so that the end is seen without growing); null when the stream holds more. A right hint means one allocation
    /// of the body's size: growing a stream and copying it out cost three times the body.
    /// </summary>
    internal static async Task<ArraySegment<byte>?> ReadBoundedAsync(
        Stream stream,
        int limit,
        long sizeHint,
        CancellationToken cancellationToken
    )
    {
        var buffer = new byte[Math.Clamp(sizeHint, 0, limit) + 1];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
                Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit + 1L));
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
                return new ArraySegment<byte>(buffer, 0, length);
            length += read;
            if (length > limit)
                return null;
        }
    }

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
