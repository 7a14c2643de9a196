using Azure;
using Azure.Data.Tables;

namespace ItInventory.Functions.Audit;

/// <summary>
/// One line of a daily segment (<c>{yyyy}/{MM}/{dd}.jsonl</c> in the archive container): every field the record's
/// hash covers, exactly as hashed (<see cref="ChangesJson"/> verbatim, <see cref="At"/> as <see
/// cref="AuditChain.FormatAt"/>),
/// so the hash can be recomputed from the archive alone.
/// </summary>
public sealed record ArchivedAuditRecord(
    string Lane,
    long Sequence,
    string At,
    string ActorKind,
    string ActorId,
    string? ActorName,
    string Entity,
    string EntityId,
    string Action,
    string ChangesJson,
    string? CorrelationId,
    string PreviousHash,
    string Hash
);

/// <summary>What a segment holds of one lane: records <see cref="FirstSequence"/>..<see cref="LastSequence"/>,
/// continuing
/// the lane after <see cref="PreviousLastSequence"/> (whose hash is <see cref="PreviousLastHash"/>). A lane without
/// records that day has no first sequence and its last equals the previous last.</summary>
public sealed record AuditSegmentLane(
    string Lane,
    long Records,
    long? FirstSequence,
    long LastSequence,
    string LastHash,
    long PreviousLastSequence,
    string PreviousLastHash
);

/// <summary>
/// The seal of a daily segment (<c>{yyyy}/{MM}/{dd}.seal.json</c>): the segment's SHA-256, its record count, per lane
/// the sequence range and the hashes it starts from and ends at, and the SHA-256 of the previous day's seal blob, so
/// the
/// seals form a chain of their own. The seal's own hash is the SHA-256 of its blob's bytes.
/// </summary>
public sealed record AuditSegmentManifest(
    string Date,
    string Segment,
    string ContentSha256,
    long RecordCount,
    IReadOnlyList<AuditSegmentLane> Lanes,
    string? PreviousDate,
    string? PreviousSealHash
);

/// <summary>What one archive run did.</summary>
public sealed record AuditArchiveRun(IReadOnlyList<string> Archived);

/// <summary>The archive's progress (table <c>audittrail</c>, PartitionKey <c>archive</c>, RowKey
/// <c>state</c>).</summary>
public sealed class AuditArchiveStateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = Storage.TableKeys.AuditArchivePartition;
    public string RowKey { get; set; } = Storage.TableKeys.AuditArchiveStateRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The last archived UTC day, <c>yyyy-MM-dd</c>.</summary>
    public string LastDate { get; set; } = "";

    /// <summary>SHA-256 of that day's seal blob.</summary>
    public string LastSealHash { get; set; } = "";
}
