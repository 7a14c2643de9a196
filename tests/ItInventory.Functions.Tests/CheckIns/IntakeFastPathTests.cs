using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.AspNetCore.Http;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>
/// The shortcuts taken on the intake path for CPU and allocations (see the bench's <c>intake-cpu</c> mode) answer
/// exactly what the plain code they replace answers.
/// </summary>
public sealed class IntakeFastPathTests
{
    [Theory]
    [InlineData("2026-01-15")]
    [InlineData("2024-02-29")]
    [InlineData("2023-02-29")]
    [InlineData("2026-04-31")]
    [InlineData("2026-13-01")]
    [InlineData("2026-00-10")]
    [InlineData("2026-01-00")]
    [InlineData("0000-01-01")]
    [InlineData("0001-01-01")]
    [InlineData("9999-12-31")]
    [InlineData("2026-1-15")]
    [InlineData("2026/01/15")]
    [InlineData(" 2026-01-15")]
    [InlineData("2026-01-15 ")]
    [InlineData("2026-01-1a")]
    [InlineData("N/A")]
    [InlineData("")]
    [InlineData("\uff12\uff10\uff12\uff16-01-15")]
    [InlineData("12026-01-15")]
    public void An_install_date_is_accepted_exactly_when_the_date_parser_accepts_it(string value) =>
        Assert.Equal(
            DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            CheckinValidator.IsDate(value)
        );

    [Theory]
    [InlineData("n/a", true)]
    [InlineData("  N/A  ", true)]
    [InlineData("Unknown...", true)]
    [InlineData("to be filled by o.e.m.", true)]
    [InlineData("SYSTEM PRODUCT NAME", true)]
    [InlineData("-", true)]
    [InlineData("Debian", false)]
    [InlineData("amd64", false)]
    [InlineData("N/A x", false)]
    [InlineData("", false)]
    public void Placeholders_are_recognised_trimmed_and_in_any_case(string value, bool placeholder) =>
        Assert.Equal(placeholder, ContractFormats.IsPlaceholder(value));

    [Theory]
    [InlineData("openssl\u001fdebian\u001famd64\u001f")]
    [InlineData("café\u001fsociété\u001f\u001f")]
    [InlineData("日本語エディタ\u001f\u001fx64\u001f1.0")]
    [InlineData("")]
    public void A_software_row_key_is_the_prefix_and_the_first_128_bits_of_the_identity_hash(string identity)
    {
        var expected = TableKeys.SoftwareRow(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 16))
        );
        Assert.Equal(expected, InventoryDiff.SoftwareRowKey(identity));
        // The second answer comes from memory and is the same.
        Assert.Equal(expected, InventoryDiff.SoftwareRowKey(identity));
    }

    [Fact]
    public void A_software_row_key_of_a_long_identity_is_the_hash_of_all_of_it()
    {
        var identity = new string('é', 3000) + "\u001f" + Guid.NewGuid();
        var expected = TableKeys.SoftwareRow(
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)).AsSpan(0, 16))
        );
        Assert.Equal(expected, InventoryDiff.SoftwareRowKey(identity));
    }

    public static TheoryData<uint?> ForgedSizes => new() { null, 0, 1, 100, 1_000_000, uint.MaxValue };

    [Theory]
    [MemberData(nameof(ForgedSizes))]
    public async Task A_gzip_body_reads_the_same_whatever_size_its_trailer_states(uint? forged)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"items\":[{string.Join(',', Enumerable.Range(0, 5000))}]}}");
        var gzip = Gzip(json);
        if (forged is { } size)
            BinaryPrimitives.WriteUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4), size);

        var payload = await JsonBody.ReadAsync(Request(gzip, gzip: true), 1 << 20, 1 << 20, CancellationToken.None);

        // The trailer is a size hint only; GZipStream checks ISIZE itself, so a forged one may be refused as bad
        // gzip (400), but never read wrongly.
        if (payload.Failed)
            Assert.Equal(400, payload.Problem.Status);
        else
            Assert.Equal(json, payload.Value.Json.ToArray());
        if (forged is null)
            Assert.Equal(gzip, payload.Value?.Gzip?.ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData(10L)]
    public async Task A_body_reads_whole_with_a_wrong_or_missing_length(long? declared)
    {
        var json = Encoding.UTF8.GetBytes($"{{\"name\":\"{new string('x', 70_000)}\"}}");
        var request = Request(json, gzip: false);
        request.ContentLength = declared;

        var payload = await JsonBody.ReadAsync(request, 1 << 20, 1 << 20, CancellationToken.None);

        Assert.Equal(json, payload.Value?.Json.ToArray());
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(1001, true)]
    public async Task A_body_is_read_up_to_the_limit_and_refused_beyond_it(int size, bool refused)
    {
        var body = Encoding.UTF8.GetBytes("\"" + new string('a', size - 2) + "\"");
        var request = Request(body, gzip: false);
        request.ContentLength = null;

        var payload = await JsonBody.ReadAsync(request, 1000, 1000, CancellationToken.None);

        Assert.Equal(refused ? 413 : null, payload.Problem?.Status);
        if (!refused)
            Assert.Equal(body, payload.Value?.Json.ToArray());
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(1001, true)]
    public async Task A_gzip_body_inflates_up_to_the_limit_and_is_refused_beyond_it(int size, bool refused)
    {
        var body = Encoding.UTF8.GetBytes("\"" + new string('a', size - 2) + "\"");

        var payload = await JsonBody.ReadAsync(Request(Gzip(body), gzip: true), 1000, 1000, CancellationToken.None);

        Assert.Equal(refused ? 413 : null, payload.Problem?.Status);
        if (!refused)
            Assert.Equal(body, payload.Value?.Json.ToArray());
    }

    private static HttpRequest Request(byte[] body, bool gzip)
    {
        var request = new DefaultHttpContext().Request;
        request.Method = "POST";
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        request.ContentType = "application/json";
        if (gzip)
            request.Headers.ContentEncoding = "gzip";
        return request;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
            gzip.Write(data);
        return output.ToArray();
    }
}
