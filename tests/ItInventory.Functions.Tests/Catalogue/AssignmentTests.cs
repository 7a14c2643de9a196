using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Catalogue;

public sealed class AssignmentTests : IAsyncLifetime
{
    private TestApp app = null!;
    private string asset = null!;
    private string etag = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
        (asset, etag) = await CreatePeripheralAsync(app, serial: "DOCK0001");
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<(AssetDetailEntity Detail, AssetSummaryEntity Summary)> RowsAsync() =>
        (
            (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(asset, TableKeys.AssetDetailRow)).Value,
            (
                await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(asset), asset)
            ).Value
        );

    [Fact]
    public async Task Check_out_and_in_move_owner_and_state_and_keep_a_history_newest_first()
    {
        var checkedOut = await CheckOutAsync(
            app,
            asset,
            $$"""{"person":"{{Alice}}","expectedReturn":"2026-12-01T00:00:00Z","note":"loan"}""",
            etag
        );

        Assert.Equal(200, checkedOut.Status);
        var (detail, summary) = await RowsAsync();
        Assert.Equal((Alice, "Deployed"), (detail.Owner, detail.State));
        Assert.Equal((Alice, "Deployed"), (summary.Owner, summary.State));
        Assert.Equal(detail.ETag.ToString(), checkedOut.Headers.ETag.ToString());

        app.Clock.Advance(TimeSpan.FromDays(3));
        var checkedIn = await CheckInAsync(
            app,
            asset,
            """{"note":"returned","location":"warehouse"}""",
            checkedOut.Headers.ETag.ToString()
        );

        Assert.Equal(200, checkedIn.Status);
        (detail, summary) = await RowsAsync();
        Assert.Equal(("", "InStock", "warehouse"), (detail.Owner, detail.State, detail.Location));
        Assert.Equal(("", "InStock", "warehouse"), (summary.Owner, summary.State, summary.Location));

        Assert.Equal(
            200,
            (await CheckOutAsync(app, asset, $$"""{"person":"{{Bob}}"}""", checkedIn.Headers.ETag.ToString())).Status
        );
        var history = await AssignmentsAsync(app, asset);
        var items = history.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([Bob, Alice], items.Select(i => i.GetProperty("person").GetString()!).ToArray());
        Assert.False(items[0].TryGetProperty("checkedInAt", out _));
        Assert.Equal("returned", items[1].GetProperty("checkInNote").GetString());
        Assert.Equal("loan", items[1].GetProperty("checkOutNote").GetString());

        var audit = await AuditAsync(app, "asset", asset);
        Assert.Equal(["create", "checkout", "checkin", "checkout"], audit.Select(a => a.Action).ToArray());
        Assert.Contains($"\"to\":\"{Alice}\"", audit[1].ChangesJson);
        Assert.Contains("\"to\":\"InStock\"", audit[2].ChangesJson);
        var historyRows = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {asset} and RowKey ge {"h|"} and RowKey lt {"h}"}")
            )
            .ToListAsync();
        Assert.Equal(4, historyRows.Count);
    }

    [Fact]
    public async Task Assignment_history_pages_with_tokens()
    {
        var tag = etag;
        for (var i = 0; i < 3; i++)
        {
            tag = (await CheckOutAsync(app, asset, $$"""{"person":"{{Alice}}"}""", tag)).Headers.ETag.ToString();
            tag = (await CheckInAsync(app, asset, null, tag)).Headers.ETag.ToString();
        }

        var first = await AssignmentsAsync(app, asset, "?pageSize=2");
        Assert.Equal(2, first.Json.GetProperty("items").GetArrayLength());
        var token = first.Json.GetProperty("continuationToken").GetString()!;
        var second = await AssignmentsAsync(app, asset, "?pageSize=2&continuationToken=" + Uri.EscapeDataString(token));
        Assert.Equal(1, second.Json.GetProperty("items").GetArrayLength());
        Assert.Equal(
            400,
            (await AssignmentsAsync(app, asset, "?continuationToken=x" + Uri.EscapeDataString(token))).Status
        );
        Assert.Equal(400, (await AssignmentsAsync(app, asset, "?pageSize=5000")).Status);
        Assert.Equal(404, (await AssignmentsAsync(app, "ffffffffffffffffffffffffffffffff")).Status);
        Assert.Equal(403, (await AssignmentsAsync(app, asset, "", TestTokens.HrLead)).Status);
        Assert.Equal(200, (await AssignmentsAsync(app, asset, "", TestTokens.FinanceLead)).Status);
    }

    [Fact]
    public async Task History_stays_newest_first_when_the_clock_does_not_move()
    {
        var tag = etag;
        foreach (var (person, last) in new[] { (Alice, false), (Bob, false), (Alice, true) })
        {
            var answer = await CheckOutAsync(app, asset, $$"""{"person":"{{person}}"}""", tag);
            Assert.Equal(200, answer.Status);
            tag = answer.Headers.ETag.ToString();
            if (last)
                break;
            answer = await CheckInAsync(app, asset, null, tag);
            Assert.Equal(200, answer.Status);
            tag = answer.Headers.ETag.ToString();
        }

        var items = (await AssignmentsAsync(app, asset)).Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([Alice, Bob, Alice], items.Select(i => i.GetProperty("person").GetString()!).ToArray());
        Assert.Equal([false, true, true], items.Select(i => i.TryGetProperty("checkedInAt", out _)).ToArray());
        var keys = (
            await app
                .Store.Assets.QueryAsync<AssignmentEntity>(
                    TableClient.CreateQueryFilter(
                        $"PartitionKey eq {asset} and RowKey ge {"asg|"} and RowKey lt {"asg}"}"
                    )
                )
                .ToListAsync()
        )
            .Select(a => TableKeys.AssignmentRowTime(a.RowKey))
            .ToList();
        Assert.Equal(keys.OrderDescending(), keys);
        Assert.Equal(3, keys.Distinct().Count());
    }

    [Fact]
    public async Task Refusals_change_nothing()
    {
        var out1 = await CheckOutAsync(app, asset, $$"""{"person":"{{Alice}}"}""", etag);
        var current = out1.Headers.ETag.ToString();
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(409, (await CheckOutAsync(app, asset, $$"""{"person":"{{Bob}}"}""", current)).Status);
        Assert.Equal(428, (await CheckOutAsync(app, asset, $$"""{"person":"{{Bob}}"}""", null)).Status);
        Assert.Equal(428, (await CheckInAsync(app, asset, null, null)).Status);
        Assert.Equal(412, (await CheckInAsync(app, asset, null, etag)).Status);
        Assert.Equal(400, (await CheckInAsync(app, asset, """{"location":"a b"}""", current)).Status);
        Assert.Equal(422, (await CheckInAsync(app, asset, """{"location":"old-site"}""", current)).Status);
        Assert.Equal(403, (await CheckInAsync(app, asset, null, current, TestTokens.HrLead)).Status);
        Assert.Equal(403, (await CheckInAsync(app, asset, null, current, TestTokens.Auditor)).Status);
        Assert.Equal(404, (await CheckInAsync(app, "ffffffffffffffffffffffffffffffff", null, current)).Status);
        Assert.Equal(404, (await CheckInAsync(app, "not-an-id", null, current)).Status);
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(current, await ETagAsync(app, asset));

        Assert.Equal(200, (await CheckInAsync(app, asset, null, current)).Status);
        current = await ETagAsync(app, asset);
        snapshot = await app.SnapshotAsync();
        Assert.Equal(409, (await CheckInAsync(app, asset, null, current)).Status);
        Assert.Equal(409, (await CheckOutAsync(app, asset, $$"""{"person":"{{Gone}}"}""", current)).Status);
        Assert.Equal(
            422,
            (await CheckOutAsync(app, asset, """{"person":"30000000-0000-4000-8000-000000000009"}""", current)).Status
        );
        Assert.Equal(400, (await CheckOutAsync(app, asset, """{"person":"alice"}""", current)).Status);
        Assert.Equal(400, (await CheckOutAsync(app, asset, """{}""", current)).Status);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Only_assets_that_may_move_to_deployed_are_checked_out()
    {
        var device = await app.EnrollNewDeviceAsync();
        var discovered = await ETagAsync(app, device.DeviceId);
        Assert.Equal(
            409,
            (await CheckOutAsync(app, device.DeviceId, $$"""{"person":"{{Alice}}"}""", discovered)).Status
        );

        var retired = new TableEntity(asset, TableKeys.AssetDetailRow) { ["State"] = "Retired" };
        await app.Store.Assets.UpdateEntityAsync(retired, Azure.ETag.All);
        Assert.Equal(
            409,
            (await CheckOutAsync(app, asset, $$"""{"person":"{{Alice}}"}""", await ETagAsync(app, asset))).Status
        );
    }
}
