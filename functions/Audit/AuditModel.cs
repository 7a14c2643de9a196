using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Audit;

/// <summary>Who made a change: a person (Entra object id and UPN), a device, or a system job.</summary>
public sealed record AuditActor(string Kind, string Id, string? Name)
{
    public static AuditActor Person(string objectId, string? upn) => new("user", objectId, upn);

    public static AuditActor Device(string deviceId) => new("device", deviceId, null);

    public static AuditActor System(string job) => new("system", job, null);
}

/// <summary>One change to record: what entity, which action, the changed fields before and after.</summary>
public sealed record AuditEvent(
    AuditActor Actor,
    string Entity,
    string EntityId,
    string Action,
    IReadOnlyList<FieldChange> Changes,
    string? CorrelationId
);

/// <summary>
/// A record of the audit trail (table <c>audittrail</c>): PartitionKey = its lane (<see
/// cref="Storage.TableKeys.AuditLane"/>),
/// RowKey = its sequence number in the lane. Each record carries the hash of the previous record of its lane and its
/// own
/// hash over its content and that previous hash: changing, removing or reordering a record breaks the chain.
/// </summary>
public sealed class AuditRecordEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Sequence { get; set; }
    public DateTimeOffset At { get; set; }
    public string ActorKind { get; set; } = "";
    public string ActorId { get; set; } = "";
    public string? ActorName { get; set; }
    public string Entity { get; set; } = "";
    public string EntityId { get; set; } = "";
    public string Action { get; set; } = "";

    /// <summary>The changed fields, before and after, as JSON.</summary>
    public string ChangesJson { get; set; } = "[]";
    public string? CorrelationId { get; set; }
    public string PreviousHash { get; set; } = "";
    public string Hash { get; set; } = "";
}

/// <summary>The head of a lane: its last sequence number and hash (RowKey <see
/// cref="Storage.TableKeys.AuditHeadRow"/>).</summary>
public sealed class AuditHeadEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Storage.TableKeys.AuditHeadRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Sequence { get; set; }
    public string Hash { get; set; } = "";
}

/// <summary>A reference row of a lane (RowKey <see cref="Storage.TableKeys.AuditRefRow"/>): the record that an
/// idempotent append wrote for its key. Not part of the chain.</summary>
public sealed class AuditRefEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public long Sequence { get; set; }
}

/// <summary>An audit record as the API shows it.</summary>
public sealed record AuditRecordView(
    string Lane,
    long Sequence,
    DateTimeOffset At,
    AuditActor Actor,
    string Entity,
    string EntityId,
    string Action,
    IReadOnlyList<FieldChange> Changes,
    string? CorrelationId,
    string PreviousHash,
    string Hash
);

/// <summary>The answer of <c>GET /api/audit-trail/verify</c>.</summary>
public sealed record AuditVerification(bool Intact, int Lanes, long Records, IReadOnlyList<AuditBreak> Breaks);

/// <summary>Where and why a lane's chain is broken.</summary>
public sealed record AuditBreak(string Lane, long Sequence, string Reason);

/// <summary>A page of audit records, oldest first; <c>continuationToken</c> is absent on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecordView> Items, string? ContinuationToken);
