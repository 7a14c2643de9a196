using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Lifecycle;

/// <summary>The current sanitisation record of an asset (table <c>assets</c>, PartitionKey = asset id, RowKey =
/// <see cref="TableKeys.SanitisationRow"/>). A new record replaces one whose verification failed; the replaced record
/// stays in the asset's history row and audit trail.</summary>
public sealed class SanitisationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.SanitisationRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string RecordId { get; set; } = "";
    public int Attempt { get; set; }
    public string Method { get; set; } = "";
    public string Tool { get; set; } = "";
    public string? ToolVersion { get; set; }
    public string Operator { get; set; } = "";
    public DateTimeOffset PerformedAt { get; set; }

    /// <summary>What was sanitised, as a JSON array of strings.</summary>
    public string MediaJson { get; set; } = "[]";
    public string VerificationMethod { get; set; } = "";
    public string VerificationResult { get; set; } = "";
    public string VerifiedBy { get; set; } = "";
    public DateTimeOffset VerifiedAt { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";

    /// <summary>Set once the certificate blob exists (only for a passed verification, after every step
    /// succeeded).</summary>
    public string? CertificateId { get; set; }
    public string? CertificateSha256 { get; set; }
    public DateTimeOffset? CertificateIssuedAt { get; set; }
}

/// <summary>The last result of one decommissioning step (RowKey = <see
/// cref="TableKeys.DecommissioningStepRow"/>).</summary>
public sealed class DecommissioningStepEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Step { get; set; } = "";

    /// <summary><c>Succeeded</c> or <c>Failed</c>.</summary>
    public string Status { get; set; } = "";
    public string? Summary { get; set; }
    public int Released { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset LastAttemptAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>The disposal record (RowKey = <see cref="TableKeys.DisposalRow"/>), written once with the move to
/// Disposed.</summary>
public sealed class DisposalEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.DisposalRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Recycler { get; set; } = "";
    public string RecyclerCertification { get; set; } = "";
    public string WeeeReference { get; set; } = "";
    public DateTimeOffset CollectedAt { get; set; }
    public string? Notes { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";
}
