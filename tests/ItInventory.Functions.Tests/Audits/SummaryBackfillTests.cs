using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>Summary rows written before the audits (no fields version) are completed once by the reconciliation,
/// before its rules read them.</summary>
public sealed class SummaryBackfillTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<AssetSummaryEntity> OldAssetAsync(string serial, bool agent)
    {
        var now = app.Clock.GetUtcNow();
        var row = AuditKit.Row("Deployed", r =>
        {
            (r.FieldsVersion, r.SerialNumber, r.ItStakeholder) = (null, null, null);
            if (agent)
                (r.EnrolledAt, r.CredentialHash, r.LastSeenAt) = (now.AddDays(-3), "hash", now.AddMinutes(-5));
        });
        await app.Store.Summaries.UpsertEntityAsync(row, TableUpdateMode.Replace);
        await app.Store.Assets.UpsertEntityAsync(
            new AssetDetailEntity
            {
                PartitionKey = row.RowKey,
                RowKey = TableKeys.AssetDetailRow,
                Kind = row.Kind,
                Type = row.Type,
                State = row.State,
                SerialNumber = serial,
                ItStakeholder = "20000000-0000-4000-8000-000000000002",
            }
        );
        return row;
    }

    [Fact]
    public async Task Old_rows_get_their_scan_facts_and_due_row_once_and_the_same_run_judges_them_complete()
    {
        var agent = await OldAssetAsync("PF3OLD01", agent: true);
        var other = await OldAssetAsync("PF3OLD01", agent: false);

        var first = await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);

        // The shared serial was only on the detail rows: the same run sees the duplicate.
        var found = await AuditKit.FindingsAsync(app, FindingKinds.DuplicateIdentity, FindingKinds.OwnershipGap);
        Assert.Equal("Open", found[(FindingKinds.DuplicateIdentity, agent.RowKey)]);
        Assert.Equal("Open", found[(FindingKinds.DuplicateIdentity, other.RowKey)]);
        Assert.False(found.ContainsKey((FindingKinds.OwnershipGap, agent.RowKey)));
        foreach (var asset in new[] { agent, other })
        {
            var summary = (
                await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(asset.PartitionKey, asset.RowKey)
            ).Value;
            Assert.Equal(
                (AssetSummaries.FieldsVersion, "PF3OLD01", "20000000-0000-4000-8000-000000000002"),
                (summary.FieldsVersion, summary.SerialNumber, summary.ItStakeholder)
            );
        }
        var due = new List<OfflineDueEntity>();
        await foreach (var row in app.Services.GetRequiredService<OfflineIndex>().Table.QueryAsync<OfflineDueEntity>())
            due.Add(row);
        Assert.Equal([agent.RowKey], due.Select(d => d.AssetId));

        // Done once: the next run reads no detail row.
        var second = await app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);
        Assert.Equal(first.RowsRead - 2, second.RowsRead);
    }
}
