using Azure;
using Azure.Data.Tables;

namespace ItInventory.Functions.Findings;

/// <summary>
/// A condition a scan found (the contract the scans code against): one finding per (Kind, SubjectType, SubjectId).
/// <see cref="SubjectId"/> is a key-safe token (<see cref="FindingKeys.SubjectIdPattern"/>: letters, digits and
/// <c>_ . : @ -</c>, at most 200 characters): hash anything else (e.g. a serial number) before raising.
/// </summary>
public sealed record FindingCondition(
    string Kind,
    string SubjectType,
    string SubjectId,
    FindingSeverity Severity,
    string? Department,
    string Text,
    IReadOnlyDictionary<string, string>? Facts = null
);

/// <summary>What a reconciliation (or a raise) did: findings opened, reopened (incl. snoozes that ended while the
/// condition held), confirmed (condition still present), auto-resolved (condition absent).</summary>
public sealed record FindingReconciliation(int Opened, int Reopened, int Confirmed, int AutoResolved)
{
    public static FindingReconciliation None { get; } = new(0, 0, 0, 0);

    public FindingReconciliation Add(FindingReconciliation other) =>
        new(
            Opened + other.Opened,
            Reopened + other.Reopened,
            Confirmed + other.Confirmed,
            AutoResolved + other.AutoResolved
        );
}

/// <summary>
/// A finding (table <c>findings</c>): PartitionKey = kind, RowKey = <c>&lt;subjectId&gt;.&lt;subjectType&gt;</c>
/// (<see cref="FindingKeys"/>), so a scan reads the findings of its kinds with one partition query each and one
/// subject's finding of a kind with a range query. Listing by department and by subject goes through index rows
/// (<see cref="FindingIndexEntity"/>). Findings are never deleted; the last <see cref="FindingService.MaxHistory"/>
/// history entries live in the row itself, so a status change and its history are one atomic write.
/// </summary>
public sealed class FindingEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Id => FindingKeys.Id(PartitionKey, RowKey);

    public string Kind { get; set; } = "";
    public string SubjectType { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string Severity { get; set; } = nameof(FindingSeverity.Info);
    public string? Department { get; set; }
    public string Text { get; set; } = "";
    public string? FactsJson { get; set; }

    public string Status { get; set; } = nameof(FindingStatus.Open);
    public DateTimeOffset? SnoozedUntil { get; set; }
    public string? ResolvedBy { get; set; }
    public string? ResolvedByName { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public string? Resolution { get; set; }
    public string? Assignee { get; set; }
    public string? AssigneeName { get; set; }

    public DateTimeOffset FirstRaisedAt { get; set; }
    public DateTimeOffset LastConfirmedAt { get; set; }
    public DateTimeOffset LastChangedAt { get; set; }

    /// <summary>Whether the last scan (or raise) saw the condition: a manually resolved finding reopens only after
    /// a scan has seen its condition absent (false) and a later one sees it again.</summary>
    public bool ConditionPresent { get; set; } = true;

    /// <summary>How many times the condition was raised: 1 on opening, +1 per reopening.</summary>
    public int Occurrences { get; set; } = 1;

    public string? LastRunId { get; set; }
    public string HistoryJson { get; set; } = "[]";

    /// <summary>History entries dropped from the row (the oldest first); the audit trail keeps the people's actions.
    /// </summary>
    public int HistoryDropped { get; set; }

    public FindingStatus StatusValue => Enum.Parse<FindingStatus>(Status);

    public bool IsClosed => StatusValue is FindingStatus.Resolved or FindingStatus.AutoResolved;
}

/// <summary>
/// When the latest full reconciliation of a kind confirmed its standing findings (same table, PartitionKey
/// <see cref="FindingKeys.ConfirmationsPartition"/>, RowKey = the kind): a confirmation that changes nothing is not
/// written to the finding's row, so readers take LastConfirmedAt from here
/// (<see cref="FindingService.WithConfirmationsAsync"/>).
/// </summary>
public sealed class FindingConfirmationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = FindingKeys.ConfirmationsPartition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset ConfirmedAt { get; set; }
    public string RunId { get; set; } = "";
}

/// <summary>
/// An index row of a finding (same table): PartitionKey <see cref="FindingKeys.DepartmentPartition"/> or
/// <see cref="FindingKeys.SubjectPartition"/>, RowKey = the finding's id. It carries the fields listings filter on;
/// the finding row stays the truth: a listing through an index re-reads each finding and repairs an index row that
/// fell behind (e.g. a crash between the two writes).
/// </summary>
public sealed class FindingIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Kind { get; set; } = "";
    public string SubjectType { get; set; } = "";
    public string SubjectId { get; set; } = "";
    public string Severity { get; set; } = "";
    public string Status { get; set; } = "";
    public string? Department { get; set; }
    public DateTimeOffset FirstRaisedAt { get; set; }
}
