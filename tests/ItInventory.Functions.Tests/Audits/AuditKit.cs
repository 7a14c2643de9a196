using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>Seeds summary rows, people and sightings straight into Azurite and reads the findings the scans leave.
/// </summary>
internal static class AuditKit
{
    public static AssetSummaryEntity Row(string state, Action<AssetSummaryEntity>? with = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var row = new AssetSummaryEntity
        {
            PartitionKey = TableKeys.SummaryPartition(id),
            RowKey = id,
            State = state,
            Kind = nameof(AssetKind.Hardware),
            Type = nameof(AssetType.Laptop),
            Name = "pc-" + id[..6],
            Owner = "20000000-0000-4000-8000-000000000001",
            ItStakeholder = "20000000-0000-4000-8000-000000000002",
            Department = "Finance",
            Category = "laptops",
            FieldsVersion = AssetSummaries.FieldsVersion,
            Location = "hq",
            Criticality = nameof(Criticality.High),
        };
        with?.Invoke(row);
        return row;
    }

    public static async Task<AssetSummaryEntity> PutAsync(TestApp app, AssetSummaryEntity row)
    {
        await app.Store.Summaries.UpsertEntityAsync(row, TableUpdateMode.Replace);
        return row;
    }

    public static Task PersonAsync(TestApp app, string objectId, string name, bool departed) =>
        app.Store.People.UpsertEntityAsync(
            new PersonEntity
            {
                PartitionKey = objectId,
                DisplayName = name,
                Email = name.ToLowerInvariant() + "@example.com",
                Status = departed ? nameof(PersonStatus.Departed) : nameof(PersonStatus.Active),
            }
        );

    /// <summary>Findings of these kinds by (kind, subject id) → status.</summary>
    public static async Task<Dictionary<(string Kind, string Subject), string>> FindingsAsync(
        TestApp app,
        params string[] kinds
    )
    {
        var table = app.Services.GetRequiredService<FindingsTables>().Findings;
        var found = new Dictionary<(string, string), string>();
        foreach (var kind in kinds)
        {
            await foreach (var f in table.QueryAsync<FindingEntity>(f => f.PartitionKey == kind))
            {
                found[(f.Kind, f.SubjectId)] = f.Status;
            }
        }
        return found;
    }

    public static TimerInfo Timer() => new();
}
