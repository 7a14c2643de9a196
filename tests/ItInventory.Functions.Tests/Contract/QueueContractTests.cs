using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>The queue settings docs/storage.md relies on: the host and the app's queue clients agree on the message
/// encoding.</summary>
public sealed class QueueContractTests
{
    private static JsonNode Queues() =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("host.json")))!["extensions"]!["queues"]!;

    [Fact]
    public void Host_reads_queue_messages_in_the_encoding_the_app_writes_them()
    {
        var hostEncoding = Queues()["messageEncoding"]?.GetValue<string>();

        Assert.Equal("none", hostEncoding);
        Assert.Equal(QueueMessageEncoding.None, StorageServiceCollectionExtensions.QueueEncoding);
    }

    [Fact]
    public void Host_moves_a_message_to_the_poison_queue_after_five_deliveries()
    {
        Assert.Equal(5, Queues()["maxDequeueCount"]!.GetValue<int>());
        Assert.Equal("checkins-poison", new InventoryStorageOptions().CheckinPoisonQueue);
    }
}
