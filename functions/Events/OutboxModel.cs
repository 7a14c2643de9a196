using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;

namespace ItInventory.Functions.Events;

/// <summary>One integration event staged by a change: type, subject and data (the envelope is added on
/// publishing).</summary>
public sealed record StagedEvent(string Type, string Subject, JsonElement Data);

/// <summary>
/// What one change implies, stored in its outbox row: the audit record(s) for the hash-chained trail and the
/// integration event(s) to publish, with the time of the change. <see cref="AuditKeys"/>: per audit record, the
/// idempotency key its change chose (null: the entry's own, <see cref="OutboxKeys.AuditKey"/>); absent in entries
/// written before keys could be chosen.
/// </summary>
public sealed record OutboxPayload(
    DateTimeOffset At,
    IReadOnlyList<AuditEvent> Audits,
    IReadOnlyList<StagedEvent> Events,
    IReadOnlyList<string?>? AuditKeys = null
)
{
    /// <summary>The idempotency key of the <paramref name="index"/>-th audit record of entry <paramref name="id"/>.
    /// </summary>
    public string AuditKey(string id, int index) =>
        AuditKeys is { } keys && index < keys.Count && keys[index] is { Length: > 0 } key
            ? key
            : OutboxKeys.AuditKey(id, index);
}

/// <summary>
/// An outbox row: written in the same batch transaction as the change it describes (RowKey
/// <c>outbox|&lt;id&gt;</c> in the changed partition), or on its own in the outbox table where no single transaction
/// can hold both (then it is written before the change). Deleted by the dispatcher once delivered.
/// </summary>
public sealed class OutboxRowEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary>The <see cref="OutboxPayload"/> as JSON.</summary>
    public string Payload { get; set; } = "";
}

/// <summary>
/// The outbox table's pending row of an entry (PartitionKey <see cref="OutboxKeys.PendingPartition"/>, RowKey = the
/// entry id, time-ordered): written before the change, it lets the sweep find entries whose queue message was lost.
/// It points at the entry's outbox row (Table, TargetPartition, TargetRow), or holds the payload itself when the
/// change could not carry the row (<see cref="Payload"/> set: a write-ahead entry).
/// </summary>
public sealed class OutboxPendingEntity : ITableEntity
{
    public string PartitionKey { get; set; } = OutboxKeys.PendingPartition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Table { get; set; } = "";
    public string TargetPartition { get; set; } = "";
    public string TargetRow { get; set; } = "";
    public string? Payload { get; set; }
}

/// <summary>The dispatcher's queue message: the entry and where its outbox row is.</summary>
public sealed record OutboxMessage(string Id, string Table, string PartitionKey, string RowKey);

public static class OutboxKeys
{
    public const string PendingPartition = "pending";

    /// <summary>RowKey prefix of outbox rows inside other tables' partitions.</summary>
    public const string RowPrefix = "outbox|";

    public static string Row(string id) => RowPrefix + id;

    /// <summary>The column holding the entry id on a row that carries an entry (<see cref="OutboxEntry.CarryIn"/>);
    /// the payload is in <c>Payload</c>, as on an outbox row.</summary>
    public const string CarriedIdColumn = "OutboxId";

    /// <summary>The columns to read from a row that may carry an entry.</summary>
    public static readonly string[] CarriedColumns = [CarriedIdColumn, nameof(OutboxRowEntity.Payload)];

    /// <summary>
    /// Whether the dispatcher deletes the entry's row once delivered: an outbox row (<see cref="RowPrefix"/>) or a
    /// written-ahead entry in the outbox table. A row that only carries the payload (a check-in marker, see <see
    /// cref="OutboxEntry.CarryIn"/>) is the change's own and stays.
    /// </summary>
    public static bool IsOwnRow(string table, string outboxTable, string partitionKey, string rowKey) =>
        rowKey.StartsWith(RowPrefix, StringComparison.Ordinal)
        || (table == outboxTable && partitionKey == PendingPartition);

    /// <summary>Entry ids sort by creation time (19-digit UTC ticks), then a random part.</summary>
    public static string NewId(DateTimeOffset at) =>
        at.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture)
        + "-"
        + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Every id created before <paramref name="at"/> sorts below this.</summary>
    public static string IdsBefore(DateTimeOffset at) =>
        at.UtcTicks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The idempotency key of the entry's <paramref name="index"/>-th audit record.</summary>
    public static string AuditKey(string id, int index) => $"outbox|{id}|{index}";

    /// <summary>The stable CloudEvents id of the entry's <paramref name="index"/>-th event.</summary>
    public static string EventId(string id, int index) => $"{id}.{index}";
}
