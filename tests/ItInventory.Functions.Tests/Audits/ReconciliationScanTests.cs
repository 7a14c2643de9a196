using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>The reconciliation against Azurite, driven through its timer function with a fake clock: each asset kind
/// is opened, confirmed (not opened twice) on the next run, auto-resolved when its condition clears and reopened
/// when it returns.</summary>
public sealed class ReconciliationScanTests : IAsyncLifetime
{
    private const string Gone = "20000000-0000-4000-8000-0000000000ff";
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task RunAsync() =>
        app.Create<ReconciliationFunctions>().ReconciliationScan(AuditKit.Timer(), CancellationToken.None);

    [Fact]
    public async Task Every_asset_kind_opens_once_resolves_when_cleared_and_reopens_when_it_returns()
    {
        var now = app.Clock.GetUtcNow();
        await AuditKit.PersonAsync(app, Gone, "Gone Person", departed: true);
        var silent = await AuditKit.PutAsync(app, AuditKit.Row("Deployed", r =>
            {
                (r.EnrolledAt, r.CredentialHash, r.LastSeenAt) = (now.AddDays(-90), "hash", now.AddDays(-40));
                (r.Owner, r.ItStakeholder, r.Category, r.Criticality) = (null, null, null, "Unassigned");
            }));
        var discovered = await AuditKit.PutAsync(
            app,
            AuditKit.Row("Discovered", r =>
                (r.EnrolledAt, r.CredentialHash, r.LastSeenAt) = (now.AddDays(-10), "hash", now.AddDays(-1))
            )
        );
        var disposed = await AuditKit.PutAsync(
            app,
            AuditKit.Row("Disposed", r =>
                (r.CredentialRevoked, r.RefusedCheckinOn) = (true, now.ToString("yyyy-MM-dd"))
            )
        );
        var twinA = await AuditKit.PutAsync(app, AuditKit.Row("InStock", r => r.SerialNumber = "PF3TWIN01"));
        var twinB = await AuditKit.PutAsync(app, AuditKit.Row("Deployed", r => r.SerialNumber = "PF3TWIN01"));
        var orphaned = await AuditKit.PutAsync(app, AuditKit.Row("InStock", r => r.Owner = Gone));
        await AuditKit.PutAsync(app, AuditKit.Row("Deployed"));
        await app.Store.Sightings.UpsertEntityAsync(
            new SightingEntity
            {
                PartitionKey = "3C5284AABBCC",
                FirstSeenAt = now.AddDays(-2),
                LastSeenAt = now.AddDays(-1),
                LastIpAddress = "10.0.0.9",
            }
        );

        await RunAsync();

        var kinds = ReconciliationScanner.Kinds.ToArray();
        var expected = new Dictionary<(string, string), string>
        {
            [(FindingKinds.Missing, silent.RowKey)] = "Open",
            [(FindingKinds.OwnershipGap, silent.RowKey)] = "Open",
            [(FindingKinds.IncompleteClassification, silent.RowKey)] = "Open",
            [(FindingKinds.DiscoveredNotReviewed, discovered.RowKey)] = "Open",
            [(FindingKinds.RetiredCheckingIn, disposed.RowKey)] = "Open",
            [(FindingKinds.DuplicateIdentity, twinA.RowKey)] = "Open",
            [(FindingKinds.DuplicateIdentity, twinB.RowKey)] = "Open",
            [(FindingKinds.DepartedOwner, orphaned.RowKey)] = "Open",
            [(FindingKinds.UnregisteredDevice, "3C5284AABBCC")] = "Open",
        };
        Assert.Equal(expected.OrderBy(e => e.Key), (await AuditKit.FindingsAsync(app, kinds)).OrderBy(e => e.Key));

        // A second run finds the same conditions: nothing new opens.
        app.Clock.Advance(TimeSpan.FromDays(1));
        var again = await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);
        Assert.Equal((0, 0, expected.Count, 0), (again.Opened, again.Reopened, again.Confirmed, again.AutoResolved));

        // The conditions clear: each finding auto-resolves.
        now = app.Clock.GetUtcNow();
        await AuditKit.PutAsync(app, AuditKit.Row("Deployed", r =>
            {
                (r.PartitionKey, r.RowKey) = (silent.PartitionKey, silent.RowKey);
                (r.EnrolledAt, r.CredentialHash, r.LastSeenAt) = (silent.EnrolledAt, "hash", now);
            }));
        await AuditKit.PutAsync(
            app,
            AuditKit.Row("InStock", r => (r.PartitionKey, r.RowKey) = (discovered.PartitionKey, discovered.RowKey))
        );
        await AuditKit.PutAsync(
            app,
            AuditKit.Row("Disposed", r =>
                (r.PartitionKey, r.RowKey, r.RefusedCheckinOn) = (disposed.PartitionKey, disposed.RowKey, "2026-01-01")
            )
        );
        await AuditKit.PutAsync(
            app,
            AuditKit.Row("Disposed", r =>
                (r.PartitionKey, r.RowKey, r.SerialNumber) = (twinA.PartitionKey, twinA.RowKey, "PF3TWIN01")
            )
        );
        await AuditKit.PutAsync(
            app,
            AuditKit.Row("InStock", r => (r.PartitionKey, r.RowKey) = (orphaned.PartitionKey, orphaned.RowKey))
        );
        await app.Store.Sightings.DeleteEntityAsync("3C5284AABBCC", TableKeys.SightingRow);

        var cleared = await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);
        Assert.Equal(expected.Count, cleared.AutoResolved);
        Assert.All(await AuditKit.FindingsAsync(app, kinds), f => Assert.Equal("AutoResolved", f.Value));

        // The asset goes silent again: its finding reopens (the same finding, with history).
        app.Clock.Advance(TimeSpan.FromDays(31));
        var reopened = await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);
        Assert.Equal(1, reopened.Reopened);
        Assert.Equal("Open", (await AuditKit.FindingsAsync(app, kinds))[(FindingKinds.Missing, silent.RowKey)]);
    }

    [Fact]
    public async Task A_sighting_of_a_mac_an_asset_now_claims_raises_nothing()
    {
        var now = app.Clock.GetUtcNow();
        await app.Store.Sightings.UpsertEntityAsync(
            new SightingEntity
            {
                PartitionKey = "3C5284AABBDD",
                FirstSeenAt = now.AddDays(-2),
                LastSeenAt = now.AddDays(-1),
            }
        );
        await app.Store.Identities.AddEntityAsync(
            new AssetIdentityEntity
            {
                PartitionKey = "mac|3C5284AABBDD",
                AssetId = Guid.NewGuid().ToString("N"),
                CreatedAt = now,
            }
        );

        var run = await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);

        Assert.Equal(0, run.Conditions);
        Assert.Empty(await AuditKit.FindingsAsync(app, FindingKinds.UnregisteredDevice));
    }
}
