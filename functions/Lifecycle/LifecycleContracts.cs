namespace ItInventory.Functions.Lifecycle;

// Pure contracts of the lifecycle API (the console links this file).

/// <summary>The body of <c>POST /api/assets/{assetId}/state</c>: the target state and why.</summary>
public sealed record LifecycleTransitionRequest
{
    /// <summary>A <see cref="Assets.LifecycleState"/> name, e.g. <c>Retired</c>.</summary>
    public string? To { get; init; }
    public string? Reason { get; init; }
}

/// <summary>The body of <c>POST /api/assets/{assetId}/approve</c> (optional): where the reviewed device goes.</summary>
public sealed record ApproveAssetRequest
{
    /// <summary><c>InStock</c> (default) or <c>Deployed</c>.</summary>
    public string? State { get; init; }
    public string? Note { get; init; }
}

/// <summary>The body of <c>POST /api/assets/{assetId}/reject</c>.</summary>
public sealed record RejectAssetRequest
{
    public string? Reason { get; init; }

    /// <summary>Default true: the machine may not enroll again. False releases its hardware identities, so a later
    /// enrollment of the same machine becomes a new discovery to review.</summary>
    public bool? BlockReenrollment { get; init; }
}

/// <summary>The body of <c>POST /api/assets/{assetId}/decommissioning/sanitisation</c> (NIST SP 800-88 Rev.
/// 1).</summary>
public sealed record SanitisationRequest
{
    /// <summary><c>Clear</c>, <c>Purge</c> or <c>Destroy</c>.</summary>
    public string? Method { get; init; }
    public string? Tool { get; init; }
    public string? ToolVersion { get; init; }
    public string? Operator { get; init; }
    public DateTimeOffset? PerformedAt { get; init; }

    /// <summary>What was sanitised (e.g. "nvme0 Samsung PM9A1 S/N S6…"); absent: the disks of the last
    /// inventory.</summary>
    public IReadOnlyList<string>? Media { get; init; }
    public SanitisationVerification? Verification { get; init; }
    public string? Notes { get; init; }
}

/// <summary>How the sanitisation was verified, and the result.</summary>
public sealed record SanitisationVerification
{
    public string? Method { get; init; }

    /// <summary><c>Passed</c> or <c>Failed</c>.</summary>
    public string? Result { get; init; }
    public string? VerifiedBy { get; init; }
    public DateTimeOffset? VerifiedAt { get; init; }
}

/// <summary>The body of <c>POST /api/assets/{assetId}/decommissioning/disposal</c>.</summary>
public sealed record DisposalRequest
{
    public string? Recycler { get; init; }

    /// <summary>e.g. <c>R2v3</c>, <c>e-Stewards</c>, <c>WEEE AATF</c>.</summary>
    public string? RecyclerCertification { get; init; }
    public string? WeeeReference { get; init; }
    public DateTimeOffset? CollectedAt { get; init; }
    public string? Notes { get; init; }
}

/// <summary>The decommissioning record of an asset as the API shows it.</summary>
public sealed record DecommissioningView
{
    public required string AssetId { get; init; }
    public required string State { get; init; }
    public SanitisationView? Sanitisation { get; init; }
    public IReadOnlyList<DecommissioningStepView> Steps { get; init; } = [];

    /// <summary>True while a registered step has not succeeded yet (retry with <c>POST
    /// …/decommissioning/steps</c>).</summary>
    public bool StepsPending { get; init; }
    public CertificateView? Certificate { get; init; }
    public DisposalView? Disposal { get; init; }
}

public sealed record SanitisationView
{
    public required string RecordId { get; init; }
    public int Attempt { get; init; }
    public required string Method { get; init; }
    public required string Tool { get; init; }
    public string? ToolVersion { get; init; }
    public required string Operator { get; init; }
    public DateTimeOffset PerformedAt { get; init; }
    public IReadOnlyList<string> Media { get; init; } = [];
    public required SanitisationVerification Verification { get; init; }
    public string? Notes { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public required string RecordedBy { get; init; }
}

public sealed record DecommissioningStepView(
    string Step,
    string Status,
    string? Summary,
    int Released,
    int Attempts,
    DateTimeOffset LastAttemptAt,
    string? Error
);

public sealed record CertificateView(string CertificateId, DateTimeOffset IssuedAt, string Sha256, string Url);

public sealed record DisposalView
{
    public required string Recycler { get; init; }
    public required string RecyclerCertification { get; init; }
    public required string WeeeReference { get; init; }
    public DateTimeOffset CollectedAt { get; init; }
    public string? Notes { get; init; }
    public DateTimeOffset RecordedAt { get; init; }
    public required string RecordedBy { get; init; }
}

/// <summary>
/// The canonical content of a sanitisation certificate: serialised with the app's JSON contract (fixed property order)
/// it is the byte string whose SHA-256 the certificate carries, and the certificate embeds it so anyone can re-hash it.
/// </summary>
public sealed record CertificateRecord
{
    public required string CertificateId { get; init; }
    public required string Standard { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public required string Issuer { get; init; }
    public required string IssuedBy { get; init; }
    public required CertificateAsset Asset { get; init; }
    public required SanitisationView Sanitisation { get; init; }
    public IReadOnlyList<DecommissioningStepResult> Steps { get; init; } = [];
}

public sealed record CertificateAsset(
    string AssetId,
    string? Tag,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    string Type,
    string? Hostname
);

/// <summary>What a decommissioning step did: a one-line summary for people and the number of things it released.
/// </summary>
public sealed record DecommissioningStepResult(string Step, string Summary, int Released);
