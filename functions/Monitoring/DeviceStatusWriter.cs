using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Monitoring;

/// <summary>
/// Writes a merge of an asset's summary row conditional on the ETag it was read with; when the merge flips the
/// asset offline or back online, the <c>itinventory.device.offline|online</c> event joins it in one batch (an outbox
/// row in the summary row's partition). Without a flip it is the one request it always was.
/// </summary>
public sealed class DeviceStatusWriter(InventoryStore store, Outbox outbox)
{
    /// <param name="wentOffline">true: the merge marks the asset offline; false: back online; null: no flip.</param>
    public async Task MergeAsync(
        TableEntity merge,
        AssetSummaryEntity summary,
        bool? wentOffline,
        CancellationToken cancellationToken
    )
    {
        if (wentOffline is not { } offline)
        {
            await store.Summaries.UpdateEntityAsync(merge, summary.ETag, TableUpdateMode.Merge, cancellationToken);
            return;
        }
        var entry = outbox
            .Entry()
            .Publish(
                offline ? EventTypes.DeviceOffline : EventTypes.DeviceOnline,
                AssetEvents.Subject(summary.RowKey),
                new DeviceStatusData(
                    summary.RowKey,
                    summary.LastSeenAt ?? summary.EnrolledAt,
                    string.IsNullOrEmpty(summary.Department) ? null : summary.Department
                ),
                ApiJsonContext.Default.DeviceStatusData
            );
        try
        {
            await store.Summaries.SubmitTransactionAsync(
                [
                    new(TableTransactionActionType.UpdateMerge, merge, summary.ETag),
                    await entry.StageAsync(store.Summaries, summary.PartitionKey, cancellationToken),
                ],
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            await entry.AbandonAsync(cancellationToken);
            throw;
        }
        await entry.CommittedAsync(cancellationToken);
    }
}
