using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Bench;

/// <summary>A failed benchmark operation: the bench stops rather than report figures of a broken run.</summary>
public sealed class BenchException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>One way of executing the check-in path against an app's storage.</summary>
public interface ICheckinPath
{
    /// <summary><c>ours</c> (the service code) or <c>raw</c> (the bare SDK requests it sends).</summary>
    string Name { get; }

    Task HeartbeatAsync(BenchDevice device, CancellationToken cancellationToken);

    /// <summary>The HTTP half of a full inventory (the device's next variant): ends with a message on the check-in
    /// queue.</summary>
    Task InventoryIntakeAsync(BenchDevice device, CancellationToken cancellationToken);

    /// <summary>The queue half: what the queue trigger runs for a message received from the real queue.</summary>
    Task ProcessAsync(QueueMessage message, CheckinMessage checkin, CancellationToken cancellationToken);
}

/// <summary>The production code path: the function classes, invoked as the Functions worker invokes them.</summary>
public sealed class ServicePath(BenchApp app) : ICheckinPath
{
    public string Name => "ours";

    public async Task HeartbeatAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        var answer = await app.PostCheckinAsync(
            device.HeartbeatJson,
            device.Authorization,
            gzip: false,
            cancellationToken
        );
        Expect(answer, 200, "heartbeat", device);
    }

    public async Task InventoryIntakeAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        var answer = await app.PostCheckinAsync(
            device.NextInventoryGzip(),
            device.Authorization,
            gzip: true,
            cancellationToken
        );
        Expect(answer, 202, "full inventory", device);
        if (device.InventoryHash is null)
        {
            device.InventoryHash = JsonDocument.Parse(answer.Body).RootElement.GetProperty("inventoryHash").GetString();
            device.RefreshHeartbeat();
        }
    }

    public Task ProcessAsync(QueueMessage message, CheckinMessage checkin, CancellationToken cancellationToken) =>
        app.InvokeCheckinsAsync(functions => functions.ProcessCheckin(message, cancellationToken));

    internal static void Expect(HttpAnswer answer, int status, string what, BenchDevice device)
    {
        if (answer.Status != status)
        {
            throw new BenchException(
                $"{what} of device {device.DeviceId}: HTTP {answer.Status} (expected {status}): {answer.Body}"
            );
        }
    }
}

/// <summary>
/// The ceiling: the very requests the service path sends, with entities of the same shapes and sizes, through the
/// app's own SDK clients (same pipelines), and nothing else — no JSON parsing, hashing, diffing or mapping.
/// </summary>
public sealed class RawPath(BenchApp app) : ICheckinPath
{
    private readonly InventoryStore store = app.Store;
    private readonly AuditTrail audit = app.Services.GetRequiredService<AuditTrail>();

    public string Name => "raw";

