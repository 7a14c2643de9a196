using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Audit;

// Pure contracts of the audit trail API (the console links this file); storage rows are in AuditModel.cs.

/// <summary>Who made a change: a person (Entra object id and UPN), a device, or a system job.</summary>
public sealed record AuditActor(string Kind, string Id, string? Name)
{
    public static AuditActor Person(string objectId, string? upn) => new("user", objectId, upn);

    public static AuditActor Device(string deviceId) => new("device", deviceId, null);

    public static AuditActor System(string job) => new("system", job, null);
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

/// <summary>The answer of <c>GET /api/audit-trail/archive/{date}/verify</c>.</summary>
public sealed record AuditArchiveVerification(
    string Date,
    bool Intact,
    long Records,
    string ContentSha256,
    string SealHash,
    IReadOnlyList<AuditBreak> Breaks
);
