using System.IO.Compression;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Http;

namespace ItInventory.Functions.AgentProtocols;

public enum AgentPayloadFormat
{
    Json,
    Xml,
}

/// <summary>An agent's request body after decompression: JSON or XML, told apart by its first character.</summary>
public sealed record AgentPayload(AgentPayloadFormat Format, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// Reads what the agents post: zlib (RFC 1950, their default: <c>application/x-compress-zlib</c> or the OCS agent's
/// <c>application/x-compress</c>), gzip (<c>application/x-compress-gzip</c>), raw deflate or plain JSON/XML. The
/// compression is recognised by its magic bytes whatever the Content-Type says (agents and proxies disagree); the
/// wire size and the decompressed size are capped like the native check-in's, so a decompression bomb stops at the
/// cap.
/// </summary>
public static class AgentPayloadReader
{
    public static async Task<Outcome<AgentPayload>> ReadAsync(
        HttpRequest request,
        int maxRequestBytes,
        int maxDecompressedBytes,
        CancellationToken cancellationToken
    )
    {
        if (request.ContentLength > maxRequestBytes)
            return Problem.PayloadTooLarge(
                $"The body is {request.ContentLength} bytes; the limit is {maxRequestBytes}."
            );
        var wire = await JsonBody.ReadBoundedAsync(request.Body, maxRequestBytes, cancellationToken);
        if (wire is null)
            return Problem.PayloadTooLarge($"The body exceeds the limit of {maxRequestBytes} bytes.");
        return await DecodeAsync(wire, request.ContentType, maxDecompressedBytes, cancellationToken);
    }

    /// <summary>Decompresses (when compressed) and sniffs a body; pure apart from the in-memory streams.</summary>
    public static async Task<Outcome<AgentPayload>> DecodeAsync(
        byte[] wire,
        string? contentType,
        int maxDecompressedBytes,
        CancellationToken cancellationToken
    )
    {
        if (wire.Length == 0)
            return Problem.BadRequest("The body is empty.");
        byte[] plain;
        var compression = Detect(wire, contentType);
        if (compression is null)
        {
            plain = wire;
        }
        else
        {
            try
            {
                await using Stream inflater = compression switch
                {
                    "gzip" => new GZipStream(new MemoryStream(wire, writable: false), CompressionMode.Decompress),
                    "zlib" => new ZLibStream(new MemoryStream(wire, writable: false), CompressionMode.Decompress),
                    _ => new DeflateStream(new MemoryStream(wire, writable: false), CompressionMode.Decompress),
                };
                var inflated = await JsonBody.ReadBoundedAsync(inflater, maxDecompressedBytes, cancellationToken);
                if (inflated is null)
                {
                    return Problem.PayloadTooLarge($"The body decompresses to more than {maxDecompressedBytes} bytes.");
                }
                plain = inflated;
            }
            catch (InvalidDataException)
            {
                return Problem.BadRequest($"The body is not valid {compression} data.");
            }
        }
        return Sniff(plain);
    }

    /// <summary>gzip, zlib, deflate or null (not compressed), from the magic bytes first, then the Content-Type.
    /// </summary>
    internal static string? Detect(byte[] wire, string? contentType)
    {
        if (wire.Length >= 2 && wire[0] == 0x1f && wire[1] == 0x8b)
            return "gzip";
        // RFC 1950: CM = 8 (deflate), CINFO ≤ 7, and the header checksum makes (CMF·256 + FLG) a multiple of 31.
        if (wire.Length >= 2 && (wire[0] & 0x0f) == 8 && wire[0] >> 4 <= 7 && ((wire[0] << 8) | wire[1]) % 31 == 0)
            return "zlib";
        var type = contentType ?? "";
        if (FirstSignificant(wire) is (byte)'{' or (byte)'<')
            return null;
        return type.Contains("deflate", StringComparison.OrdinalIgnoreCase) ? "deflate" : null;
    }

    private static Outcome<AgentPayload> Sniff(byte[] plain)
    {
        var start = FirstSignificantIndex(plain);
        if (start < 0)
            return Problem.BadRequest("The body is empty.");
        var body = plain.AsMemory(start);
        return plain[start] switch
        {
            (byte)'{' => new AgentPayload(AgentPayloadFormat.Json, body),
            (byte)'<' => new AgentPayload(AgentPayloadFormat.Xml, body),
            _ => Problem.UnsupportedMediaType(
                "The body is neither JSON nor XML (after decompression): send a GLPI Agent JSON message or an "
                    + "OCS/FusionInventory XML request, plain or zlib/gzip/deflate-compressed."
            ),
        };
    }

    private static byte? FirstSignificant(byte[] data) =>
        FirstSignificantIndex(data) is var i and >= 0 ? data[i] : null;

    /// <summary>Skips a UTF-8 byte-order mark and whitespace.</summary>
    private static int FirstSignificantIndex(byte[] data)
    {
        var i = data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0;
        while (i < data.Length && data[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            i++;
        return i < data.Length ? i : -1;
    }
}
