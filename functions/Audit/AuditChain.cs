using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace ItInventory.Functions.Audit;

/// <summary>The hash chain of the audit trail (pure): how a record's hash is computed and how a lane is
/// verified.</summary>
public static class AuditChain
{
    /// <summary>The hash before the first record of a lane.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>SHA-256 over a canonical JSON array of every field of the record and the previous record's
    /// hash.</summary>
    public static string Hash(AuditRecordEntity record)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            w.WriteStringValue(record.PartitionKey);
            w.WriteNumberValue(record.Sequence);
            w.WriteStringValue(FormatAt(record.At));
            w.WriteStringValue(record.ActorKind);
            w.WriteStringValue(record.ActorId);
            w.WriteStringValue(record.ActorName);
            w.WriteStringValue(record.Entity);
            w.WriteStringValue(record.EntityId);
            w.WriteStringValue(record.Action);
            w.WriteStringValue(record.ChangesJson);
            w.WriteStringValue(record.CorrelationId);
            w.WriteStringValue(record.PreviousHash);
            w.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>A record's time as hashed (and as archived): UTC, seven fractional digits.</summary>
    public static string FormatAt(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Checks one lane: records in sequence order from 1, each linked to the previous, each hash right, the
    /// head on the last.</summary>
    public static IEnumerable<AuditBreak> Verify(
        string lane,
        IReadOnlyList<AuditRecordEntity> records,
        AuditHeadEntity? head
    )
    {
        var previous = Genesis;
        long expected = 1;
        foreach (var record in records)
        {
            if (record.Sequence != expected)
            {
                yield return new AuditBreak(
                    lane,
                    expected,
                    $"record {expected} is missing (found {record.Sequence} next)"
                );
                yield break;
            }
            if (record.PreviousHash != previous)
            {
                yield return new AuditBreak(lane, record.Sequence, "does not link to the previous record's hash");
                yield break;
            }
            if (Hash(record) != record.Hash)
            {
                yield return new AuditBreak(lane, record.Sequence, "its content does not match its hash (altered)");
                yield break;
            }
            previous = record.Hash;
            expected++;
        }
        var last = expected - 1;
        if (head is null ? last != 0 : head.Sequence != last || head.Hash != previous)
        {
            yield return new AuditBreak(
                lane,
                last,
                $"the lane's head ({head?.Sequence ?? 0}) does not match its last record ({last}): records were "
                    + "removed or added outside the chain"
            );
        }
    }
}
