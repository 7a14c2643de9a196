using System.Text.Json;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Lifecycle;

namespace ItInventory.Functions.Tests.Assets;

/// <summary><c>GET /api/assets/{assetId}/history</c> against Azurite: the asset's history rows newest first, paged,
/// with the software each check-in changed.</summary>
public sealed class AssetHistoryApiTests : IAsyncLifetime
{
    private TestApp app = null!;
    private LifecycleClient client = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        client = new LifecycleClient(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpAnswer> HistoryAsync(string assetId, string query = "")
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{assetId}/history",
            [],
            null,
            LifecycleClient.Headers(TestTokens.Auditor)
        );
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString(query);
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().ListAssetHistory(request, assetId, CancellationToken.None)
        );
    }

    [Fact]
    public async Task History_lists_what_changed_newest_first_one_page_at_a_time()
    {
        var device = await client.EnrollAsync();
        // Rows of the same instant have no order between them: the approval comes a minute later.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        var approved = await client.ApproveAsync(
            device.DeviceId,
            """{"state":"InStock"}""",
            await client.ETagAsync(device.DeviceId)
        );
        Assert.Equal(200, approved.Status);

        var first = await HistoryAsync(device.DeviceId, "?pageSize=1");

        Assert.Equal(200, first.Status);
        var newest = Assert.Single(first.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("api", newest.GetProperty("source").GetString());
        Assert.Contains("approve: Discovered → InStock", newest.GetProperty("summary").GetString());
        var token = first.Json.GetProperty("continuationToken").GetString()!;
        var rest = await HistoryAsync(device.DeviceId, "?pageSize=10&continuationToken=" + Uri.EscapeDataString(token));
        Assert.Equal(200, rest.Status);
        var older = rest.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.NotEmpty(older);
        Assert.All(older, e =>
            Assert.True(e.GetProperty("at").GetDateTimeOffset() < newest.GetProperty("at").GetDateTimeOffset())
        );
    }

    [Fact]
    public async Task An_unknown_asset_is_404_and_a_forged_continuation_token_400()
    {
        Assert.Equal(404, (await HistoryAsync("0123456789abcdef0123456789abcdef")).Status);
        var device = await client.EnrollAsync();
        Assert.Equal(400, (await HistoryAsync(device.DeviceId, "?continuationToken=forged")).Status);
    }

    [Fact]
    public void A_row_shows_the_software_its_check_in_changed_and_a_row_without_readable_changes_its_summary()
    {
        var changes = new AssetChanges
        {
            Fields = [new FieldChange("OperatingSystem", "Windows 10", "Windows 11")],
            SoftwareAddedCount = 1,
            SoftwareAdded = ["Visio 2024"],
            SoftwareRemovedCount = 30,
            SoftwareRemoved = ["Old tool"],
        };
        var row = new AssetHistoryEntity
        {
            At = DateTimeOffset.Parse("2026-12-01T10:00:00Z"),
            Source = "checkin",
            CheckinId = "c1",
            Summary = "1 field(s) changed; 1 software added; 30 software removed",
            ChangesJson = JsonSerializer.Serialize(changes, ApiJsonContext.Default.AssetChanges),
        };

        var view = AssetHistoryService.View(row);
        var unreadable = AssetHistoryService.View(new AssetHistoryEntity { Summary = "enrolled", ChangesJson = "{" });

        Assert.Equal(["Visio 2024"], view.SoftwareAdded);
        Assert.Equal((1, 30, 0), (view.SoftwareAddedCount, view.SoftwareRemovedCount, view.SoftwareUpdatedCount));
        Assert.Equal("Windows 11", Assert.Single(view.Fields).To);
        Assert.Equal("enrolled", unreadable.Summary);
        Assert.Empty(unreadable.SoftwareAdded);
    }
}