    /// <summary>GetEntity of the summary row, then a merge conditional on its ETag with the heartbeat's
    /// fields.</summary>
    public async Task HeartbeatAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        var summary = (
            await store.Summaries.GetEntityAsync<TableEntity>(
                device.SummaryPartition,
                device.DeviceId,
                cancellationToken: cancellationToken
            )
        ).Value;
        var now = DateTimeOffset.UtcNow;
        var merge = new TableEntity(device.SummaryPartition, device.DeviceId)
        {
            [nameof(AssetSummaryEntity.LastSeenAt)] = now,
            [nameof(AssetSummaryEntity.LastHeartbeatAt)] = now,
            [nameof(AssetSummaryEntity.CpuAveragePercent)] = 12.5,
            [nameof(AssetSummaryEntity.MemoryUsedPercent)] = 61.2,
            [nameof(AssetSummaryEntity.DiskUsedPercent)] = 48.0,
            [nameof(AssetSummaryEntity.UptimeSeconds)] = 86400L,
            [nameof(AssetSummaryEntity.LastInteractiveLogonAt)] = new DateTimeOffset(
                2026,
                11,
                2,
                8,
                12,
                0,
                TimeSpan.Zero
            ),
            [nameof(AssetSummaryEntity.IpAddresses)] = "192.168.1.23,fe80::1",
            [nameof(AssetSummaryEntity.AgentVersion)] = "1.0.0",
            [nameof(AssetSummaryEntity.UtilisationDay)] = now.UtcDateTime.ToString(
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture
            ),
            [nameof(AssetSummaryEntity.UtilisationDaySamples)] =
                (summary.GetInt32(nameof(AssetSummaryEntity.UtilisationDaySamples)) ?? 0) + 1,
            [nameof(AssetSummaryEntity.UtilisationDayCpuSum)] =
                (summary.GetDouble(nameof(AssetSummaryEntity.UtilisationDayCpuSum)) ?? 0) + 12.5,
            [nameof(AssetSummaryEntity.UtilisationDayInteractiveMinutes)] =
                (summary.GetInt32(nameof(AssetSummaryEntity.UtilisationDayInteractiveMinutes)) ?? 0) + 30,
            [nameof(AssetSummaryEntity.BelowThresholdSince)] = "",
        };
        await store.Summaries.UpdateEntityAsync(merge, summary.ETag, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>GetEntity of the summary row; blob upload (If-None-Match *, same headers and metadata); queue send;
    /// merge of last-seen.</summary>
    public async Task InventoryIntakeAsync(BenchDevice device, CancellationToken cancellationToken)
    {
        _ = (
            await store.Summaries.GetEntityAsync<TableEntity>(
                device.SummaryPartition,
                device.DeviceId,
                cancellationToken: cancellationToken
            )
        ).Value;
        var now = DateTimeOffset.UtcNow;
        var hash = device.InventoryHash
            ?? throw new BenchException($"Device {device.DeviceId} has no inventory hash; set it up first.");
        var checkinId = TableKeys.NewCheckinId(now);
        var blobName = InventoryIntakeService.BlobName(now, device.DeviceId, checkinId);
        await store
            .Checkins.GetBlobClient(blobName)
            .UploadAsync(
                BinaryData.FromBytes(device.NextInventoryGzip()),
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json", ContentEncoding = "gzip" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = new Dictionary<string, string>
                    {
                        ["deviceId"] = device.DeviceId,
                        ["checkinId"] = checkinId,
                        ["inventoryHash"] = hash,
                    },
                },
                cancellationToken
            );
        var message = new CheckinMessage
        {
            CheckinId = checkinId,
            DeviceId = device.DeviceId,
            BlobName = blobName,
            ReceivedAt = now,
            InventoryHash = hash,
        };
        await store.CheckinQueue.SendMessageAsync(
            JsonSerializer.Serialize(message, ApiJsonContext.Default.CheckinMessage),
            cancellationToken
        );
        await store.Summaries.UpdateEntityAsync(
            new TableEntity(device.SummaryPartition, device.DeviceId) { [nameof(AssetSummaryEntity.LastSeenAt)] = now },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken
        );
    }

    /// <summary>
    /// Blob download; the range query of the detail row and all software rows; one batch of marker insert, detail
    /// merge (If-Match), history insert and <see cref="BenchDevice.ChangedPackages"/> software merges; summary merge;
    /// the check-in's audit record (through <see cref="AuditTrail"/>, whose only work besides its requests is one
    /// SHA-256 of a small record and the lane's ETag retry) and its <c>asset.changed</c> event on the events queue. The
    /// marker carries the entry (audit record and event) as the processor's does.
    /// </summary>
    public async Task ProcessAsync(QueueMessage message, CheckinMessage checkin, CancellationToken cancellationToken)
    {
        _ = (await store.Checkins.GetBlobClient(checkin.BlobName).DownloadContentAsync(cancellationToken))
            .Value
            .Content;

        var filter =
            TableClient.CreateQueryFilter(
                $"PartitionKey eq {checkin.DeviceId} and RowKey ge {TableKeys.AssetRangeStart}"
            )
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {TableKeys.AssetRangeEnd}");
        var detailETag = default(ETag);
        var changed = new List<TableEntity>(BenchDevice.ChangedPackages);
        var softwareCount = 0;
        await foreach (var row in store.Assets.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == TableKeys.AssetDetailRow)
                detailETag = row.ETag;
            else if (changed.Count < BenchDevice.ChangedPackages)
                changed.Add(row);
            softwareCount += row.RowKey == TableKeys.AssetDetailRow ? 0 : 1;
        }

