using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Events;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// Decommissioning of a retired asset: the data-sanitisation record (NIST SP 800-88), the registered
/// <see cref="IDecommissioningStep"/>s (e.g. licence reclamation), the sanitisation certificate (HTML in Blob Storage,
/// written once) and the disposal record that moves the asset to Disposed. A step that fails is recorded with its error
/// and blocks disposal until a retry (<see cref="RunStepsAsync"/>) succeeds: nothing is silently lost.
/// </summary>
public sealed partial class DecommissioningService
{
    public const string StepSucceeded = "Succeeded";
    public const string StepFailed = "Failed";
    public const string Issuer = "ItInventory";

    private readonly InventoryStore store;
    private readonly AssetWriter writer;
    private readonly AccessPolicy policy;
    private readonly Outbox outbox;
    private readonly DeviceCredentialService credentials;
    private readonly TimeProvider clock;
    private readonly ILogger<DecommissioningService> logger;
    private readonly IReadOnlyList<IDecommissioningStep> steps;

    public DecommissioningService(
        InventoryStore store,
        AssetWriter writer,
        AccessPolicy policy,
        Outbox outbox,
        DeviceCredentialService credentials,
        IEnumerable<IDecommissioningStep> steps,
        TimeProvider clock,
        ILogger<DecommissioningService> logger
    )
    {
        (this.store, this.writer, this.policy, this.outbox, this.credentials, this.clock, this.logger) = (
            store,
            writer,
            policy,
            outbox,
            credentials,
            clock,
            logger
        );
        this.steps = steps.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
        foreach (var step in this.steps)
        {
            // The name is part of a RowKey and shown on certificates.
            if (!StepName().IsMatch(step.Name))
            {
                throw new InvalidOperationException(
                    $"Decommissioning step name '{step.Name}' must match {StepName()}."
                );
            }
        }
        if (this.steps.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != this.steps.Count)
        {
            throw new InvalidOperationException("Two decommissioning steps have the same name.");
        }
    }

    public async Task<Outcome<(DecommissioningView Record, ETag ETag)>> RecordSanitisationAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        SanitisationRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        if (LifecycleRules.Validate(request, now) is { } invalid)
            return invalid;
        var loaded = await writer.LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var asset = loaded.Value;
        var previous = await SanitisationAsync(assetId, cancellationToken);
        if (LifecycleRules.CheckSanitisation(asset.State, previous?.VerificationResult) is { } refused)
            return refused;

