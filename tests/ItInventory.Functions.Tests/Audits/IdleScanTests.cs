using ItInventory.Functions.Audits;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>The idle scan against Azurite with a fake clock: 60 days pass, the asset becomes a reallocation
/// candidate; used again, its finding auto-resolves; idle again, it reopens. A Deployed device without heartbeat data
/// is its own kind.</summary>
public sealed class IdleScanTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static readonly string[] Kinds = [FindingKinds.IdleAsset, FindingKinds.NoUtilisationData];

    [Fact]
    public async Task An_asset_unused_for_sixty_days_becomes_a_reallocation_candidate_until_it_is_used_again()
    {
        var today = app.Clock.GetUtcNow().ToString("yyyy-MM-dd");
        var idle = await AuditKit.PutAsync(
            app,
            AuditKit.Row("Deployed", r =>
                (r.LastHeartbeatAt, r.UtilisationDay, r.BelowThresholdSince) = (app.Clock.GetUtcNow(), today, today)
            )
        );
        var unmeasured = await AuditKit.PutAsync(app, AuditKit.Row("Deployed"));
        var scan = () => app.Create<ReconciliationFunctions>().IdleScan(AuditKit.Timer(), CancellationToken.None);

        await scan();
        Assert.Equal(
            new Dictionary<(string, string), string> { [(FindingKinds.NoUtilisationData, unmeasured.RowKey)] = "Open" },
            await AuditKit.FindingsAsync(app, Kinds)
        );

        app.Clock.Advance(TimeSpan.FromDays(60));
        await scan();
        await scan();
        var found = await AuditKit.FindingsAsync(app, Kinds);
        Assert.Equal("Open", found[(FindingKinds.IdleAsset, idle.RowKey)]);
        Assert.Equal(2, found.Count);

        await AuditKit.PutAsync(
            app,
            AuditKit.Row("Deployed", r =>
                (r.PartitionKey, r.RowKey, r.LastHeartbeatAt, r.UtilisationDay, r.BelowThresholdSince) = (
                    idle.PartitionKey,
                    idle.RowKey,
                    app.Clock.GetUtcNow(),
                    today,
                    ""
                )
            )
        );
        var used = await app.Create<IdleScanner>().RunAsync(CancellationToken.None);
        Assert.Equal(1, used.AutoResolved);
        Assert.Equal("AutoResolved", (await AuditKit.FindingsAsync(app, Kinds))[(FindingKinds.IdleAsset, idle.RowKey)]);

        await AuditKit.PutAsync(
            app,
            AuditKit.Row("Deployed", r =>
                (r.PartitionKey, r.RowKey, r.LastHeartbeatAt, r.UtilisationDay, r.BelowThresholdSince) = (
                    idle.PartitionKey,
                    idle.RowKey,
                    app.Clock.GetUtcNow(),
                    today,
                    today
                )
            )
        );
        app.Clock.Advance(TimeSpan.FromDays(60));
        var back = await app.Create<IdleScanner>().RunAsync(CancellationToken.None);
        Assert.Equal(1, back.Reopened);
    }
}
