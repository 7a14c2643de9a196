using Azure;
using Azure.Data.Tables;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>Body of <c>POST /api/reports/audit</c> (every field optional; an empty body is the month that ended
/// last).</summary>
public sealed record AuditReportRequest
{
    /// <summary>A client-chosen id of this request: repeating it (a retry) answers the same report, never a second
    /// one.</summary>
    public string? RequestId { get; init; }

    /// <summary>A month, <c>yyyy-MM</c> (instead of <see cref="From"/>/<see cref="To"/>).</summary>
    public string? Period { get; init; }

    /// <summary>First day, <c>yyyy-MM-dd</c> (with <see cref="To"/>).</summary>
    public string? From { get; init; }

    /// <summary>Last day, inclusive, <c>yyyy-MM-dd</c>, before today (UTC).</summary>
    public string? To { get; init; }
}

/// <summary>Where a requested audit report stands.</summary>
public enum AuditReportStatus
{
    Pending,
    Running,
    Done,
    Failed,
}

/// <summary>A file of a finished audit report and where to download it.</summary>
public sealed record AuditReportFile(string Name, string Href);

/// <summary>The status resource <c>GET /api/reports/audit/{id}</c>.</summary>
public sealed record AuditReportView(
    string Id,
    string Status,
    string From,
    string To,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    string? RequestId,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Error,
    IReadOnlyList<AuditReportFile> Files
);

/// <summary>The queue message that asks the worker to generate report <see cref="Id"/>.</summary>
public sealed record AuditReportMessage(string Id);

/// <summary>
/// A requested audit report (table <c>auditreports</c>, PartitionKey = report id, RowKey <see cref="Row"/>): the
/// request, its status and, when done, its files (also in the reports index, kind <c>audit</c>, period = the id).
/// </summary>
public sealed class AuditReportJobEntity : ITableEntity
{
    public const string Row = "job";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string From { get; set; } = "";
    public string To { get; set; } = "";
    public string? RequestId { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string RequestedBy { get; set; } = "";
    public string Status { get; set; } = nameof(AuditReportStatus.Pending);
    public int Attempts { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? Error { get; set; }

    /// <summary>The report's file names, comma-separated, once done.</summary>
    public string Files { get; set; } = "";
}

// ---- the report's content (pure data; AuditReportTables renders it) ----

/// <summary>The findings of one kind over the period.</summary>
public sealed record AuditFindingKindRow(
    string Kind,
    int OpenAtStart,
    int Opened,
    int Reopened,
    int Resolved,
    int AutoResolved,
    int OpenAtEnd
);

/// <summary>A finding as it stood at the period end (open then, or changed during the period).</summary>
public sealed record AuditFindingLine(
    string Id,
    string Kind,
    string Severity,
    string? Department,
    string StatusAtEnd,
    DateTimeOffset FirstRaisedAt,
    string Text
);

/// <summary>One history entry of a finding within the period.</summary>
public sealed record AuditFindingEvent(
    string FindingId,
    DateTimeOffset At,
    string Action,
    string Status,
    string Actor,
    string? Detail
);

/// <summary>A campaign that ran during the period; its results only when it closed before the period end (frozen at
/// close).</summary>
public sealed record AuditCampaignLine(
    string Id,
    string Name,
    string StatusAtEnd,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    int Expected,
    int? Found,
    int? FoundAsRecorded,
    int? Missing,
    int? LocationDifferent,
    int? Damaged,
    int? Unexpected,
    double? AccuracyRate
);

/// <summary>One result of the verifications run with the report (the live trail, then each archived day).</summary>
public sealed record AuditVerificationLine(string Check, string Scope, string Result, long? Records, string? Detail);

/// <summary>A sanitisation recorded in the period.</summary>
public sealed record AuditSanitisationLine(
    string AssetId,
    string? Tag,
    string RecordId,
    int Attempt,
    string Method,
    string Tool,
    string Result,
    DateTimeOffset PerformedAt,
    DateTimeOffset RecordedAt,
    string RecordedBy
);

/// <summary>A sanitisation certificate issued in the period, with the SHA-256 of its canonical record.</summary>
public sealed record AuditCertificateLine(
    string AssetId,
    string? Tag,
    string CertificateId,
    string Sha256,
    DateTimeOffset IssuedAt
);

/// <summary>A disposal recorded in the period.</summary>
public sealed record AuditDisposalLine(
    string AssetId,
    string? Tag,
    string Recycler,
    string RecyclerCertification,
    string WeeeReference,
    DateTimeOffset CollectedAt,
    DateTimeOffset RecordedAt,
    string RecordedBy
);

/// <summary>Everything an audit report shows.</summary>
public sealed record AuditReport
{
    public required string Id { get; init; }
    public DateOnly From { get; init; }
    public DateOnly To { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    public required string RequestedBy { get; init; }
    public IReadOnlyList<AuditFindingKindRow> FindingKinds { get; init; } = [];
    public IReadOnlyList<AuditFindingLine> Findings { get; init; } = [];
    public IReadOnlyList<AuditFindingEvent> FindingHistory { get; init; } = [];
    public IReadOnlyList<AuditCampaignLine> Campaigns { get; init; } = [];

    /// <summary>Found at the recorded location ÷ expected, over the campaigns closed in the period; null without
    /// any.</summary>
    public double? AccuracyRate { get; init; }
    public bool TrailIntact { get; init; }
    public IReadOnlyList<AuditVerificationLine> Verification { get; init; } = [];
    public IReadOnlyList<AuditSanitisationLine> Sanitisations { get; init; } = [];
    public IReadOnlyList<AuditCertificateLine> Certificates { get; init; } = [];
    public IReadOnlyList<AuditDisposalLine> Disposals { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
}