        var media = request.Media?.Select(m => m.Trim()).ToList()
            ?? LifecycleRules.MediaFromDisks(Disks(asset.Detail)).ToList();
        if (media.Count == 0)
        {
            return Problem.BadRequest(
                "No media on record for this asset (no disks in its last inventory): "
                    + "list what was sanitised in 'media'.",
                new Dictionary<string, string[]> { ["media"] = ["Required: the asset has no disks on record."] }
            );
        }
        var verification = request.Verification!;
        var record = new SanitisationEntity
        {
            PartitionKey = assetId,
            RecordId = Guid.CreateVersion7(now).ToString("N"),
            Attempt = (previous?.Attempt ?? 0) + 1,
            Method = request.Method!,
            Tool = request.Tool!.Trim(),
            ToolVersion = request.ToolVersion?.Trim(),
            Operator = request.Operator!.Trim(),
            PerformedAt = request.PerformedAt!.Value,
            MediaJson = JsonSerializer.Serialize<IReadOnlyList<string>>(
                media,
                ApiJsonContext.Default.IReadOnlyListString
            ),
            VerificationMethod = verification.Method!.Trim(),
            VerificationResult = verification.Result!,
            VerifiedBy = verification.VerifiedBy!.Trim(),
            VerifiedAt = verification.VerifiedAt!.Value,
            Notes = request.Notes,
            RecordedAt = now,
            RecordedBy = caller.Actor,
        };
        List<FieldChange> changes =
        [
            new("Sanitisation.Method", previous?.Method, record.Method),
            new(
                "Sanitisation.Tool",
                previous?.Tool,
                record.ToolVersion is null ? record.Tool : $"{record.Tool} {record.ToolVersion}"
            ),
            new("Sanitisation.Operator", previous?.Operator, record.Operator),
            new("Sanitisation.PerformedAt", previous?.PerformedAt.ToString("O"), record.PerformedAt.ToString("O")),
            new("Sanitisation.Media", previous?.MediaJson, record.MediaJson),
            new(
                "Sanitisation.Verification",
                previous is null
                    ? null
                    : $"{previous.VerificationResult} ({previous.VerificationMethod}, {previous.VerifiedBy})",
                $"{record.VerificationResult} ({record.VerificationMethod}, {record.VerifiedBy})"
            ),
            new(
                "Sanitisation.Attempt",
                previous?.Attempt.ToString(CultureInfo.InvariantCulture),
                record.Attempt.ToString(CultureInfo.InvariantCulture)
            ),
        ];
        // No field of the detail row changes, but the writer touches it under If-Match: the record is ordered with
        // every other change of the asset, and a concurrent un-retire or second record loses with 412.
        TableTransactionAction write = previous is null
            ? new(TableTransactionActionType.Add, record)
            : new(TableTransactionActionType.UpdateReplace, record, previous.ETag);
        var committed = await writer.SaveAsync(
            caller,
            asset,
            new AssetWrite
            {
                Action = "record-sanitisation",
                Summary =
                    $"Data sanitisation recorded by {caller.Actor}: {record.Method}, "
                    + $"verification {record.VerificationResult} (attempt {record.Attempt}).",
                Changes = changes,
                Rows = [write],
            },
            correlationId,
            cancellationToken
        );
        if (committed.Failed)
            return committed.Problem;
        logger.LogInformation(
            "Sanitisation of asset {AssetId} recorded by {Actor}: {Method}, {Result}",
            assetId,
            caller.Actor,
            record.Method,
            record.VerificationResult
        );

