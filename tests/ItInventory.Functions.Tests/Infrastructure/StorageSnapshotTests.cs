using Azure;
using Azure.Data.Tables;
using Xunit.Sdk;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>The "wrote nothing" assertion sees writes that leave every count as it was.</summary>
public sealed class StorageSnapshotTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task An_unchanged_store_passes()
    {
        await app.Store.People.AddEntityAsync(new TableEntity("p", "r") { ["Name"] = "Ann" });
        var before = await app.SnapshotAsync();

        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task A_row_updated_in_place_is_a_change_although_the_row_count_is_the_same()
    {
        await app.Store.People.AddEntityAsync(new TableEntity("p", "r") { ["Name"] = "Ann" });
        var before = await app.SnapshotAsync();

        await app.Store.People.UpdateEntityAsync(new TableEntity("p", "r") { ["Name"] = "Bob" }, ETag.All);

        var changes = (await app.SnapshotAsync()).ChangesSince(before);
        Assert.StartsWith("changed  " + StorageSnapshot.Row(app.Store.People, "p", "r"), Assert.Single(changes));
        var failure = await Assert.ThrowsAnyAsync<XunitException>(() => app.AssertUnchangedSinceAsync(before));
        Assert.Contains(StorageSnapshot.Row(app.Store.People, "p", "r"), failure.Message);
        await app.AssertUnchangedSinceAsync(before, StorageSnapshot.Row(app.Store.People, "p", "r"));
    }

    [Fact]
    public async Task A_row_replaced_by_another_is_two_changes()
    {
        await app.Store.Tags.AddEntityAsync(new TableEntity("p", "old"));
        var before = await app.SnapshotAsync();

        await app.Store.Tags.DeleteEntityAsync("p", "old");
        await app.Store.Tags.AddEntityAsync(new TableEntity("p", "new"));

        var changes = (await app.SnapshotAsync()).ChangesSince(before);
        Assert.Equal(2, changes.Count);
        Assert.Contains(changes, c =>
            c.StartsWith("added    " + StorageSnapshot.Row(app.Store.Tags, "p", "new"), StringComparison.Ordinal)
        );
        Assert.Contains(changes, c =>
            c.StartsWith("removed  " + StorageSnapshot.Row(app.Store.Tags, "p", "old"), StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task A_rewritten_blob_and_a_queued_message_are_changes_in_any_container_and_queue()
    {
        var certificate = app.Store.Certificates.GetBlobClient("asset-1.html");
        await certificate.UploadAsync(BinaryData.FromString("<p>first</p>"));
        var before = await app.SnapshotAsync();

        await certificate.UploadAsync(BinaryData.FromString("<p>again</p>"), overwrite: true);
        await app.Store.CheckinPoisonQueue.SendMessageAsync("poisoned");

        var changes = (await app.SnapshotAsync()).ChangesSince(before);
        Assert.Contains(changes, c =>
            c.StartsWith($"changed  blob {app.Store.Certificates.Name}/asset-1.html", StringComparison.Ordinal)
        );
        Assert.Contains(changes, c =>
            c.StartsWith($"changed  queue {app.Store.CheckinPoisonQueue.Name} (messages)", StringComparison.Ordinal)
        );
        Assert.Contains(changes, c =>
            c.StartsWith($"added    queue {app.Store.CheckinPoisonQueue.Name}/", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task An_item_expected_to_be_updated_may_not_disappear()
    {
        await app.Store.People.AddEntityAsync(new TableEntity("p", "r"));
        var before = await app.SnapshotAsync();

        await app.Store.People.DeleteEntityAsync("p", "r");

        await Assert.ThrowsAnyAsync<XunitException>(() =>
            app.AssertUnchangedSinceAsync(before, StorageSnapshot.Row(app.Store.People, "p", "r"))
        );
    }
}
