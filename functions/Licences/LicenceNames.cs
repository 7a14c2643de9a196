using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Licences;

/// <summary>A row of the licence name index (<see cref="TableKeys.LicenceNamePartition"/>): which product holds a
/// name.</summary>
public sealed class LicenceNameEntity : ITableEntity
{
    public string PartitionKey { get; set; } = TableKeys.LicenceNamePartition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string ProductId { get; set; } = "";
}

/// <summary>
/// Unique product names under concurrency: a product claims its name's index row (an insert) before its own row is
/// written, so of two concurrent creates (or renames) with one name only one insert succeeds. A claim whose product
/// does not exist or no longer bears the name (a create or rename that died after claiming) is stale and is taken
/// over (If-Match), so a crash never blocks a name for good.
/// </summary>
public sealed class LicenceNames(InventoryStore store)
{
    /// <summary>Claims <paramref name="name"/> for the product; false when another product holds it.</summary>
    public async Task<bool> ClaimAsync(string name, string productId, CancellationToken cancellationToken)
    {
        var row = new LicenceNameEntity { RowKey = TableKeys.LicenceNameRow(name), ProductId = productId };
        try
        {
            await store.Licences.AddEntityAsync(row, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409) { }
        var held = (
            await store.Licences.GetEntityAsync<LicenceNameEntity>(
                row.PartitionKey,
                row.RowKey,
                cancellationToken: cancellationToken
            )
        ).Value;
        if (held.ProductId == productId)
            return true;
        var holder = await store.Licences.GetEntityIfExistsAsync<LicenceProductEntity>(
            held.ProductId,
            TableKeys.LicenceProductRow,
            [nameof(LicenceProductEntity.Name)],
            cancellationToken
        );
        if (
            holder.HasValue
            && string.Equals(holder.Value?.Name?.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase)
        )
            return false;
        try
        {
            await store.Licences.UpdateEntityAsync(row, held.ETag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return false; // another claim of the stale row won
        }
    }

    /// <summary>Releases the product's claim on a name it no longer bears (a rename); a claim held by another product
    /// is left alone.</summary>
    public async Task ReleaseAsync(string name, string productId, CancellationToken cancellationToken)
    {
        var row = await store.Licences.GetEntityIfExistsAsync<LicenceNameEntity>(
            TableKeys.LicenceNamePartition,
            TableKeys.LicenceNameRow(name),
            cancellationToken: cancellationToken
        );
        if (row.HasValue && row.Value is { } held && held.ProductId == productId)
        {
            try
            {
                await store.Licences.DeleteEntityAsync(held.PartitionKey, held.RowKey, held.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412) { }
        }
    }
}