        var updates = new List<string>(changed.Count);
        var actions = new List<TableTransactionAction>(changed.Count + 3)
        {
            new(
                TableTransactionActionType.Add,
                new TableEntity(checkin.DeviceId, TableKeys.CheckinMarkerRow(checkin.CheckinId))
                {
                    ["ProcessedAt"] = DateTimeOffset.UtcNow,
                    ["BlobName"] = checkin.BlobName,
                }
            ),
            new(
                TableTransactionActionType.UpdateMerge,
                new TableEntity(checkin.DeviceId, TableKeys.AssetDetailRow)
                {
                    [nameof(AssetDetailEntity.InventoryHash)] = checkin.InventoryHash,
                    [nameof(AssetDetailEntity.LastInventoryAt)] = checkin.ReceivedAt,
                    [nameof(AssetDetailEntity.LastInventoryCheckinId)] = checkin.CheckinId,
                    [nameof(AssetDetailEntity.SoftwareCount)] = softwareCount,
                },
                detailETag
            ),
        };
        foreach (var row in changed)
        {
            var version = row.GetString(nameof(SoftwareEntity.Version)) ?? "";
            var next = version.EndsWith("+upd1", StringComparison.Ordinal) ? version[..^5] : version + "+upd1";
            updates.Add($"{row.GetString(nameof(SoftwareEntity.Name))} {version} → {next}");
            actions.Add(
                new(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(checkin.DeviceId, row.RowKey)
                    {
                        [nameof(SoftwareEntity.Version)] = next,
                        [nameof(SoftwareEntity.Publisher)] = row.GetString(nameof(SoftwareEntity.Publisher)) ?? "",
                        [nameof(SoftwareEntity.InstalledOn)] = row.GetString(nameof(SoftwareEntity.InstalledOn)) ?? "",
                        [nameof(SoftwareEntity.LastChangeCheckinId)] = checkin.CheckinId,
                    },
                    ETag.All
                )
            );
        }
        // The history row: same entity type and JSON column as the processor writes for "N software updated".
        var changes = new AssetChanges { SoftwareUpdatedCount = updates.Count, SoftwareUpdated = updates };
        var auditChanges = CheckinAudit.Changes(changes);
        var changesJson = CheckinAudit.Serialize(auditChanges);
        var eventJson = string.Concat(
            "{\"specversion\":\"1.0\",\"id\":\"",
            checkin.CheckinId,
            ".0\",\"type\":\"itinventory.asset.changed\",\"source\":\"/itinventory\",\"subject\":\"assets/",
            checkin.DeviceId,
            "\",\"datacontenttype\":\"application/json\",\"data\":{\"changes\":",
            changesJson,
            "}}"
        );
        var marker = (TableEntity)actions[0].Entity;
        marker["OutboxId"] = checkin.CheckinId;
        marker["Payload"] = string.Concat(
            "{\"audits\":[{\"changes\":",
            changesJson,
            "}],\"events\":[",
            eventJson,
            "]}"
        );
        actions.Insert(
            2,
            new(
                TableTransactionActionType.Add,
                AssetChanges.HistoryRow(
                    checkin.DeviceId,
                    checkin.ReceivedAt,
                    "checkin",
                    checkin.CheckinId,
                    changes.Describe(),
                    changes
                )
            )
        );
        await store.Assets.SubmitTransactionAsync(actions, cancellationToken);

        await store.Summaries.UpdateEntityAsync(
            new TableEntity(TableKeys.SummaryPartition(checkin.DeviceId), checkin.DeviceId)
            {
                [nameof(AssetSummaryEntity.InventoryHash)] = checkin.InventoryHash,
                [nameof(AssetSummaryEntity.LastInventoryAt)] = checkin.ReceivedAt,
                [nameof(AssetSummaryEntity.FullInventoryRequested)] = false,
                [nameof(AssetSummaryEntity.SoftwareCount)] = softwareCount,
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken
        );

        await audit.AppendOnceAsync(
            CheckinAudit.Event(checkin.DeviceId, checkin.CheckinId, auditChanges),
            CheckinAudit.Key(checkin.CheckinId),
            cancellationToken
        );
        await store.EventsQueue.SendMessageAsync(
            BinaryData.FromString(eventJson),
            cancellationToken: cancellationToken
        );
    }
}
