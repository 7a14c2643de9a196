using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Devices;

/// <summary>
/// Enrollment: an enrollment secret plus a hardware identity buys a per-device credential. A machine already in the
/// inventory (found through the identity index) keeps its asset; an unknown one becomes a <c>Discovered</c> asset
/// flagged for review.
/// </summary>
public sealed class EnrollmentService(
    InventoryStore store,
    AssetRegistry registry,
    EnrollmentSecretStore secrets,
    Events.Outbox outbox,
    Tags.AssetTagService tags,
    Monitoring.OfflineIndex offlineIndex,
    IOptions<CheckinOptions> checkinOptions,
    TimeProvider clock,
    ILogger<EnrollmentService> logger
)
{
    public async Task<Outcome<EnrollmentResponse>> EnrollAsync(
        EnrollmentRequest request,
        CancellationToken cancellationToken
    )
    {
        if (Validate(request) is { } invalid)
            return invalid;
        var grant = await secrets.VerifyAsync(request.EnrollmentSecret!, cancellationToken);
        if (grant is null)
        {
            logger.LogWarning("Enrollment refused: unknown, expired or revoked enrollment secret");
            return Problem.DeviceUnauthorized("The enrollment secret is not valid (unknown, expired or revoked).");
        }

        var identity = HardwareIdentity.Normalise(
            request.SerialNumber,
            request.SmbiosUuid,
            request.MacAddresses,
            request.Hostname
        );
        if (identity.IsEmpty)
        {
            return Problem.BadRequest(
                "No usable hardware identity: send a real serial number, SMBIOS UUID or a "
                    + "globally unique MAC address."
            );
        }

        var now = clock.GetUtcNow();
        var secret = DeviceSecrets.NewSecret();
        var existingId = await FindAssetAsync(identity, cancellationToken);
        if (existingId is null)
        {
            var created = await TryCreateAsync(request, identity, grant, secret, now, cancellationToken);
            if (created is { } done)
                return done;
            // Another enrollment of the same machine won the race for an identity row: join its asset.
            existingId = await FindAssetAsync(identity, cancellationToken);
            if (existingId is null)
                return Problem.Conflict("The device is being enrolled concurrently; retry.");
        }
        return await ReEnrollAsync(existingId, identity, grant, secret, now, cancellationToken);
    }

    private async Task<string?> FindAssetAsync(HardwareIdentity identity, CancellationToken cancellationToken)
    {
        foreach (var key in identity.Keys)
        {
            var row = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                key.Key,
                TableKeys.IdentityRow,
                cancellationToken: cancellationToken
            );
            if (row.HasValue && row.Value is { } hit)
                return hit.AssetId;
        }
        return null;
    }

    /// <summary>
    /// Creates the asset, then claims its identities in the index (most trusted first). The asset exists before any
    /// identity points at it, so a concurrent enrollment that finds the identity also finds the asset. An enrollment
    /// that loses the race for an identity removes what it wrote and returns null: the caller joins the winner.
    /// </summary>
    private async Task<Outcome<EnrollmentResponse>?> TryCreateAsync(
        EnrollmentRequest request,
        HardwareIdentity identity,
        EnrollmentGrant grant,
        string secret,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var assetId = TableKeys.NewAssetId();
        var type =
            request.Type is not null && AssetTypes.TryParse(request.Type, out var parsed) ? parsed : AssetType.Unknown;
        var detail = new AssetDetailEntity
        {
            PartitionKey = assetId,
            Kind = AssetTypes.KindOf(type).ToString(),
            Type = type.ToString(),
            State = nameof(LifecycleState.Discovered),
            Source = "enrollment",
            CreatedAt = now,
            Hostname = identity.Hostname,
            SerialNumber = identity.SerialNumber,
            SmbiosUuid = identity.SmbiosUuid,
            MacAddresses = string.Join(',', identity.MacAddresses),
            Manufacturer = request.Manufacturer,
            Model = request.Model,
            Department = grant.DefaultDepartment,
            Category = grant.DefaultCategory,
            Location = grant.DefaultLocation,
        };
        var history = AssetChanges.HistoryRow(
            assetId,
            now,
            "enrollment",
            null,
            $"Enrolled as a new {detail.Type} asset (secret: {grant.Source}); awaiting review.",
            null
        );
        var summary = AssetSummaries.FromDetail(
            detail,
            new EnrollmentFacts(DeviceSecrets.Hash(secret), now, request.Agent?.Version)
        );
        // The enroll record and the discovered event commit with the asset (outbox row in its first batch).
        var enrolled = new Audit.AuditEvent(
            Audit.AuditActor.Device(assetId),
            "asset",
            assetId,
            "enroll",
            [
                new(nameof(AssetDetailEntity.State), null, detail.State),
                new(nameof(AssetDetailEntity.SerialNumber), null, detail.SerialNumber),
                new(nameof(AssetDetailEntity.SmbiosUuid), null, detail.SmbiosUuid),
                new(nameof(AssetDetailEntity.MacAddresses), null, detail.MacAddresses),
                new(nameof(AssetDetailEntity.Hostname), null, detail.Hostname),
                new(nameof(AssetDetailEntity.Department), null, detail.Department),
                new(nameof(AssetDetailEntity.Category), null, detail.Category),
                new(nameof(AssetDetailEntity.Location), null, detail.Location),
            ],
            null
        );
        var (_, lost) = await registry.CreateAsync(
            detail,
            history,
            summary,
            identity.Keys.Select(k => k.Key),
            now,
            cancellationToken,
            Events.AssetEvents.Discovered(outbox.Entry(), enrolled, detail.State, detail.Department)
        );
        if (lost is not null)
        {
            logger.LogInformation(
                "Enrollment of {Hostname} lost the race for {IdentityKey}; joining the existing asset",
                identity.Hostname,
                lost
            );
            return null;
        }

        if (grant.AllocateTag)
        {
            await tags.AssignAsync(assetId, Audit.AuditActor.System("enrollment"), null, cancellationToken);
        }
        // Offline monitoring starts here: the first due time; the offline scan maintains the row from then on.
        await offlineIndex.ScheduleAsync(assetId, now + offlineIndex.Window(summary), cancellationToken);
        logger.LogInformation(
            "Enrolled new device {DeviceId} ({Hostname}); flagged for review",
            assetId,
            identity.Hostname
        );
        return Response(assetId, secret, "created", detail.State, needsReview: true);
    }

    private async Task<Outcome<EnrollmentResponse>> ReEnrollAsync(
        string assetId,
        HardwareIdentity identity,
        EnrollmentGrant grant,
        string secret,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var row = await store.Summaries.GetEntityIfExistsAsync<AssetSummaryEntity>(
            TableKeys.SummaryPartition(assetId),
            assetId,
            cancellationToken: cancellationToken
        );
        if (!row.HasValue || row.Value is not { } summary)
        {
            return Problem.Conflict(
                "The hardware identity points at an asset that no longer exists; ask an administrator."
            );
        }
        if (
            summary.EnrollmentBlocked
            || summary.State
                is nameof(LifecycleState.Retired)
                    or nameof(LifecycleState.Disposed)
                    or nameof(LifecycleState.Rejected)
        )
        {
            logger.LogWarning("Enrollment refused for {DeviceId}: asset is {State} or blocked", assetId, summary.State);
            return Problem.Forbidden(
                $"This machine is registered as asset {assetId} in state {summary.State} and may not enroll."
            );
        }

        foreach (var key in identity.Keys)
        {
            // New identities of a known machine (e.g. a replaced NIC) join the index; existing rows stay as they are.
            try
            {
                await store.Identities.AddEntityAsync(
                    new AssetIdentityEntity
                    {
                        PartitionKey = key.Key,
                        AssetId = assetId,
                        CreatedAt = now,
                    },
                    cancellationToken
                );
            }
            catch (RequestFailedException ex) when (ex.Status == 409) { }
        }

        await store.Summaries.UpdateEntityAsync(
            new TableEntity(summary.PartitionKey, summary.RowKey)
            {
                [nameof(AssetSummaryEntity.CredentialHash)] = DeviceSecrets.Hash(secret),
                [nameof(AssetSummaryEntity.CredentialIssuedAt)] = now,
                [nameof(AssetSummaryEntity.CredentialRevoked)] = false,
                // A new credential supersedes any rotation under way: its pending secret must not work.
                [nameof(AssetSummaryEntity.PendingCredentialHash)] = "",
                [nameof(AssetSummaryEntity.CredentialRotationRequested)] = false,
                [nameof(AssetSummaryEntity.EnrolledAt)] = now,
                [nameof(AssetSummaryEntity.LastSeenAt)] = now,
            },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken
        );
        // The history row and the re-enroll record: one batch of the asset's partition (outbox).
        await outbox.WriteAsync(
            store.Assets,
            [
                new(
                    TableTransactionActionType.Add,
                    AssetChanges.HistoryRow(
                        assetId,
                        now,
                        "enrollment",
                        null,
                        "Re-enrolled: hardware identity matched this asset; a new device credential was issued.",
                        null
                    )
                ),
            ],
            outbox
                .Entry()
                .Audit(
                    new Audit.AuditEvent(
                        Audit.AuditActor.Device(assetId),
                        "device",
                        assetId,
                        "re-enroll",
                        [
                            new(
                                nameof(AssetSummaryEntity.CredentialIssuedAt),
                                summary.CredentialIssuedAt?.ToString("O"),
                                now.ToString("O")
                            ),
                        ],
                        null
                    )
                ),
            cancellationToken
        );
        // A first enrollment that failed after creating the asset is retried as a re-enrollment: the tag still comes.
        if (grant.AllocateTag && string.IsNullOrEmpty(summary.Tag))
        {
            await tags.AssignAsync(assetId, Audit.AuditActor.System("enrollment"), null, cancellationToken);
        }
        logger.LogInformation("Re-enrolled device {DeviceId}", assetId);
        return Response(assetId, secret, "re-enrolled", summary.State, summary.NeedsReview);
    }

    private EnrollmentResponse Response(string assetId, string secret, string status, string state, bool needsReview) =>
        new()
        {
            DeviceId = assetId,
            DeviceSecret = secret,
            Authorization = DeviceSecrets.AuthorizationHeader(assetId, secret),
            Status = status,
            State = state,
            NeedsReview = needsReview,
            NextCheckinSeconds = checkinOptions.Value.HeartbeatIntervalSeconds,
        };

    private static Problem? Validate(EnrollmentRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (
            string.IsNullOrEmpty(request.EnrollmentSecret)
            || request.EnrollmentSecret.Length > CheckinLimits.MaxShortString
        )
            errors["enrollmentSecret"] = ["Required (at most 256 characters)."];
        foreach (
            var (field, value) in new[]
            {
                ("hostname", request.Hostname),
                ("serialNumber", request.SerialNumber),
                ("smbiosUuid", request.SmbiosUuid),
                ("manufacturer", request.Manufacturer),
                ("model", request.Model),
                ("agent.name", request.Agent?.Name),
                ("agent.version", request.Agent?.Version),
            }
        )
        {
            if (!ContractFormats.IsShortText(value))
            {
                errors[field] = [$"At most {CheckinLimits.MaxShortString} characters, no control characters."];
            }
        }
        if (request.MacAddresses is { } macs)
        {
            if (macs.Count > CheckinLimits.MaxNetworkInterfaces)
            {
                errors["macAddresses"] = [$"At most {CheckinLimits.MaxNetworkInterfaces} items."];
            }
            else if (macs.Any(m => m is null || !ContractFormats.IsMacAddress(m)))
            {
                errors["macAddresses"] =
                [
                    "Each item must be a MAC address: aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, "
                        + "aabb.ccdd.eeff or aabbccddeeff.",
                ];
            }
        }
        if (request.Type is not null && !AssetTypes.TryParse(request.Type, out _))
            errors["type"] = [$"Must be one of: {string.Join(", ", AssetTypes.WireNames)}."];
        return errors.Count == 0
            ? null
            : Problem.BadRequest($"The enrollment request has {errors.Count} invalid field(s); see 'errors'.", errors);
    }
}
