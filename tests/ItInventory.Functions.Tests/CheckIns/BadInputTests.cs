using System.Text;
using System.Text.Json.Nodes;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>Every kind of bad check-in gets a clear 4xx problem+json and writes nothing.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestApp app = null!;
    private EnrolledDevice device = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        device = await app.EnrollNewDeviceAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private string Heartbeat() => SamplePayloads.Heartbeat(device.DeviceId).Text();

    private JsonObject Inventory(int software = 5) =>
        SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: software);

    private async Task AssertRejectedAsync(HttpRequest request, int status, string expectedInDetail)
    {
        var before = await app.SnapshotAsync();

        var answer = await app.CheckinAsync(request);

        Assert.True(answer.Status == status, $"expected {status}, got {answer.Status}: {answer.Body}");
        Assert.Equal("application/problem+json; charset=utf-8", answer.ContentType);
        var problem = answer.Json;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.StartsWith("https://", problem.GetProperty("type").GetString());
        var detail =
            problem.GetProperty("detail").GetString()
            + " "
            + (problem.TryGetProperty("errors", out var errors) ? errors.ToString() : "");
        Assert.Contains(expectedInDetail, detail, StringComparison.OrdinalIgnoreCase);
        await app.AssertUnchangedSinceAsync(before);
    }

    private HttpRequest Raw(
        byte[] body,
        string? contentType = "application/json",
        string? encoding = null,
        string? authorization = ""
    )
    {
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = authorization == "" ? device.Authorization : authorization ?? "",
        };
        if (authorization is null)
            headers.Remove("Authorization");
        if (encoding is not null)
            headers["Content-Encoding"] = encoding;
        return app.Request("POST", "/api/checkins", body, contentType, headers);
    }

    [Fact]
    public Task Malformed_json_is_400() =>
        AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes("{\"schemaVersion\":\"1.0\",\"kind\":")), 400, "JSON");

    [Fact]
    public Task Json_null_body_is_400() => AssertRejectedAsync(Raw("null"u8.ToArray()), 400, "null");

    [Fact]
    public Task Json_array_body_is_400() => AssertRejectedAsync(Raw("[1,2]"u8.ToArray()), 400, "JSON");

    [Fact]
    public Task Empty_body_is_400() => AssertRejectedAsync(Raw([]), 400, "empty");

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public Task Wrong_content_type_is_415(string? contentType) =>
        AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(Heartbeat()), contentType), 415, "Content-Type");

    [Fact]
    public Task Charset_other_than_utf8_is_415() =>
        AssertRejectedAsync(
            Raw(Encoding.UTF8.GetBytes(Heartbeat()), "application/json; charset=iso-8859-1"),
            415,
            "charset"
        );

    [Fact]
    public Task Unsupported_content_encoding_is_415() =>
        AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(Heartbeat()), encoding: "br"), 415, "Content-Encoding");

    [Fact]
    public Task Invalid_gzip_is_400() =>
        AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(Heartbeat()), encoding: "gzip"), 400, "gzip");

    [Fact]
    public Task Decompression_bomb_stops_at_the_cap_with_413()
    {
        // 64 MB of spaces compress to a few hundred KB: far below the 4 MB wire limit, far above the 4 MB decompressed
        // cap.
        var bomb = new byte[64 * 1024 * 1024];
        bomb.AsSpan().Fill((byte)' ');
        "{}"u8.CopyTo(bomb.AsSpan(bomb.Length - 2));
        var gzip = TestApp.Gzip(bomb);
        Assert.True(gzip.Length < 1024 * 1024, $"{gzip.Length} bytes on the wire");
        return AssertRejectedAsync(Raw(gzip, encoding: "gzip"), 413, "decompresses");
    }

    [Fact]
    public Task Body_over_the_wire_limit_is_413()
    {
        var big = Inventory(0);
        big["inventory"]!["hostname"] = "x";
        var padding = new string(' ', 5 * 1024 * 1024);
        return AssertRejectedAsync(
            Raw(Encoding.UTF8.GetBytes(big.Text().Replace("{\"schemaVersion\"", "{" + padding + "\"schemaVersion\""))),
            413,
            "limit"
        );
    }

    [Fact]
    public Task Invalid_utf8_is_400()
    {
        var json = Encoding.UTF8.GetBytes(Heartbeat().Replace("itinventory-agent", "agent-\u00ff\u00ff"));
        var index = json.AsSpan().IndexOf("\u00ff"u8);
        json[index] = 0xC3;
        json[index + 1] = 0x28; // 0xC3 0x28 is not valid UTF-8
        return AssertRejectedAsync(Raw(json), 400, "UTF-8");
    }

    [Fact]
    public Task String_over_the_field_limit_is_400()
    {
        var body = Inventory();
        body["inventory"]!["hostname"] = new string('h', 257);
        return AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(body.Text())), 400, "inventory.hostname");
    }

    [Fact]
    public Task Software_list_over_the_row_limit_is_400()
    {
        var body = Inventory(0);
        var software = body["inventory"]!["software"]!.AsArray();
        for (var i = 0; i < 20_001; i++)
            software.Add(new JsonObject { ["name"] = "p" + i });
        return AssertRejectedAsync(
            Raw(TestApp.Gzip(Encoding.UTF8.GetBytes(body.Text())), encoding: "gzip"),
            400,
            "At most 20000 items"
        );
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("0.9")]
    [InlineData("one")]
    public Task Unknown_schema_version_is_400(string version)
    {
        var body = SamplePayloads.Heartbeat(device.DeviceId);
        body["schemaVersion"] = version;
        return AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(body.Text())), 400, "schemaVersion");
    }

    [Fact]
    public Task Unknown_kind_is_400()
    {
        var body = SamplePayloads.Heartbeat(device.DeviceId);
        body["kind"] = "status";
        return AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(body.Text())), 400, "kind");
    }

    [Fact]
    public async Task Out_of_range_utilisation_is_dropped_with_a_warning_and_the_rest_recorded()
    {
        var body = SamplePayloads.Heartbeat(device.DeviceId);
        body["heartbeat"]!["cpuAveragePercent"] = 140;

        var answer = await app.CheckinAsync(body.Text(), device.Authorization);

        Assert.True(answer.Status == 200, answer.Body);
        Assert.True(answer.Json.GetProperty("warnings").TryGetProperty("heartbeat.cpuAveragePercent", out _));
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(device.DeviceId),
                device.DeviceId
            )
        ).Value;
        Assert.Null(summary.CpuAveragePercent);
        Assert.Equal(61.2, summary.MemoryUsedPercent);
    }

    [Fact]
    public Task Duplicate_keys_are_400_with_the_path() =>
        AssertRejectedAsync(
            Raw(
                Encoding.UTF8.GetBytes(
                    Heartbeat().Replace("\"kind\":", "\"kind\":\"inventory\",\"kind\":", StringComparison.Ordinal)
                )
            ),
            400,
            "kind"
        );

    [Fact]
    public Task Number_sent_as_string_is_400()
    {
        var body = SamplePayloads.Heartbeat(device.DeviceId);
        body["heartbeat"]!["cpuAveragePercent"] = "12";
        return AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(body.Text())), 400, "JSON");
    }

    [Fact]
    public async Task Bad_neighbour_mac_in_an_inventory_drops_that_neighbour_with_a_warning()
    {
        var body = Inventory();
        body["inventory"]!["neighbours"] = new JsonArray(new JsonObject { ["macAddress"] = "not-a-mac" });

        var answer = await app.CheckinAsync(body.Text(), device.Authorization);

        Assert.True(answer.Status == 202, answer.Body);
        Assert.Equal(
            ["inventory.neighbours[0].macAddress"],
            answer.Json.GetProperty("warnings").EnumerateObject().Select(p => p.Name)
        );
    }

    [Fact]
    public Task Missing_credentials_are_401() =>
        AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(Heartbeat()), authorization: null), 401, "Authorization");

    [Theory]
    [InlineData("Bearer abc")]
    [InlineData("Device nonsense")]
    [InlineData("Device 0123456789abcdef0123456789abcdef.wrong-secret")]
    public Task Invalid_credentials_are_401(string authorization) =>
        AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(Heartbeat()), authorization: authorization), 401, "credential");

    [Fact]
    public Task Wrong_secret_for_a_real_device_is_401() =>
        AssertRejectedAsync(
            Raw(Encoding.UTF8.GetBytes(Heartbeat()), authorization: $"Device {device.DeviceId}.{new string('A', 43)}"),
            401,
            "not valid"
        );

    [Fact]
    public async Task Device_posting_for_another_device_is_403()
    {
        var other = await app.EnrollNewDeviceAsync();
        var body = SamplePayloads.Inventory(other.DeviceId, other.Serial, macs: [other.Mac], softwareCount: 5);

        await AssertRejectedAsync(Raw(Encoding.UTF8.GetBytes(body.Text())), 403, "another device");
    }

    [Fact]
    public async Task Unauthorised_answer_names_the_device_scheme()
    {
        var answer = await app.CheckinAsync(Raw(Encoding.UTF8.GetBytes(Heartbeat()), authorization: null));

        Assert.Equal("Device realm=\"itinventory\"", answer.Headers.WWWAuthenticate.ToString());
    }
}
