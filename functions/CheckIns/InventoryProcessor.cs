using System.IO.Compression;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.CheckIns;

public enum ProcessingOutcome
{
    /// <summary>The inventory was applied (possibly with no change beyond its timestamps).</summary>
    Applied,

    /// <summary>This check-in had already been processed: nothing was written twice.</summary>
    Duplicate,

    /// <summary>A newer inventory of the asset had already been applied; this one was only marked processed.</summary>
    Stale,
}

/// <summary>Thrown for a check-in that can never be processed (missing blob or asset, corrupt payload): it goes to the
/// poison queue.</summary>
public sealed class CheckinProcessingException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The asynchronous half of a full inventory: loads the claim-checked blob, diffs it against the asset's stored
/// state and writes only what changed, in batch transactions within the asset's partition. The last batch inserts
/// the check-in's marker row, so a redelivered message fails that batch and changes nothing. The blob is never
/// deleted here: a message that ends in the poison queue can be replayed.
/// A check-in that changed the asset is audited (<see cref="CheckinAudit"/>) and announced
/// (<c>itinventory.asset.changed</c>) through the outbox: the entry rides on the marker itself (atomic with the change,
/// <see cref="Events.OutboxEntry.CarryIn"/>) and is delivered once the summary row is updated. The check-in message is
/// the entry's pending row: it is deleted only when processing ends, so a crash before the delivery leaves a message
/// whose redelivery finds the marker and delivers the entry again (records once, events with the same ids). Markers
/// written before the outbox carry the record's changes instead; a redelivery appends the record if still missing.
/// </summary>
public sealed class InventoryProcessor(
    InventoryStore store,
    Audit.AuditTrail audit,
    Events.Outbox outbox,
    IdentityClaims claims,
    SuspectedDuplicates duplicates,
    LinkedAssetService linkedAssets,
    IOptions<CheckinOptions> options,
    TimeProvider clock,
    ILogger<InventoryProcessor> logger
)
{
    /// <summary>Operations per batch transaction (the service's limit).</summary>
    public const int MaxBatchOperations = 100;

    /// <summary>The final batch also carries the marker (with the outbox entry), the detail merge and the history
    /// row.</summary>
    private const int FinalBatchOverhead = 3;

    public async Task<ProcessingOutcome> ProcessAsync(CheckinMessage message, CancellationToken cancellationToken)
    {
        var inventory = await LoadInventoryAsync(message, cancellationToken);
        var (detail, software) = await LoadAssetAsync(message.DeviceId, cancellationToken);
        var marker = new TableEntity(message.DeviceId, TableKeys.CheckinMarkerRow(message.CheckinId))
        {
            ["ProcessedAt"] = clock.GetUtcNow(),
            ["BlobName"] = message.BlobName,
        };

        if (detail.LastInventoryAt > message.ReceivedAt)
        {
            return await MarkStaleAsync(message, marker, cancellationToken);
        }

        // Monitors, peripherals and VMs with an identity are assets of their own: only a changed set of them costs
        // requests (LinkPlan compares with the host's stored lists).
        var plan = LinkPlan.Compute(detail, inventory);
        var (linkedIds, linkChange) = plan.HasWork
            ? await linkedAssets.ApplyAsync(detail, plan, message.CheckinId, message.ReceivedAt, cancellationToken)
            : (plan.Carried, null);
        var diff = InventoryDiff.Compute(detail, software, inventory, message, linkedIds);
        if (linkChange is not null)
            diff = diff with { Changes = diff.Changes with { Fields = [.. diff.Changes.Fields, linkChange] } };
        var auditChanges = diff.Changes.IsEmpty ? null : CheckinAudit.Changes(diff.Changes);
        var entry = auditChanges is null
            ? null
            : Events.AssetEvents.Stage(
                outbox.Entry(),
                CheckinAudit.Event(message.DeviceId, message.CheckinId, auditChanges),
                detail,
                auditChanges
            );
        if (await IndexIdentitiesAsync(message, detail, diff, cancellationToken) is { } suspected)
            entry = SuspectedDuplicates.Stage(entry ?? outbox.Entry(), suspected);
        await RecordNeighboursAsync(message, detail, diff, cancellationToken);

        var actions = diff.SoftwareActions;
        var finalCount = Math.Min(actions.Count, MaxBatchOperations - FinalBatchOverhead);
        foreach (var chunk in actions.Take(actions.Count - finalCount).Chunk(MaxBatchOperations))
        {
            await store.Assets.SubmitTransactionAsync(chunk, cancellationToken);
        }

        entry?.CarryIn(store.Assets, marker);
        var markerAction = new TableTransactionAction(TableTransactionActionType.Add, marker);
        var final = new List<TableTransactionAction>(finalCount + FinalBatchOverhead)
        {
            markerAction,
            // If-Match on the detail row read above: an edit made meanwhile (e.g. by an admin) is not overwritten;
            // the batch fails and the message is retried against the new state.
            new(TableTransactionActionType.UpdateMerge, diff.DetailMerge, detail.ETag),
        };
        if (!diff.Changes.IsEmpty)
        {
            final.Add(
                new(
                    TableTransactionActionType.Add,
                    AssetChanges.HistoryRow(
                        message.DeviceId,
                        message.ReceivedAt,
                        "checkin",
                        message.CheckinId,
                        diff.Changes.Describe(),
                        diff.Changes
                    )
                )
            );
        }
        final.AddRange(actions.Skip(actions.Count - finalCount));

        try
        {
            await store.Assets.SubmitTransactionAsync(final, cancellationToken);
        }
        catch (TableTransactionFailedException ex) when (ex.Status == 409 && ex.FailedTransactionActionIndex == 0)
        {
            logger.LogInformation(
                "Check-in {CheckinId} of {DeviceId} was already processed; nothing written",
                message.CheckinId,
                message.DeviceId
            );
            if (detail.LastInventoryCheckinId == message.CheckinId)
            {
                // The first delivery may have stopped before updating the summary row: finish that, idempotently.
                await UpdateSummaryAsync(message, diff, cancellationToken);
            }
            await CompleteAuditAsync(message, cancellationToken);
            return ProcessingOutcome.Duplicate;
        }

        await UpdateSummaryAsync(message, diff, cancellationToken);
        if (entry is not null)
            await entry.DeliverAsync(cancellationToken);
        logger.LogInformation(
            "Processed check-in {CheckinId} of {DeviceId}: {Changes}",
            message.CheckinId,
            message.DeviceId,
            diff.Changes.Describe()
        );
        return ProcessingOutcome.Applied;
    }

    private async Task<InventoryData> LoadInventoryAsync(CheckinMessage message, CancellationToken cancellationToken)
    {
        BinaryData content;
        try
        {
            content = (await store.Checkins.GetBlobClient(message.BlobName).DownloadContentAsync(cancellationToken))
                .Value
                .Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new CheckinProcessingException(
                $"The payload blob '{message.BlobName}' of check-in {message.CheckinId} does not exist.",
                ex
            );
        }

        byte[] json;
        try
        {
            await using var inflater = new GZipStream(content.ToStream(), CompressionMode.Decompress);
            using var buffer = new MemoryStream();
            await inflater.CopyToAsync(buffer, cancellationToken);
            if (buffer.Length > options.Value.MaxDecompressedBytes)
            {
                throw new CheckinProcessingException(
                    $"The payload of check-in {message.CheckinId} exceeds the decompressed size limit."
                );
            }
            json = buffer.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw new CheckinProcessingException($"The payload of check-in {message.CheckinId} is not valid gzip.", ex);
        }

        // Read exactly as at intake: the same cleaning, so the stored inventory is the one that was hashed.
        var parsed = CheckinValidator.Read(json);
        var problem = parsed.Problem;
        if (
            problem is not null
            || parsed.Value?.Request.Inventory is not { } inventory
            || parsed.Value.Request.DeviceId != message.DeviceId
        )
        {
            throw new CheckinProcessingException(
                $"The payload of check-in {message.CheckinId} is not a valid inventory of device {message.DeviceId}: "
                    + $"{problem?.Detail}"
            );
        }
        return inventory;
    }

    /// <summary>Reads the asset's detail row and all its software rows with one range query.</summary>
    private async Task<(AssetDetailEntity Detail, List<SoftwareEntity> Software)> LoadAssetAsync(
        string assetId,
        CancellationToken cancellationToken
    )
    {
        AssetDetailEntity? detail = null;
        var software = new List<SoftwareEntity>();
        var filter =
            TableClient.CreateQueryFilter($"PartitionKey eq {assetId} and RowKey ge {TableKeys.AssetRangeStart}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AssetRangeEnd}");
        await foreach (var row in store.Assets.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == TableKeys.AssetDetailRow)
                detail = TableEntityMapper.To<AssetDetailEntity>(row);
            else
                software.Add(TableEntityMapper.To<SoftwareEntity>(row));
        }
        return (detail ?? throw new CheckinProcessingException($"Asset {assetId} does not exist."), software);
    }

    /// <summary>A redelivered, already applied check-in: its marker carries the outbox entry, delivered again (the
    /// first delivery may have stopped before the end); a marker that predates the outbox carries the record's
    /// changes instead: append the record if the first delivery stopped before that.</summary>
    private async Task CompleteAuditAsync(CheckinMessage message, CancellationToken cancellationToken)
    {
        var key = CheckinAudit.Key(message.CheckinId);
        var marker = await store.Assets.GetEntityIfExistsAsync<TableEntity>(
            message.DeviceId,
            TableKeys.CheckinMarkerRow(message.CheckinId),
            [CheckinAudit.MarkerColumn, .. Events.OutboxKeys.CarriedColumns],
            cancellationToken
        );
        if (marker.OrNull() is { } carrying && carrying.GetString(Events.OutboxKeys.CarriedIdColumn) is { Length: > 0 })
        {
            await outbox.RedeliverCarriedAsync(
                store.Assets,
                message.DeviceId,
                TableKeys.CheckinMarkerRow(message.CheckinId),
                carrying,
                cancellationToken
            );
            return;
        }
        if (marker.OrNull()?.GetString(CheckinAudit.MarkerColumn) is not { Length: > 0 } json)
            return;
        if (await audit.IsAppendedAsync(CheckinAudit.Entity, message.DeviceId, key, cancellationToken))
            return;
        if (
            await audit.AppendOnceAsync(
                CheckinAudit.Event(message.DeviceId, message.CheckinId, CheckinAudit.Deserialize(json)),
                key,
                cancellationToken
            )
            is not null
        )
        {
            logger.LogWarning(
                "Appended the missing audit record of check-in {CheckinId} of {DeviceId} on redelivery",
                message.CheckinId,
                message.DeviceId
            );
        }
    }

    private async Task<ProcessingOutcome> MarkStaleAsync(
        CheckinMessage message,
        TableEntity marker,
        CancellationToken cancellationToken
    )
    {
        try
        {
            await store.Assets.AddEntityAsync(marker, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Applied by an earlier delivery before a newer inventory came in: its audit record may still be missing.
            await CompleteAuditAsync(message, cancellationToken);
            return ProcessingOutcome.Duplicate;
        }
        logger.LogWarning(
            "Check-in {CheckinId} of {DeviceId} is older than the inventory already applied; skipped",
            message.CheckinId,
            message.DeviceId
        );
        return ProcessingOutcome.Stale;
    }

    /// <summary>
    /// Adds index rows for identities not yet indexed. An insert, so it never takes over an identity another asset
    /// holds: a strong one (serial, UUID, platform identity) held elsewhere marks this asset as a suspected duplicate
    /// for review (its <c>SuspectedDuplicateOf</c> rides on this check-in's detail merge, and its audit record on the
    /// final batch's outbox entry: the record is answered for the caller to stage; a history row and a finding, each
    /// idempotent per check-in, are written first, so a redelivery records it once). A MAC held elsewhere is only
    /// logged: docks and dongles move between machines.
    /// </summary>
    private async Task<SuspectedDuplicate?> IndexIdentitiesAsync(
        CheckinMessage message,
        AssetDetailEntity detail,
        InventoryDiffResult diff,
        CancellationToken cancellationToken
    )
    {
        var conflicts = (await claims.ClaimAsync(message.DeviceId, diff.NewIdentityKeys, cancellationToken))
            .Where(c => c.Identity.IsStrong)
            .ToList();
        if (conflicts.Count == 0)
            return null;
        var record = new SuspectedDuplicate(
            message.DeviceId,
            detail.Hostname,
            detail.Department,
            detail.SuspectedDuplicateOf?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            conflicts.Select(c => c.HolderAssetId).ToList(),
            conflicts
                .Select(c => $"{c.Identity.Label} reported by this asset is held by asset {c.HolderAssetId}")
                .ToList(),
            "checkin",
            message.CheckinId
        );
        diff.DetailMerge[nameof(AssetDetailEntity.SuspectedDuplicateOf)] = string.Join(',', record.After);
        var history = AssetChanges.HistoryRow(
            message.DeviceId,
            message.ReceivedAt,
            "checkin",
            message.CheckinId,
            SuspectedDuplicate.Clip(
                $"Kept apart as a suspected duplicate of {string.Join(", ", record.Others)}: {record.ReasonText}; "
                    + "the identities stay with their assets, awaiting review."
            ),
            null
        );
        history.RowKey = TableKeys.HistoryRow(message.ReceivedAt, message.CheckinId + "-duplicate");
        try
        {
            await store.Assets.AddEntityAsync(history, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409) { }
        await duplicates.RaiseAsync(record, cancellationToken);
        return record;
    }

    /// <summary>LAN neighbours that match no known asset become sightings. Refreshed when the neighbour set changes or
    /// daily.</summary>
    private async Task RecordNeighboursAsync(
        CheckinMessage message,
        AssetDetailEntity detail,
        InventoryDiffResult diff,
        CancellationToken cancellationToken
    )
    {
        var due =
            diff.NeighboursChanged
            || detail.NeighboursRefreshedAt is null
            || message.ReceivedAt - detail.NeighboursRefreshedAt >= options.Value.NeighbourRefreshInterval;
        if (!due || diff.Neighbours.Count == 0)
            return;

        foreach (var neighbour in diff.Neighbours)
        {
            var known = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                new IdentityKey(IdentityKind.Mac, neighbour.MacAddress).Key,
                TableKeys.IdentityRow,
                [nameof(AssetIdentityEntity.AssetId)],
                cancellationToken
            );
            if (known.HasValue)
                continue;
            try
            {
                // A known sighting (the common case) is one merge; a new one is found by the 404 and inserted.
                await store.Sightings.UpdateEntityAsync(
                    new TableEntity(neighbour.MacAddress, TableKeys.SightingRow)
                    {
                        [nameof(SightingEntity.LastIpAddress)] = neighbour.IpAddress,
                        [nameof(SightingEntity.LastSeenAt)] = message.ReceivedAt,
                        [nameof(SightingEntity.LastSeenBy)] = message.DeviceId,
                    },
                    ETag.All,
                    TableUpdateMode.Merge,
                    cancellationToken
                );
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                await store.Sightings.UpsertEntityAsync(
                    new SightingEntity
                    {
                        PartitionKey = neighbour.MacAddress,
                        LastIpAddress = neighbour.IpAddress,
                        FirstSeenAt = message.ReceivedAt,
                        LastSeenAt = message.ReceivedAt,
                        FirstSeenBy = message.DeviceId,
                        LastSeenBy = message.DeviceId,
                    },
                    TableUpdateMode.Merge,
                    cancellationToken
                );
            }
        }
        diff.DetailMerge[nameof(AssetDetailEntity.NeighboursRefreshedAt)] = message.ReceivedAt;
    }

    private Task UpdateSummaryAsync(
        CheckinMessage message,
        InventoryDiffResult diff,
        CancellationToken cancellationToken
    )
    {
        var merge = new TableEntity(TableKeys.SummaryPartition(message.DeviceId), message.DeviceId)
        {
            [nameof(AssetSummaryEntity.InventoryHash)] = message.InventoryHash,
            [nameof(AssetSummaryEntity.LastInventoryAt)] = message.ReceivedAt,
            [nameof(AssetSummaryEntity.FullInventoryRequested)] = false,
            [nameof(AssetSummaryEntity.SoftwareCount)] = diff.InstalledSoftwareCount,
        };
        foreach (var field in new[] { nameof(AssetDetailEntity.Type), nameof(AssetDetailEntity.Kind) })
        {
            if (diff.DetailMerge.TryGetValue(field, out var value))
                merge[field] = value;
        }
        if (diff.DetailMerge.TryGetValue(nameof(AssetDetailEntity.Hostname), out var hostname))
            merge[nameof(AssetSummaryEntity.Name)] = hostname;
        // The audits' duplicate-identity rule reads the identities from the summary row (AssetSummaries.ScanFacts).
        foreach (var field in AssetSummaries.ScanFacts)
        {
            if (diff.DetailMerge.TryGetValue(field, out var value))
                merge[field] = value ?? "";
        }
        return store.Summaries.UpdateEntityAsync(merge, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }
}
