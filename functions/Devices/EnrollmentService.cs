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
/// Enrollment: an enrollment secret plus a hardware identity buys a per-device credential. The identity rules are
/// <see cref="EnrollmentRules"/>: an unknown machine becomes a <c>Discovered</c> asset flagged for review; a reimaged
/// one (its strong identities agree with one asset) keeps its asset and gets a new credential; a conflict (a clone, a
/// shared UUID, identities of two assets, a MAC alone) becomes a new <c>Discovered</c> asset marked as a suspected
/// duplicate — the existing assets and their credentials are never touched. Throttled per source and per secret
/// (<see cref="EnrollmentThrottle"/>) before anything is written.
/// </summary>
public sealed class EnrollmentService(
    InventoryStore store,
    AssetRegistry registry,
    IdentityClaims claims,
    SuspectedDuplicates duplicates,
    EnrollmentSecretStore secrets,
    EnrollmentThrottle throttle,
    Events.Outbox outbox,
    Tags.AssetTagService tags,
    Monitoring.OfflineIndex offlineIndex,
    IOptions<CheckinOptions> checkinOptions,
    TimeProvider clock,
    ILogger<EnrollmentService> logger
)
{
    /// <summary>Rounds of look-up and decision when a concurrent enrollment wins the race for an identity.</summary>
    private const int MaxRounds = 4;

    /// <param name="source">The caller's address (<see cref="EnrollmentThrottle.SourceOf"/>), null when
    /// unknown.</param>
    public async Task<Outcome<EnrollmentResponse>> EnrollAsync(
        EnrollmentRequest request,
        string? source,
        CancellationToken cancellationToken
    )
    {
        if (throttle.AdmitSource(source) is { } busy)
            return busy;
        var valid = EnrollmentValidator.Validate(request);
        if (valid.Failed)
            return valid.Problem;
        if (throttle.AdmitSecret(valid.Value.Request.EnrollmentSecret!) is { } busySecret)
            return busySecret;
        var enrolled = await EnrollValidAsync(valid.Value.Request, source, cancellationToken);
        return enrolled.Failed ? enrolled.Problem : enrolled.Value with { Warnings = valid.Value.Warnings };
    }

    private async Task<Outcome<EnrollmentResponse>> EnrollValidAsync(
        EnrollmentRequest request,
        string? source,
        CancellationToken cancellationToken
    )
    {
        var grant = await secrets.VerifyAsync(request.EnrollmentSecret!, cancellationToken);
        if (grant is null)
        {
            throttle.Failed(source);
            logger.LogWarning("Enrollment refused: unknown, expired or revoked enrollment secret");
            return Problem.DeviceUnauthorized("The enrollment secret is not valid (unknown, expired or revoked).");
        }

        var identity = HardwareIdentity.Normalise(
            request.SerialNumber,
            request.SmbiosUuid,
            request.MacAddresses,
            request.Hostname,
            request.PlatformIdentities
        );
        if (identity.IsEmpty)
        {
            return Problem.BadRequest(
                "No usable hardware identity: send a real serial number, SMBIOS UUID, platform identity (machine-id, "
                    + "MachineGuid, cloud instance id with its provider, system disk serial) or a globally unique MAC "
                    + "address."
            );
        }

        var now = clock.GetUtcNow();
        var secret = DeviceSecrets.NewSecret();
        for (var round = 0; round < MaxRounds; round++)
        {
            var decision = await DecideAsync(identity, cancellationToken);
            if (decision.Path == EnrollmentPath.ReEnroll)
                return await ReEnrollAsync(decision, identity, grant, secret, now, cancellationToken);
            var created = await TryCreateAsync(request, identity, decision, grant, secret, now, cancellationToken);
            if (created is { } done)
                return done;
            // A concurrent enrollment won the race for an identity: decide again on what it wrote.
        }
        return Problem.Conflict("The device is being enrolled concurrently; retry.");
    }

    /// <summary>One point read per identity sent; when the strong ones point at exactly one asset, its detail row
    /// (what it records) too.</summary>
    private async Task<EnrollmentDecision> DecideAsync(HardwareIdentity identity, CancellationToken cancellationToken)
    {
        var holders = await claims.HoldersAsync(identity.Keys, cancellationToken);
        var strongHolders = identity
            .StrongKeys.Where(k => holders.ContainsKey(k.Key))
            .Select(k => holders[k.Key])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        HardwareIdentity? stored = null;
        if (strongHolders is [var only])
        {
            var detail = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                only,
                TableKeys.AssetDetailRow,
                cancellationToken: cancellationToken
            );
            stored = detail.OrNull() is { } row ? HardwareIdentity.Of(row) : null;
        }
        return EnrollmentRules.Decide(identity, holders, stored);
    }

    /// <summary>
    /// Creates the asset, then claims the identities nobody holds (most trusted first). The asset exists before any
    /// identity points at it, so a concurrent enrollment that finds the identity also finds the asset. An enrollment
    /// that loses the race for an identity removes what it wrote and returns null: the caller decides again. A
    /// suspected duplicate is recorded (audit, finding) once its asset stands.
    /// </summary>
    private async Task<Outcome<EnrollmentResponse>?> TryCreateAsync(
        EnrollmentRequest request,
        HardwareIdentity identity,
        EnrollmentDecision decision,
        EnrollmentGrant grant,
        string secret,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var assetId = TableKeys.NewAssetId();
        var type =
            request.Type is not null && AssetTypes.TryParse(request.Type, out var parsed) ? parsed : AssetType.Unknown;
        var suspected = decision.Path == EnrollmentPath.Review;
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
            MachineId = identity.MachineId,
            MachineGuid = identity.MachineGuid,
            CloudInstance = identity.CloudInstance,
            DiskSerial = identity.DiskSerial,
            SuspectedDuplicateOf = suspected ? string.Join(',', decision.SuspectedDuplicateOf) : null,
            Manufacturer = request.Manufacturer,
            Model = request.Model,
            Department = grant.DefaultDepartment,
            Category = grant.DefaultCategory,
            Location = grant.DefaultLocation,
        };
        var record = suspected
            ? new SuspectedDuplicate(
                assetId,
                identity.Hostname,
                detail.Department,
                [],
                decision.SuspectedDuplicateOf,
                decision.Reasons,
                "enrollment",
                assetId
            )
            : null;
        var history = AssetChanges.HistoryRow(
            assetId,
            now,
            "enrollment",
            null,
            record is null
                ? $"Enrolled as a new {detail.Type} asset (secret: {grant.Source}); awaiting review."
                : SuspectedDuplicate.Clip(
                    $"Enrolled as a new {detail.Type} asset (secret: {grant.Source}), kept apart as a suspected "
                        + $"duplicate of {string.Join(", ", record.Others)}: {record.ReasonText}. Awaiting review."
                ),
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
                .. PlatformChanges(detail),
            ],
            null
        );
        // A suspected duplicate's record joins them: it commits with the SuspectedDuplicateOf it explains.
        var discovered = Events.AssetEvents.Discovered(outbox.Entry(), enrolled, detail.State, detail.Department);
        var (_, lost) = await registry.CreateAsync(
            detail,
            history,
            summary,
            decision.ClaimKeys.Select(k => k.Key),
            now,
            cancellationToken,
            record is null ? discovered : SuspectedDuplicates.Stage(discovered, record)
        );
        if (lost is not null)
        {
            logger.LogInformation(
                "Enrollment of {Hostname} lost the race for {IdentityKey}; deciding again",
                identity.Hostname,
                lost
            );
            return null;
        }

        // After the asset exists (a finding for an asset that lost its race would name nothing). A crash just before
        // leaves the asset marked and recorded without the finding; the daily reconciliation's duplicate-identity
        // kind still raises the shared serial or UUID.
        if (record is not null)
            await duplicates.RaiseAsync(record, cancellationToken);
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

    /// <summary>Platform identities in the enroll audit record, only those sent (older records stay as they
    /// were).</summary>
    private static IEnumerable<FieldChange> PlatformChanges(AssetDetailEntity detail)
    {
        foreach (
            var (field, value) in new[]
            {
                (nameof(AssetDetailEntity.MachineId), detail.MachineId),
                (nameof(AssetDetailEntity.MachineGuid), detail.MachineGuid),
                (nameof(AssetDetailEntity.CloudInstance), detail.CloudInstance),
                (nameof(AssetDetailEntity.DiskSerial), detail.DiskSerial),
                (nameof(AssetDetailEntity.SuspectedDuplicateOf), detail.SuspectedDuplicateOf),
            }
        )
        {
            if (value is not null)
                yield return new(field, null, value);
        }
    }

    private async Task<Outcome<EnrollmentResponse>> ReEnrollAsync(
        EnrollmentDecision decision,
        HardwareIdentity identity,
        EnrollmentGrant grant,
        string secret,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var assetId = decision.AssetId!;
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

        // New identities of a known machine (e.g. a replaced NIC) join the index; existing rows stay as they are.
        await claims.ClaimAsync(assetId, decision.ClaimKeys, cancellationToken);

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
        // An agentless asset a host reported (a virtual machine, LinkedAssetService) is claimed by its own agent: the
        // identities agreed (EnrollmentRules). From now on it is a device, and no host's report changes it again.
        var claimed = string.IsNullOrEmpty(summary.CredentialHash)
            ? (
                await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                    assetId,
                    TableKeys.AssetDetailRow,
                    [nameof(AssetDetailEntity.Source), nameof(AssetDetailEntity.LinkedTo)],
                    cancellationToken
                )
            ).OrNull()
                is { Source: LinkedAssetService.Source } agentless
                ? agentless
                : null
            : null;
        List<TableTransactionAction> rows =
        [
            new(
                TableTransactionActionType.Add,
                AssetChanges.HistoryRow(
                    assetId,
                    now,
                    "enrollment",
                    null,
                    claimed is null
                        ? "Re-enrolled: hardware identity matched this asset; a new device credential was issued."
                        : $"Enrolled with its own agent: its identities agree with this asset, reported by host "
                            + $"{claimed.LinkedTo}; a device credential was issued and hosts no longer change it.",
                    null
                )
            ),
        ];
        if (claimed is not null)
        {
            rows.Add(new(TableTransactionActionType.UpdateMerge, ClaimMerge(assetId, identity), claimed.ETag));
        }
        // The history row and the re-enroll record: one batch of the asset's partition (outbox).
        await outbox.WriteAsync(
            store.Assets,
            rows,
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

    /// <summary>What the claim of an agentless asset records: it is a device now, with the identities its agent
    /// sent (so a clone that shares only the UUID is a conflict from now on, not a reimage).</summary>
    private static TableEntity ClaimMerge(string assetId, HardwareIdentity identity)
    {
        var merge = new TableEntity(assetId, TableKeys.AssetDetailRow)
        {
            [nameof(AssetDetailEntity.Source)] = "enrollment",
        };
        foreach (
            var (field, value) in new[]
            {
                (nameof(AssetDetailEntity.Hostname), identity.Hostname),
                (nameof(AssetDetailEntity.SerialNumber), identity.SerialNumber),
                (nameof(AssetDetailEntity.MachineId), identity.MachineId),
                (nameof(AssetDetailEntity.MachineGuid), identity.MachineGuid),
                (nameof(AssetDetailEntity.CloudInstance), identity.CloudInstance),
                (nameof(AssetDetailEntity.DiskSerial), identity.DiskSerial),
                (
                    nameof(AssetDetailEntity.MacAddresses),
                    identity.MacAddresses.Count == 0 ? null : string.Join(',', identity.MacAddresses)
                ),
            }
        )
        {
            if (value is not null)
                merge[field] = value;
        }
        return merge;
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
}
