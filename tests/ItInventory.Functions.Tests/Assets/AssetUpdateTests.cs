using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Assets;

public sealed class AssetUpdateTests : IAsyncLifetime
{
    private TestApp app = null!;
    private EnrolledDevice device = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        device = await app.EnrollNewDeviceAsync();
        // Locations must name taxonomy entries (see Catalogue/TaxonomyTests).
        await Catalogue.CatalogueKit.SeedTaxonomyAsync(
            app,
            "location",
            "HQ-1F",
            "HQ-2F",
            "HQ-3F",
            "x",
            "Finance-floor",
            "room-1",
            "room-2",
            "room-3",
            "room-4",
            "room-5"
        );
        await app.ImportPeopleAsync((NewOwner, "Active"), (DepartedPerson, "Departed"));
    }

    private const string NewOwner = "a0000000-0000-4000-8000-000000000006";
    private const string DepartedPerson = "a0000000-0000-4000-8000-000000000007";

    public async Task DisposeAsync() => await app.DisposeAsync();

    private AssetFunctions Functions => app.Create<AssetFunctions>();

    private async Task<HttpAnswer> GetAsync(Persona persona)
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{device.DeviceId}",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona) }
        );
        return await TestApp.ExecuteAsync(
            request,
            Functions.GetAsset(request, device.DeviceId, CancellationToken.None)
        );
    }

    private async Task<HttpAnswer> PatchAsync(Persona persona, string body, string? ifMatch)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona) };
        if (ifMatch is not null)
            headers["If-Match"] = ifMatch;
        var request = app.Request(
            "PATCH",
            $"/api/assets/{device.DeviceId}",
            Encoding.UTF8.GetBytes(body),
            "application/json",
            headers
        );
        return await TestApp.ExecuteAsync(
            request,
            Functions.UpdateAsset(request, device.DeviceId, CancellationToken.None)
        );
    }

    private async Task<string> ETagAsync() => (await GetAsync(TestTokens.Admin)).Headers.ETag.ToString();

    private async Task<CheckinMessage> QueueInventoryAsync(int variant)
    {
        var body = SamplePayloads.Inventory(
            device.DeviceId,
            device.Serial,
            macs: [device.Mac],
            softwareCount: 50,
            variant: variant
        );
        Assert.Equal(202, (await app.CheckinAsync(body.Text(), device.Authorization)).Status);
        var message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return System.Text.Json.JsonSerializer.Deserialize(
            message.Body,
            ItInventory.Functions.Common.ApiJsonContext.Default.CheckinMessage
        )!;
    }

    /// <summary>Processes as the host would: a failed attempt (e.g. 412 from a concurrent edit) is retried.</summary>
    private async Task ProcessWithRetriesAsync(CheckinMessage message)
    {
        var processor = app.Services.GetRequiredService<InventoryProcessor>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await processor.ProcessAsync(message, CancellationToken.None);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 412 && attempt < 5) { }
        }
    }

    [Fact]
    public async Task Admin_changes_classification_and_gets_a_new_etag_the_summary_and_history_follow()
    {
        var etag = await ETagAsync();

        var answer = await PatchAsync(
            TestTokens.Admin,
            """
            {"department":"Finance","criticality":"High","location":"HQ-3F",
             "owner":"a0000000-0000-4000-8000-000000000006"}
            """,
            etag
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal("Finance", answer.Json.GetProperty("department").GetString());
        Assert.Equal("High", answer.Json.GetProperty("criticality").GetString());
        Assert.NotEqual(etag, answer.Headers.ETag.ToString());
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(device.DeviceId),
                device.DeviceId
            )
        ).Value;
        Assert.Equal(("Finance", "High", "HQ-3F"), (summary.Department, summary.Criticality, summary.Location));
        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {device.DeviceId} and Source eq 'api'")
            )
            .ToListAsync();
        Assert.Contains("admin@contoso.test", Assert.Single(history).Summary);

        // The new owner now reads the asset; a lead of Finance does too.
        Assert.Equal(200, (await GetAsync(TestTokens.EndUser)).Status);
        Assert.Equal(200, (await GetAsync(TestTokens.FinanceLead)).Status);
    }

    [Fact]
    public async Task Change_without_if_match_is_428_and_with_a_stale_etag_is_412_and_nothing_changes()
    {
        var etag = await ETagAsync();
        Assert.Equal(200, (await PatchAsync(TestTokens.Admin, """{"location":"HQ-1F"}""", etag)).Status);
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(428, (await PatchAsync(TestTokens.Admin, """{"location":"HQ-2F"}""", null)).Status);
        Assert.Equal(412, (await PatchAsync(TestTokens.Admin, """{"location":"HQ-2F"}""", etag)).Status);

        Assert.Equal("HQ-1F", (await GetAsync(TestTokens.Admin)).Json.GetProperty("location").GetString());
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task An_edit_based_on_a_version_before_a_check_in_is_refused_not_lost()
    {
        var etagBeforeCheckin = await ETagAsync();
        await ProcessWithRetriesAsync(await QueueInventoryAsync(variant: 0));

        Assert.Equal(
            412,
            (await PatchAsync(TestTokens.Admin, """{"department":"Finance"}""", etagBeforeCheckin)).Status
        );

        Assert.Equal(
            200,
            (await PatchAsync(TestTokens.Admin, """{"department":"Finance"}""", await ETagAsync())).Status
        );
        var asset = (await GetAsync(TestTokens.Admin)).Json;
        Assert.Equal("Finance", asset.GetProperty("department").GetString());
        Assert.Equal(50, asset.GetProperty("softwareCount").GetInt32());
    }

    [Fact]
    public async Task Concurrent_admin_edits_and_check_ins_on_one_asset_lose_no_update()
    {
        await ProcessWithRetriesAsync(await QueueInventoryAsync(variant: 0));
        for (var round = 1; round <= 5; round++)
        {
            var message = await QueueInventoryAsync(variant: round);
            var edit = Task.Run(async () =>
            {
                // An admin UI retries with a fresh read after 412, as the problem document tells it to.
                for (var attempt = 0; attempt < 10; attempt++)
                {
                    var answer = await PatchAsync(
                        TestTokens.Admin,
                        $$"""{"location":"room-{{round}}"}""",
                        await ETagAsync()
                    );
                    if (answer.Status == 200)
                        return;
                    Assert.Equal(412, answer.Status);
                }
                Assert.Fail("The edit never landed.");
            });
            await Task.WhenAll(edit, ProcessWithRetriesAsync(message));

            var detail = (
                await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(device.DeviceId, TableKeys.AssetDetailRow)
            ).Value;
            Assert.Equal($"room-{round}", detail.Location);
            Assert.Equal(message.CheckinId, detail.LastInventoryCheckinId);
            var software = await app
                .Store.Assets.QueryAsync<SoftwareEntity>(
                    TableClient.CreateQueryFilter(
                        $"PartitionKey eq {device.DeviceId} and RowKey ge {TableKeys.SoftwareRowPrefix}"
                    )
                        + " and "
                        + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AssetRangeEnd}")
                )
                .ToListAsync();
            Assert.Equal(round, software.Count(s => s.Version!.EndsWith("+upd1", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Department_leads_change_only_their_departments_assets_and_cannot_move_them_out()
    {
        Assert.Equal(
            200,
            (await PatchAsync(TestTokens.Admin, """{"department":"Finance"}""", await ETagAsync())).Status
        );

        Assert.Equal(403, (await PatchAsync(TestTokens.HrLead, """{"location":"x"}""", await ETagAsync())).Status);
        Assert.Equal(
            403,
            (await PatchAsync(TestTokens.FinanceLead, """{"department":"HR"}""", await ETagAsync())).Status
        );
        Assert.Equal(
            200,
            (await PatchAsync(TestTokens.FinanceLead, """{"location":"Finance-floor"}""", await ETagAsync())).Status
        );
    }

    [Theory]
    [InlineData("""{"criticality":"Extreme"}""", "criticality")]
    [InlineData("""{"criticality":"3"}""", "criticality")]
    [InlineData("""{"location":"a\u0007b"}""", "location")]
    public async Task Invalid_change_is_400_naming_the_field(string body, string field)
    {
        var answer = await PatchAsync(TestTokens.Admin, body, await ETagAsync());

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
    }

    [Theory]
    [InlineData("owner", "a0000000-0000-4000-8000-0000000000ff")] // not in the directory
    [InlineData("owner", DepartedPerson)]
    [InlineData("itStakeholder", "not-a-guid")]
    public async Task Owner_and_stakeholder_must_be_active_people_of_the_directory(string field, string value)
    {
        var etag = await ETagAsync();

        var answer = await PatchAsync(TestTokens.Admin, $$"""{"{{field}}":"{{value}}","location":"HQ-1F"}""", etag);

        Assert.Equal(422, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        Assert.Equal(etag, await ETagAsync()); // nothing written, not even the valid location
    }

    [Fact]
    public async Task Owner_is_stored_as_the_normalised_object_id()
    {
        var answer = await PatchAsync(
            TestTokens.Admin,
            $$"""{"owner":"{{NewOwner.ToUpperInvariant()}}"}""",
            await ETagAsync()
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal(NewOwner, answer.Json.GetProperty("owner").GetString());
    }

    [Theory]
    [InlineData(nameof(LifecycleState.Disposed))]
    [InlineData(nameof(LifecycleState.Rejected))]
    public async Task An_asset_in_a_terminal_state_cannot_be_changed(string state)
    {
        var detail = new TableEntity(device.DeviceId, TableKeys.AssetDetailRow)
        {
            [nameof(AssetDetailEntity.State)] = state,
        };
        await app.Store.Assets.UpdateEntityAsync(detail, Azure.ETag.All, TableUpdateMode.Merge);
        var etag = await ETagAsync();

        var answer = await PatchAsync(TestTokens.Admin, """{"location":"HQ-2F"}""", etag);

        Assert.Equal(409, answer.Status);
        Assert.Contains(state, answer.Json.GetProperty("detail").GetString());
        Assert.Equal(etag, await ETagAsync());
    }

    [Fact]
    public async Task Unknown_asset_is_404()
    {
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = TestTokens.Bearer(TestTokens.Admin),
            ["If-Match"] = "W/\"x\"",
        };
        var request = app.Request(
            "PATCH",
            "/api/assets/ffffffffffffffffffffffffffffffff",
            "{}"u8.ToArray(),
            "application/json",
            headers
        );

        var answer = await TestApp.ExecuteAsync(
            request,
            Functions.UpdateAsset(request, "ffffffffffffffffffffffffffffffff", CancellationToken.None)
        );

        Assert.Equal(404, answer.Status);
    }
}
