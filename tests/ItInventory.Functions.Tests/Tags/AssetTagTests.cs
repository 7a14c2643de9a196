using System.Buffers.Binary;
using System.Text;
using System.Xml.Linq;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Tags;

public sealed class AssetTagTests : IAsyncLifetime
{
    private TestApp app = null!;
    private EnrolledDevice device = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        device = await app.EnrollNewDeviceAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private TagFunctions Functions => app.Create<TagFunctions>();

    private static Dictionary<string, string> Auth(Persona persona) =>
        new() { ["Authorization"] = TestTokens.Bearer(persona) };

    private async Task<HttpAnswer> AllocateAsync(string assetId, Persona? persona = null)
    {
        var request = app.Request("POST", $"/api/assets/{assetId}/tag", [], null, Auth(persona ?? TestTokens.Admin));
        return await TestApp.ExecuteAsync(
            request,
            Functions.AllocateAssetTag(request, assetId, CancellationToken.None)
        );
    }

    private async Task<string> TagOfAsync(string assetId)
    {
        var answer = await AllocateAsync(assetId);
        Assert.True(answer.Status == 200, answer.Body);
        return answer.Json.GetProperty("tag").GetString()!;
    }

    private async Task<HttpAnswer> LookupAsync(string tag, Persona? persona = null)
    {
        var request = app.Request(
            "GET",
            $"/api/tags/{Uri.EscapeDataString(tag)}",
            [],
            null,
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(request, Functions.GetAssetByTag(request, tag, CancellationToken.None));
    }

    private async Task<HttpAnswer> SvgAsync(string assetId, Persona? persona = null)
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{assetId}/label.svg",
            [],
            null,
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            Functions.GetAssetLabelSvg(request, assetId, CancellationToken.None)
        );
    }

    private async Task<HttpAnswer> SheetAsync(string body, Persona? persona = null)
    {
        var request = app.Request(
            "POST",
            "/api/labels/sheet",
            Encoding.UTF8.GetBytes(body),
            "application/json",
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(request, Functions.PrintLabelSheet(request, CancellationToken.None));
    }

    private async Task<string> FinanceAssetAsync()
    {
        var secret = await app
            .Services.GetRequiredService<EnrollmentSecretStore>()
            .CreateAsync("finance", null, "Finance", CancellationToken.None);
        var serial = $"FN{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment(
                serial,
                macs: [$"3C:52:82:F1:{Random.Shared.Next(256):X2}:{Random.Shared.Next(256):X2}"],
                secret: secret
            )
        );
        Assert.True(enrolled.Status == 201, enrolled.Body);
        return enrolled.Json.GetProperty("deviceId").GetString()!;
    }

    private async Task<List<string>> EnrollManyAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
            ids.Add((await app.EnrollNewDeviceAsync()).DeviceId);
        return ids;
    }

    [Fact]
    public async Task Allocation_gives_prefixed_six_digit_tags_with_increasing_numbers_and_records_them()
    {
        var second = await app.EnrollNewDeviceAsync();
        var first = await TagOfAsync(device.DeviceId);
        var next = await TagOfAsync(second.DeviceId);

        Assert.Matches("^ITI-[0-9]{6}$", first);
        Assert.Matches("^ITI-[0-9]{6}$", next);
        Assert.True(int.Parse(next[4..]) > int.Parse(first[4..]), $"{first} then {next}");

        var detail = (
            await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(device.DeviceId, TableKeys.AssetDetailRow)
        ).Value;
        Assert.Equal(first, detail.Tag);
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(device.DeviceId),
                device.DeviceId
            )
        ).Value;
        Assert.Equal(first, summary.Tag);
        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(e =>
                e.PartitionKey == device.DeviceId
                && e.RowKey.CompareTo(TableKeys.HistoryRowPrefix) >= 0
                && e.RowKey.CompareTo("h}") < 0
            )
            .ToListAsync();
        Assert.Contains(history, h => h.Source == "api" && h.Summary.Contains(first, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Asking_again_returns_the_same_tag_and_writes_nothing()
    {
        var tag = await TagOfAsync(device.DeviceId);
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(tag, await TagOfAsync(device.DeviceId));
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Concurrent_allocations_for_different_assets_give_distinct_tags()
    {
        var ids = await EnrollManyAsync(24);

        var tags = await Task.WhenAll(ids.Select(id => Task.Run(() => TagOfAsync(id))));

        Assert.Equal(ids.Count, tags.Distinct().Count());
        foreach (var (id, tag) in ids.Zip(tags))
        {
            var resolved = await LookupAsync(tag);
            Assert.Equal(id, resolved.Json.GetProperty("id").GetString());
        }
    }

    [Fact]
    public async Task Concurrent_allocations_for_the_same_asset_give_one_tag()
    {
        var tags = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => TagOfAsync(device.DeviceId))));

        var tag = Assert.Single(tags.Distinct());
        var index = await app.Store.Tags.QueryAsync<TableEntity>(e => e.RowKey == TableKeys.TagIndexRow).ToListAsync();
        Assert.Equal(tag, Assert.Single(index).GetString("Tag"));
        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(e =>
                e.PartitionKey == device.DeviceId
                && e.RowKey.CompareTo(TableKeys.HistoryRowPrefix) >= 0
                && e.RowKey.CompareTo("h}") < 0
            )
            .ToListAsync();
        Assert.Single(history, h => h.Source == "api");
    }

    [Fact]
    public async Task An_allocation_interrupted_after_its_claim_is_completed_with_the_same_tag()
    {
        // A crash after the claim row was written and before the index and the asset were: the claim decides.
        await app.Store.Tags.AddEntityAsync(
            new TagLinkEntity
            {
                PartitionKey = TableKeys.AssetTagPartition(device.DeviceId),
                RowKey = TableKeys.AssetTagRow,
                AssetId = device.DeviceId,
                Tag = "ITI-000042",
            }
        );

        Assert.Equal("ITI-000042", await TagOfAsync(device.DeviceId));
        Assert.Equal(device.DeviceId, (await LookupAsync("ITI-000042")).Json.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_number_already_indexed_for_another_asset_is_skipped()
    {
        var other = await app.EnrollNewDeviceAsync();
        await app.Store.Tags.AddEntityAsync(
            new TagLinkEntity
            {
                PartitionKey = TableKeys.TagIndexPartition("ITI-000001"),
                RowKey = TableKeys.TagIndexRow,
                AssetId = other.DeviceId,
                Tag = "ITI-000001",
            }
        );

        Assert.Equal("ITI-000002", await TagOfAsync(device.DeviceId));
    }

    [Fact]
    public async Task A_tag_resolves_to_its_asset()
    {
        var tag = await TagOfAsync(device.DeviceId);

        var answer = await LookupAsync(tag);

        Assert.Equal(200, answer.Status);
        Assert.Equal(device.DeviceId, answer.Json.GetProperty("id").GetString());
        Assert.Equal(tag, answer.Json.GetProperty("tag").GetString());
        Assert.Equal(404, (await LookupAsync("ITI-999999")).Status);
    }

    [Theory]
    [InlineData("ITI-12")]
    [InlineData("iti-000001")]
    [InlineData("ITI000001")]
    [InlineData("ITI-000001' or ''='")]
    public async Task A_malformed_tag_is_400(string tag)
    {
        var answer = await LookupAsync(tag);

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task Unknown_or_invalid_asset_ids_are_404_and_write_nothing(string assetId)
    {
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(404, (await AllocateAsync(assetId)).Status);
        Assert.Equal(404, (await SvgAsync(assetId)).Status);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task The_svg_label_is_well_formed_and_prints_the_tag()
    {
        var tag = await TagOfAsync(device.DeviceId);

        var answer = await SvgAsync(device.DeviceId);

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("image/svg+xml", answer.ContentType);
        var svg = XDocument.Parse(answer.Body);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == tag);
        Assert.NotEmpty(svg.Descendants(ns + "path").Single().Attribute("d")!.Value);
    }

    [Fact]
    public async Task The_png_label_is_a_png_of_the_qr_code()
    {
        await TagOfAsync(device.DeviceId);
        var request = app.Request("GET", $"/api/assets/{device.DeviceId}/label.png", [], null, Auth(TestTokens.Admin));

        var result = Assert.IsType<BytesResult>(
            await Functions.GetAssetLabelPng(request, device.DeviceId, CancellationToken.None)
        );

        Assert.Equal("image/png", result.ContentType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, result.Body[..8]);
        Assert.Equal("IHDR", Encoding.ASCII.GetString(result.Body, 12, 4));
        var width = BinaryPrimitives.ReadInt32BigEndian(result.Body.AsSpan(16));
        var height = BinaryPrimitives.ReadInt32BigEndian(result.Body.AsSpan(20));
        Assert.Equal(width, height);
        Assert.True(width >= 21 * 10, $"{width} px");
    }

    [Fact]
    public async Task A_label_of_an_untagged_asset_is_409_saying_to_allocate_a_tag_first()
    {
        var answer = await SvgAsync(device.DeviceId);

        Assert.Equal(409, answer.Status);
        Assert.Contains("POST /api/assets/{assetId}/tag", answer.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public void The_label_payload_holds_the_tag_and_the_asset_url()
    {
        var payload = AssetTagFormat.LabelPayload(
            "ITI-000123",
            AssetTagFormat.AssetUrl("https://inventory.example.com/", "0123456789abcdef0123456789abcdef")
        );

        Assert.Equal("ITI-000123\nhttps://inventory.example.com/api/assets/0123456789abcdef0123456789abcdef", payload);
        Assert.Equal("ITI-000123", AssetTagFormat.Format("ITI", 123));
        Assert.Equal("ITI-1234567", AssetTagFormat.Format("ITI", 1234567));
    }

    [Fact]
    public async Task The_label_url_uses_the_configured_base_url_or_the_request_host()
    {
        var tag = await TagOfAsync(device.DeviceId);
        var defaultLabel = (
            await app
                .Services.GetRequiredService<AssetTagService>()
                .LabelAsync(Caller(), device.DeviceId, "http://localhost:7071", CancellationToken.None)
        ).Value!;
        Assert.Equal($"{tag}\nhttp://localhost:7071/api/assets/{device.DeviceId}", defaultLabel.Payload);

        await using var configured = await TestApp.StartAsync(s =>
            s["AssetTags:LabelBaseUrl"] = "https://inventory.example.com"
        );
        var service = configured.Services.GetRequiredService<AssetTagService>();
        Assert.Equal("https://inventory.example.com", service.BaseUrl("http", "localhost:7071"));
        Assert.Equal(
            "http://localhost:7071",
            app.Services.GetRequiredService<AssetTagService>().BaseUrl("http", "localhost:7071")
        );
    }

    [Fact]
    public async Task The_prefix_is_configurable()
    {
        await using var configured = await TestApp.StartAsync(s => s["AssetTags:Prefix"] = "ACME");
        var asset = await configured.EnrollNewDeviceAsync();

        var tag = (
            await configured
                .Services.GetRequiredService<AssetTagService>()
                .AllocateAsync(Caller(), asset.DeviceId, CancellationToken.None)
        )
            .Value!
            .Tag;

        Assert.Equal("ACME-000001", tag);
    }

    [Fact]
    public async Task A_sheet_holds_a_label_per_asset()
    {
        var ids = await EnrollManyAsync(3);
        var tags = new List<string>();
        foreach (var id in ids)
            tags.Add(await TagOfAsync(id));

        var answer = await SheetAsync($"{{\"assetIds\":[{string.Join(",", ids.Select(id => $"\"{id}\""))}]}}");

        Assert.True(answer.Status == 200, answer.Body);
        Assert.StartsWith("image/svg+xml", answer.ContentType);
        var svg = XDocument.Parse(answer.Body);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("210mm", svg.Root!.Attribute("width")!.Value);
        Assert.Equal("297mm", svg.Root!.Attribute("height")!.Value);
        Assert.Equal(tags.Order(), svg.Descendants(ns + "text").Select(t => t.Value).Order());
        Assert.Equal(3, svg.Descendants(ns + "path").Count());
    }

    [Fact]
    public void A_long_sheet_spans_several_a4_pages()
    {
        var labels = Enumerable
            .Range(1, QrLabels.LabelsPerPage + 1)
            .Select(i => new LabelContent(AssetTagFormat.Format("ITI", i), $"ITI-{i}\nhttp://x/api/assets/{i}"))
            .ToList();

        var svg = XDocument.Parse(QrLabels.Sheet(labels));

        Assert.Equal("594mm", svg.Root!.Attribute("height")!.Value);
    }

    [Fact]
    public async Task A_sheet_names_unknown_and_untagged_assets_and_refuses_bad_sizes()
    {
        var tagged = await TagOfAsync(device.DeviceId);
        var untagged = (await app.EnrollNewDeviceAsync()).DeviceId;
        const string unknown = "0123456789abcdef0123456789abcdef";

        var missing = await SheetAsync($"{{\"assetIds\":[\"{device.DeviceId}\",\"{unknown}\"]}}");
        Assert.Equal(404, missing.Status);
        Assert.Contains(unknown, missing.Json.GetProperty("detail").GetString());

        var notTagged = await SheetAsync($"{{\"assetIds\":[\"{device.DeviceId}\",\"{untagged}\"]}}");
        Assert.Equal(409, notTagged.Status);
        Assert.Contains(untagged, notTagged.Json.GetProperty("detail").GetString());
        Assert.DoesNotContain(device.DeviceId, notTagged.Json.GetProperty("detail").GetString());

        var ids = string.Join(",", Enumerable.Repeat($"\"{device.DeviceId}\"", AssetTagService.MaxSheetLabels + 1));
        var tooMany = await SheetAsync($"{{\"assetIds\":[{ids}]}}");
        Assert.Equal(400, tooMany.Status);
        Assert.Equal(400, (await SheetAsync("{\"assetIds\":[]}")).Status);
        Assert.Equal(400, (await SheetAsync("{\"assetIds\":")).Status);
        Assert.NotEmpty(tagged);
    }

    [Fact]
    public async Task Leads_of_other_departments_and_callers_without_mfa_may_not_allocate()
    {
        var finance = await FinanceAssetAsync();
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(403, (await AllocateAsync(finance, TestTokens.HrLead)).Status);
        Assert.Equal(403, (await AllocateAsync(finance, TestTokens.AdminWithoutMfa)).Status);
        Assert.Equal(403, (await AllocateAsync(finance, TestTokens.Auditor)).Status);
        await app.AssertUnchangedSinceAsync(snapshot);

        var tag = (await AllocateAsync(finance, TestTokens.FinanceLead)).Json.GetProperty("tag").GetString()!;
        Assert.Equal(403, (await LookupAsync(tag, TestTokens.HrLead)).Status);
        Assert.Equal(403, (await SvgAsync(finance, TestTokens.HrLead)).Status);
        Assert.Equal(403, (await SheetAsync($"{{\"assetIds\":[\"{finance}\"]}}", TestTokens.HrLead)).Status);
        Assert.Equal(200, (await LookupAsync(tag, TestTokens.FinanceLead)).Status);
        Assert.Equal(200, (await SvgAsync(finance, TestTokens.Auditor)).Status);
    }

    private static Caller Caller() =>
        new("test", null, new HashSet<string> { ManagementRoles.Admin }, new HashSet<string>(), HasMfa: true);
}
