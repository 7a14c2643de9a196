using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.CheckIns;

/// <summary>
/// The synchronous half of a full inventory. An inventory whose hash equals the last processed one stops here
/// (one merge of last-seen). Anything else is stored gzip-compressed in Blob Storage and announced with a small
/// claim-check message on the check-in queue; the queue-triggered <see cref="InventoryProcessor"/> does the rest.
/// </summary>
public sealed class InventoryIntakeService(
    InventoryStore store,
    IOptions<CheckinOptions> options,
    TimeProvider clock,
    ILogger<InventoryIntakeService> logger
)
{
    public async Task<CheckinResponse> AcceptAsync(
        AssetSummaryEntity summary,
        ReceivedCheckin checkin,
        CancellationToken cancellationToken
    )
    {
        var inventory = checkin.Request.Inventory!;
        var now = clock.GetUtcNow();
        var deviceId = summary.RowKey;
        var hash = InventoryHasher.Hash(inventory);

        if (hash == summary.InventoryHash && !summary.FullInventoryRequested)
        {
            var credential = await TouchAsync(summary, now, cancellationToken);
            logger.LogInformation("Unchanged full inventory from {DeviceId}", deviceId);
            return Response(summary, "unchanged", null, hash, credential);
        }

        var payload = checkin.Payload
            ?? new JsonPayload(
                JsonSerializer.SerializeToUtf8Bytes(checkin.Request, ApiJsonContext.Default.CheckinRequest),
                null
            );
        var checkinId = TableKeys.NewCheckinId(now);
        var blobName = BlobName(now, deviceId, checkinId);
        await store
            .Checkins.GetBlobClient(blobName)
            .UploadAsync(
                BinaryData.FromBytes(payload.Gzip ?? Compress(payload.Json.Span)),
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json", ContentEncoding = "gzip" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = new Dictionary<string, string>
                    {
                        ["deviceId"] = deviceId,
                        ["checkinId"] = checkinId,
                        ["inventoryHash"] = hash,
                    },
                },
                cancellationToken
            );

        var message = new CheckinMessage
        {
            CheckinId = checkinId,
            DeviceId = deviceId,
            BlobName = blobName,
            ReceivedAt = now,
            InventoryHash = hash,
        };
        await store.CheckinQueue.SendMessageAsync(
            JsonSerializer.Serialize(message, ApiJsonContext.Default.CheckinMessage),
            cancellationToken
        );
        var rotated = await TouchAsync(summary, now, cancellationToken);

        logger.LogInformation(
            "Queued full inventory {CheckinId} from {DeviceId} ({Bytes} bytes)",
            checkinId,
            deviceId,
            payload.Json.Length
        );
        return Response(summary, "queued", checkinId, hash, rotated);
    }

    /// <summary>Records last-seen with one merge; when a credential rotation is due, the new secret's hash rides on it,
    /// conditional on the row read at authentication (if the row moved on meanwhile, the next check-in delivers
    /// one).</summary>
    private async Task<RotatedCredential?> TouchAsync(
        AssetSummaryEntity summary,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var lastSeen = new TableEntity(summary.PartitionKey, summary.RowKey)
        {
            [nameof(AssetSummaryEntity.LastSeenAt)] = now,
        };
        // The authenticator appended the audit record of a credential switch: this write clears its flag.
        if (summary.CredentialRotationAuditPending)
            lastSeen[nameof(AssetSummaryEntity.CredentialRotationAuditPending)] = false;
        if (Devices.CredentialRotation.IssueIfRequested(summary) is { } issued)
        {
            lastSeen[nameof(AssetSummaryEntity.PendingCredentialHash)] = issued.Hash;
            try
            {
                await store.Summaries.UpdateEntityAsync(
                    lastSeen,
                    summary.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken
                );
                return issued.ToResponse(summary.RowKey);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                logger.LogDebug(
                    "Summary of {DeviceId} changed meanwhile; the rotated credential waits for the next check-in",
                    summary.RowKey
                );
                lastSeen.Remove(nameof(AssetSummaryEntity.PendingCredentialHash));
            }
        }
        await store.Summaries.UpdateEntityAsync(lastSeen, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return null;
    }

    /// <summary><c>{yyyy}/{MM}/{dd}/{deviceId}/{checkinId}.json.gz</c> in the check-ins container.</summary>
    public static string BlobName(DateTimeOffset receivedAt, string deviceId, string checkinId) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{receivedAt.UtcDateTime:yyyy'/'MM'/'dd}/{deviceId}/{checkinId}.json.gz"
        );

    private CheckinResponse Response(
        AssetSummaryEntity summary,
        string status,
        string? checkinId,
        string hash,
        RotatedCredential? credential
    ) =>
        new()
        {
            DeviceId = summary.RowKey,
            Status = status,
            CheckinId = checkinId,
            NextCheckinSeconds = summary.ExpectedIntervalSeconds ?? options.Value.HeartbeatIntervalSeconds,
            FullInventoryRequested = false,
            InventoryHash = hash,
            Credential = credential,
        };

    private static byte[] Compress(ReadOnlySpan<byte> json)
    {
        using var output = new MemoryStream(json.Length / 8 + 64);
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }
        return output.ToArray();
    }
}
