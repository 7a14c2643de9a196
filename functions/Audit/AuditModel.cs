using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Audit;

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