        if (record.VerificationResult == LifecycleRules.SanitisationPassed)
        {
            await RunPendingStepsAndCertifyAsync(caller, asset.Detail, correlationId, cancellationToken);
        }
        return (await ViewAsync(assetId, asset.State, cancellationToken), committed.Value);
    }

    /// <summary>Runs the steps that have not succeeded yet and issues the certificate once all have (a retry after a
    /// failed step). Changes no asset field, so it needs no If-Match; running it again does nothing twice.</summary>
    public async Task<Outcome<DecommissioningView>> RunStepsAsync(
        Caller caller,
        string assetId,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var found = await writer.AuthoriseAsync(caller, assetId, cancellationToken);
        if (found.Failed)
            return found.Problem;
        var detail = found.Value;
        var sanitisation = await SanitisationAsync(assetId, cancellationToken);
        if (
            detail.State != nameof(LifecycleState.Retired)
            || sanitisation?.VerificationResult != LifecycleRules.SanitisationPassed
        )
        {
            return Problem.Conflict(
                "Decommissioning steps run for a Retired asset with a passed sanitisation record; "
                    + $"this one is {detail.State}"
                    + (
                        sanitisation is null
                            ? " without a sanitisation record."
                            : $" with sanitisation {sanitisation.VerificationResult}."
                    )
            );
        }
        await RunPendingStepsAndCertifyAsync(caller, detail, correlationId, cancellationToken);
        return await ViewAsync(assetId, LifecycleState.Retired, cancellationToken);
    }

    public async Task<Outcome<(DecommissioningView Record, ETag ETag)>> RecordDisposalAsync(
        Caller caller,
        string assetId,
        string? ifMatch,
        DisposalRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        if (LifecycleRules.Validate(request, now) is { } invalid)
            return invalid;
        var loaded = await writer.LoadAsync(caller, assetId, ifMatch, cancellationToken);
        if (loaded.Failed)
            return loaded.Problem;
        var asset = loaded.Value;
        var rows = await RowsAsync(assetId, cancellationToken);
        if (
            LifecycleRules.CheckDisposal(
                asset.State,
                rows.Sanitisation?.VerificationResult,
                Pending(rows.Steps),
                rows.Sanitisation?.CertificateId is not null
            ) is
            { } refused
        )
        {
            return refused;
        }
        if (request.CollectedAt < rows.Sanitisation!.PerformedAt)
        {
            return Problem.BadRequest(
                "The media were collected before they were sanitised.",
                new Dictionary<string, string[]>
                {
                    ["collectedAt"] = ["Cannot be before the sanitisation's performedAt."],
                }
            );
        }

        var disposal = new DisposalEntity
        {
            PartitionKey = assetId,
            Recycler = request.Recycler!.Trim(),
            RecyclerCertification = request.RecyclerCertification!.Trim(),
            WeeeReference = request.WeeeReference!.Trim(),
            CollectedAt = request.CollectedAt!.Value,
            Notes = request.Notes,
            RecordedAt = now,
            RecordedBy = caller.Actor,
        };
        List<FieldChange> changes =
        [
            new(nameof(AssetDetailEntity.State), asset.State.ToString(), nameof(LifecycleState.Disposed)),
            new("Disposal.Recycler", null, $"{disposal.Recycler} ({disposal.RecyclerCertification})"),
            new("Disposal.WeeeReference", null, disposal.WeeeReference),
            new("Disposal.CollectedAt", null, disposal.CollectedAt.ToString("O")),
        ];
        var committed = await writer.SaveAsync(
            caller,
            asset,
            new AssetWrite
            {
                Action = "dispose",
                Summary =
                    $"Disposed by {caller.Actor}: collected by {disposal.Recycler}, "
                    + $"WEEE reference {disposal.WeeeReference}.",
                Changes = changes,
                Fields = new Dictionary<string, object?>
                {
                    [nameof(AssetDetailEntity.State)] = nameof(LifecycleState.Disposed),
                },
                Rows = [new(TableTransactionActionType.Add, disposal)],
            },
            correlationId,
            cancellationToken
        );
        if (committed.Failed)
            return committed.Problem;

        // A disposed machine never checks in or enrolls again.
        await credentials.RevokeAsync(
            assetId,
            blockReenrollment: true,
            caller.AuditActor,
            correlationId,
            cancellationToken
        );
        logger.LogInformation(
            "Asset {AssetId} disposed by {Actor} through {Recycler}",
            assetId,
            caller.Actor,
            disposal.Recycler
        );
        return (await ViewAsync(assetId, LifecycleState.Disposed, cancellationToken), committed.Value);
    }

    public async Task<Outcome<DecommissioningView>> GetAsync(
        Caller caller,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var found = await DetailAsync(assetId, cancellationToken);
        if (found is not { } detail)
            return Problem.NotFound($"There is no asset '{assetId}'.");
        if (policy.ReadAsset(caller, detail.Department, detail.Owner) is { } denied)
            return denied;
        var state = LifecycleRules.TryParseState(detail.State, out var parsed) ? parsed : LifecycleState.Discovered;
        return await ViewAsync(assetId, state, cancellationToken);
    }

    /// <summary>The certificate as stored (HTML) or as PDF, rendered from the stored document's canonical record once
    /// its SHA-256 matches the one on record (a document altered in storage is refused, never re-certified).</summary>
    public async Task<Outcome<(byte[] Content, string ContentType)>> GetCertificateAsync(
        Caller caller,
        string assetId,
        bool pdf,
        CancellationToken cancellationToken
    )
    {
        var html = await GetCertificateAsync(caller, assetId, cancellationToken);
        if (html.Failed)
            return html.Problem;
        if (!pdf)
            return (html.Value, "text/html; charset=utf-8");
        var record = SanitisationCertificatePdf.RecordOf(html.Value);
        var onRecord = (await SanitisationAsync(assetId, cancellationToken))?.CertificateSha256;
        if (record is null || SanitisationCertificate.Sha256(record) != onRecord)
        {
            logger.LogError("The stored certificate of asset {AssetId} does not match its recorded hash", assetId);
            return Problem.Conflict(
                "The stored certificate does not match the SHA-256 on record; no PDF is rendered from it. Ask an "
                    + "administrator to restore the document (soft delete/versioning)."
            );
        }
        return (SanitisationCertificatePdf.Render(record), "application/pdf");
    }

    public async Task<Outcome<byte[]>> GetCertificateAsync(
        Caller caller,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var found = await DetailAsync(assetId, cancellationToken);
        if (found is not { } detail)
            return Problem.NotFound($"There is no asset '{assetId}'.");
        if (policy.ReadAsset(caller, detail.Department, detail.Owner) is { } denied)
            return denied;
        if (await SanitisationAsync(assetId, cancellationToken) is not { CertificateId: { } certificateId })
        {
            return Problem.NotFound("No sanitisation certificate has been issued for this asset.");
        }
        try
        {
            var blob = await store
                .Certificates.GetBlobClient(TableKeys.SanitisationCertificateBlob(assetId, certificateId))
                .DownloadContentAsync(cancellationToken);
            return blob.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            logger.LogError(
                "Sanitisation certificate {CertificateId} of asset {AssetId} is on record but its blob is missing",
                certificateId,
                assetId
            );
            return Problem.NotFound(
                $"The certificate {certificateId} is on record but its document is missing from "
                    + "storage; ask an administrator to restore it (soft delete/versioning)."
            );
        }
    }

    private async Task RunPendingStepsAndCertifyAsync(
        Caller caller,
        AssetDetailEntity detail,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var assetId = detail.PartitionKey;
        var rows = await RowsAsync(assetId, cancellationToken);
        var changes = new List<FieldChange>();
        var written = new List<TableTransactionAction>();
        foreach (var step in steps)
        {
            rows.Steps.TryGetValue(step.Name, out var last);
            if (last?.Status == StepSucceeded)
                continue;
            var row = new DecommissioningStepEntity
            {
                PartitionKey = assetId,
                RowKey = TableKeys.DecommissioningStepRow(step.Name),
                Step = step.Name,
                Attempts = (last?.Attempts ?? 0) + 1,
                LastAttemptAt = clock.GetUtcNow(),
            };
            try
            {
                var result = await step.RunAsync(assetId, caller.AuditActor, correlationId, cancellationToken);
                (row.Status, row.Summary, row.Released) = (
                    StepSucceeded,
                    Truncate(result.Summary, 1000),
                    result.Released
                );
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(
                    ex,
                    "Decommissioning step {Step} failed for asset {AssetId} (attempt {Attempt})",
                    step.Name,
                    assetId,
                    row.Attempts
                );
                (row.Status, row.Error) = (StepFailed, Truncate($"{ex.GetType().Name}: {ex.Message}", 1000));
            }
            // Step rows are written together with the audit record, after the steps ran (one batch of the asset's
            // partition): a crash before it runs the steps again, and steps are idempotent.
            written.Add(new(TableTransactionActionType.UpsertReplace, row));
            rows.Steps[step.Name] = row;
            changes.Add(
                new(
                    $"Step.{step.Name}",
                    last?.Status,
                    row.Status == StepSucceeded ? $"{StepSucceeded}: {row.Summary}" : $"{StepFailed}: {row.Error}"
                )
            );
        }
        if (changes.Count > 0)
        {
            await outbox.WriteAsync(
                store.Assets,
                written,
                outbox
                    .Entry()
                    .Audit(
                        new AuditEvent(
                            caller.AuditActor,
                            "asset",
                            assetId,
                            "decommissioning-steps",
                            changes,
                            correlationId
                        )
                    ),
                cancellationToken
            );
        }
        if (Pending(rows.Steps).Count == 0 && rows.Sanitisation is { CertificateId: null } sanitisation)
        {
            await IssueCertificateAsync(caller, detail, sanitisation, rows.Steps, correlationId, cancellationToken);
        }
    }

    /// <summary>Writes the certificate blob once (If-None-Match *; its id is the sanitisation record's, so a retry
    /// after a crash finds the blob already there and keeps it), then notes it on the sanitisation record.</summary>
    private async Task IssueCertificateAsync(
        Caller caller,
        AssetDetailEntity detail,
        SanitisationEntity sanitisation,
        IReadOnlyDictionary<string, DecommissioningStepEntity> stepRows,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var assetId = detail.PartitionKey;
        var certificate = new CertificateRecord
        {
            CertificateId = sanitisation.RecordId,
            Standard = SanitisationCertificate.Standard,
            IssuedAt = clock.GetUtcNow(),
            Issuer = Issuer,
            IssuedBy = caller.Actor,
            Asset = new CertificateAsset(
                assetId,
                detail.Tag,
                detail.Manufacturer,
                detail.Model,
                detail.SerialNumber,
                detail.Type,
                detail.Hostname
            ),
            Sanitisation = View(sanitisation),
            Steps = steps
                .Select(s => stepRows[s.Name])
                .Select(r => new DecommissioningStepResult(r.Step, r.Summary ?? "", r.Released))
                .ToList(),
        };
        var sha256 = SanitisationCertificate.Sha256(certificate);
        var blob = store.Certificates.GetBlobClient(
            TableKeys.SanitisationCertificateBlob(assetId, certificate.CertificateId)
        );
        var issuedAt = certificate.IssuedAt;
        try
        {
            var document = BinaryData.FromBytes(SanitisationCertificate.Render(certificate));
            await blob.UploadAsync(
                document,
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders { ContentType = "text/html; charset=utf-8" },
                    Metadata = new Dictionary<string, string>
                    {
                        ["sha256"] = sha256,
                        ["issuedat"] = issuedAt.ToString("O"),
                    },
                },
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Issued before (a retry after a crash, or a concurrent retry): the stored certificate stands.
            var metadata = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.Metadata;
            sha256 = metadata["sha256"];
            issuedAt = DateTimeOffset.Parse(metadata["issuedat"], System.Globalization.CultureInfo.InvariantCulture);
        }
        // The certificate's note, its history row and the audit record: one batch of the asset's partition.
        await outbox.WriteAsync(
            store.Assets,
            [
                new(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(assetId, TableKeys.SanitisationRow)
                    {
                        [nameof(SanitisationEntity.CertificateId)] = certificate.CertificateId,
                        [nameof(SanitisationEntity.CertificateSha256)] = sha256,
                        [nameof(SanitisationEntity.CertificateIssuedAt)] = issuedAt,
                    },
                    ETag.All
                ),
                new(
                    TableTransactionActionType.Add,
                    AssetChanges.HistoryRow(
                        assetId,
                        issuedAt,
                        "api",
                        null,
                        $"Sanitisation certificate {certificate.CertificateId} issued (SHA-256 {sha256}).",
                        null
                    )
                ),
            ],
            outbox
                .Entry()
                .Audit(
                    new AuditEvent(
                        caller.AuditActor,
                        "asset",
                        assetId,
                        "issue-certificate",
                        [new("Certificate", null, blob.Name), new("CertificateSha256", null, sha256)],
                        correlationId
                    )
                ),
            cancellationToken
        );
        logger.LogInformation(
            "Issued sanitisation certificate {CertificateId} for asset {AssetId}",
            certificate.CertificateId,
            assetId
        );
    }

    private sealed record Rows(
        SanitisationEntity? Sanitisation,
        Dictionary<string, DecommissioningStepEntity> Steps,
        DisposalEntity? Disposal
    );

    /// <summary>All decommissioning rows of the asset: one range query of its partition.</summary>
    private async Task<Rows> RowsAsync(string assetId, CancellationToken cancellationToken)
    {
        SanitisationEntity? sanitisation = null;
        DisposalEntity? disposal = null;
        var stepRows = new Dictionary<string, DecommissioningStepEntity>(StringComparer.Ordinal);
        var filter =
            TableClient.CreateQueryFilter($"PartitionKey eq {assetId}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey ge {TableKeys.DecommissioningRowPrefix}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {DecommissioningRangeEnd}");
        await foreach (var row in store.Assets.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey == TableKeys.SanitisationRow)
                sanitisation = TableEntityMapper.To<SanitisationEntity>(row);
            else if (row.RowKey == TableKeys.DisposalRow)
                disposal = TableEntityMapper.To<DisposalEntity>(row);
            else if (row.RowKey.StartsWith(TableKeys.DecommissioningStepRowPrefix, StringComparison.Ordinal))
            {
                var step = TableEntityMapper.To<DecommissioningStepEntity>(row);
                stepRows[step.Step] = step;
            }
        }
        return new Rows(sanitisation, stepRows, disposal);
    }

    private static readonly string DecommissioningRangeEnd =
        TableKeys.DecommissioningRowPrefix[..^1] + (char)(TableKeys.DecommissioningRowPrefix[^1] + 1);

    private List<string> Pending(IReadOnlyDictionary<string, DecommissioningStepEntity> stepRows) =>
        steps
            .Where(s => !stepRows.TryGetValue(s.Name, out var row) || row.Status != StepSucceeded)
            .Select(s => s.Name)
            .ToList();

    private async Task<DecommissioningView> ViewAsync(
        string assetId,
        LifecycleState state,
        CancellationToken cancellationToken
    )
    {
        var rows = await RowsAsync(assetId, cancellationToken);
        var s = rows.Sanitisation;
        return new DecommissioningView
        {
            AssetId = assetId,
            State = state.ToString(),
            Sanitisation = s is null ? null : View(s),
            Steps = rows
                .Steps.Values.OrderBy(r => r.Step, StringComparer.Ordinal)
                .Select(r => new DecommissioningStepView(
                    r.Step,
                    r.Status,
                    r.Summary,
                    r.Released,
                    r.Attempts,
                    r.LastAttemptAt,
                    r.Error
                ))
                .ToList(),
            StepsPending = s?.VerificationResult == LifecycleRules.SanitisationPassed && Pending(rows.Steps).Count > 0,
            Certificate = s is { CertificateId: { } id, CertificateSha256: { } sha, CertificateIssuedAt: { } at }
                ? new CertificateView(id, at, sha, $"/api/assets/{assetId}/decommissioning/certificate")
                : null,
            Disposal = rows.Disposal is not { } d
                ? null
                : new DisposalView
                {
                    Recycler = d.Recycler,
                    RecyclerCertification = d.RecyclerCertification,
                    WeeeReference = d.WeeeReference,
                    CollectedAt = d.CollectedAt,
                    Notes = d.Notes,
                    RecordedAt = d.RecordedAt,
                    RecordedBy = d.RecordedBy,
                },
        };
    }

    private static SanitisationView View(SanitisationEntity s) =>
        new()
        {
            RecordId = s.RecordId,
            Attempt = s.Attempt,
            Method = s.Method,
            Tool = s.Tool,
            ToolVersion = s.ToolVersion,
            Operator = s.Operator,
            PerformedAt = s.PerformedAt,
            Media = JsonSerializer.Deserialize(s.MediaJson, ApiJsonContext.Default.IReadOnlyListString) ?? [],
            Verification = new SanitisationVerification
            {
                Method = s.VerificationMethod,
                Result = s.VerificationResult,
                VerifiedBy = s.VerifiedBy,
                VerifiedAt = s.VerifiedAt,
            },
            Notes = s.Notes,
            RecordedAt = s.RecordedAt,
            RecordedBy = s.RecordedBy,
        };

    private async Task<AssetDetailEntity?> DetailAsync(string assetId, CancellationToken cancellationToken)
    {
        if (!TableKeys.IsAssetId(assetId))
            return null;
        var row = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
            assetId,
            TableKeys.AssetDetailRow,
            cancellationToken: cancellationToken
        );
        return row.HasValue ? row.Value : null;
    }

    private async Task<SanitisationEntity?> SanitisationAsync(string assetId, CancellationToken cancellationToken)
    {
        var row = await store.Assets.GetEntityIfExistsAsync<SanitisationEntity>(
            assetId,
            TableKeys.SanitisationRow,
            cancellationToken: cancellationToken
        );
        return row.HasValue ? row.Value : null;
    }

    private static IReadOnlyList<DiskData>? Disks(AssetDetailEntity detail)
    {
        if (string.IsNullOrEmpty(detail.DisksJson))
            return null;
        try
        {
            return JsonSerializer.Deserialize(detail.DisksJson, ApiJsonContext.Default.IReadOnlyListDiskData);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex StepName();
}
