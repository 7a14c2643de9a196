using System.Globalization;
using System.Reflection;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>
/// What an app has stored, by identity and version: every table row's keys and ETag, every blob's name and ETag,
/// every queue's message count and visible message ids. Comparing two snapshots catches a request that updates an
/// existing row (new ETag) or replaces a blob, not only one that adds or deletes something, as counting would.
/// </summary>
public sealed class StorageSnapshot(IReadOnlyDictionary<string, string> entries)
{
    /// <summary>Item ("table NAME | PK | RK", "blob CONTAINER/NAME", "queue NAME …") → its version.</summary>
    public IReadOnlyDictionary<string, string> Entries { get; } = entries;

    /// <summary>The item naming a table row, e.g. for the rows a test expects a request to update.</summary>
    public static string Row(TableClient table, string partitionKey, string rowKey) =>
        $"table {table.Name} | {partitionKey} | {rowKey}";

    /// <summary>What differs from an earlier snapshot, one line per item; empty when nothing changed.</summary>
    /// <param name="updatable">Items that may have a new version (not appear or disappear).</param>
    public IReadOnlyList<string> ChangesSince(StorageSnapshot earlier, IEnumerable<string>? updatable = null)
    {
        var allowed = new HashSet<string>(updatable ?? [], StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var (item, version) in Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!earlier.Entries.TryGetValue(item, out var old))
                changes.Add($"added    {item} ({version})");
            else if (old != version && !allowed.Contains(item))
                changes.Add($"changed  {item} ({old} → {version})");
        }
        changes.AddRange(
            earlier
                .Entries.Keys.Where(item => !Entries.ContainsKey(item))
                .Order(StringComparer.Ordinal)
                .Select(item => $"removed  {item}")
        );
        return changes;
    }
}

public static class StorageSnapshotExtensions
{
    /// <summary>Peek returns at most 32 messages; the count covers the rest.</summary>
    private const int PeekLimit = 32;

    /// <summary>
    /// Takes a snapshot of every table, container and queue of the app: those its storage options list and those
    /// <see cref="InventoryStore"/> exposes (found by reflection, so a store added later is covered too).
    /// </summary>
    public static async Task<StorageSnapshot> SnapshotAsync(this TestApp app)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        var store = app.Store;
        var serviceClient = app.Services.GetRequiredService<TableServiceClient>();
        var options = app.Services.GetRequiredService<IOptions<InventoryStorageOptions>>().Value;
        var tables = options
            .Tables.Select(serviceClient.GetTableClient)
            .Concat(StoreClients<TableClient>(store))
            .DistinctBy(t => t.Name);
        foreach (var table in tables)
            await AddTableAsync(entries, table);
        foreach (var container in StoreClients<BlobContainerClient>(store).DistinctBy(c => c.Name))
        {
            await AddContainerAsync(entries, container);
        }
        foreach (var queue in StoreClients<QueueClient>(store).DistinctBy(q => q.Name))
        {
            await AddQueueAsync(entries, queue);
        }
        return new StorageSnapshot(entries);
    }

    /// <summary>Fails, listing every added, removed or changed item, unless storage is as it was.</summary>
    /// <param name="exceptUpdatesTo">Items (<see cref="StorageSnapshot.Row"/>) the test expects to be rewritten in
    /// place; they must still exist, and nothing else may change.</param>
    public static async Task AssertUnchangedSinceAsync(
        this TestApp app,
        StorageSnapshot before,
        params string[] exceptUpdatesTo
    )
    {
        var changes = (await app.SnapshotAsync()).ChangesSince(before, exceptUpdatesTo);
        if (changes.Count == 0)
            return;
        var message = new StringBuilder($"Expected storage to be unchanged, but {changes.Count} item(s) differ:");
        foreach (var change in changes)
            message.Append("\n  ").Append(change);
        Assert.Fail(message.ToString());
    }

    private static IEnumerable<T> StoreClients<T>(InventoryStore store) =>
        typeof(InventoryStore)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(T))
            .Select(p => (T)p.GetValue(store)!);

    private static async Task AddTableAsync(Dictionary<string, string> entries, TableClient table)
    {
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
            {
                entries[StorageSnapshot.Row(table, row.PartitionKey, row.RowKey)] = row.ETag.ToString();
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            entries[$"table {table.Name}"] = "absent";
        }
    }

    private static async Task AddContainerAsync(Dictionary<string, string> entries, BlobContainerClient container)
    {
        try
        {
            await foreach (var blob in container.GetBlobsAsync())
            {
                entries[$"blob {container.Name}/{blob.Name}"] = blob.Properties.ETag?.ToString() ?? "no etag";
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            entries[$"container {container.Name}"] = "absent";
        }
    }

    private static async Task AddQueueAsync(Dictionary<string, string> entries, QueueClient queue)
    {
        try
        {
            var count = (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
            entries[$"queue {queue.Name} (messages)"] = count.ToString(CultureInfo.InvariantCulture);
            foreach (var message in (await queue.PeekMessagesAsync(PeekLimit)).Value)
            {
                entries[$"queue {queue.Name}/{message.MessageId}"] = $"dequeued {message.DequeueCount}×";
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            entries[$"queue {queue.Name}"] = "absent";
        }
    }
}
