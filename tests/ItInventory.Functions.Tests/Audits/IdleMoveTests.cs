using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>With Idle:MoveToIdleState on, the idle scan moves an idle Deployed asset to Idle through the lifecycle
/// service: detail and summary agree, and the move is audited as the system job.</summary>
public sealed class IdleMoveTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync(s => s["Idle:MoveToIdleState"] = "true");
        await CatalogueKit.SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task An_idle_deployed_asset_is_moved_to_idle_when_the_setting_is_on()
    {
        var created = await CatalogueKit.CreateAsync(
            app,
            """{"name":"pc-idle","type":"laptop","department":"Finance","state":"Deployed"}"""
        );
        Assert.True(created.Status == 201, created.Body);
        var id = created.Json.GetProperty("id").GetString()!;
        await app.Store.Summaries.UpdateEntityAsync(
            new TableEntity(TableKeys.SummaryPartition(id), id)
            {
                [nameof(AssetSummaryEntity.BelowThresholdSince)] = app.Clock.GetUtcNow().ToString("yyyy-MM-dd"),
            },
            ETag.All,
            TableUpdateMode.Merge
        );
        app.Clock.Advance(TimeSpan.FromDays(61));

        var run = await app.Create<IdleScanner>().RunAsync(CancellationToken.None);

        Assert.Equal(1, run.MovedToIdle);
        var detail = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(id, TableKeys.AssetDetailRow)).Value;
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(id), id)
        ).Value;
        Assert.Equal(("Idle", "Idle"), (detail.State, summary.State));
        var audit = await app.Store.AuditTrail.QueryAsync<TableEntity>().ToListAsync();
        Assert.Contains(audit, r => r.GetString("EntityId") == id && r.GetString("ActorId") == IdleScanner.Job);

        // Still idle on the next run: the finding is confirmed, nothing moves twice.
        var again = await app.Create<IdleScanner>().RunAsync(CancellationToken.None);
        Assert.Equal(0, again.MovedToIdle);
    }
}
