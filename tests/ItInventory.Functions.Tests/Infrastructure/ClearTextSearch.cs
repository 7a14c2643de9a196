using System.IO.Compression;
using System.Reflection;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Tests.Infrastructure;

public static class ClearTextSearch
{
    /// <summary>Searches every table row, blob (decompressed) and queue message of the app for the text, with and
    /// without the key's dashes.</summary>
    public static async Task AssertNowhereAsync(this TestApp app, string key)
    {
        var needles = new[] { key, key.Replace("-", "", StringComparison.Ordinal), key[..11] };
        var found = new List<string>();
        void Check(string where, string text)
        {
            if (needles.Any(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)))
                found.Add(where);
        }
        var store = app.Store;
        foreach (var property in typeof(InventoryStore).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            switch (property.GetValue(store))
            {
                case TableClient table:
                    try
                    {
                        await foreach (var row in table.QueryAsync<TableEntity>())
                        {
                            Check(
                                $"{table.Name}/{row.PartitionKey}/{row.RowKey}",
                                string.Join("\n", row.Select(kv => kv.Value?.ToString()))
                            );
                        }
                    }
                    catch (Azure.RequestFailedException ex) when (ex.Status == 404) { }
                    break;
                case BlobContainerClient container:
                    if (!await container.ExistsAsync())
                        break;
                    await foreach (var blob in container.GetBlobsAsync())
                    {
                        var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value;
                        var bytes = content.Content.ToArray();
                        if (content.Details.ContentEncoding == "gzip")
                        {
                            await using var inflater = new GZipStream(
                                new MemoryStream(bytes),
                                CompressionMode.Decompress
                            );
                            using var buffer = new MemoryStream();
                            await inflater.CopyToAsync(buffer);
                            bytes = buffer.ToArray();
                        }
                        Check($"{container.Name}/{blob.Name}", Encoding.UTF8.GetString(bytes));
                    }
                    break;
                case QueueClient queue:
                    if (!await queue.ExistsAsync())
                        break;
                    foreach (var message in (await queue.PeekMessagesAsync(32)).Value)
                        Check($"{queue.Name}/{message.MessageId}", message.Body.ToString());
                    break;
            }
        }
        Assert.True(found.Count == 0, "The licence key is stored in clear in: " + string.Join(", ", found));
    }
}
