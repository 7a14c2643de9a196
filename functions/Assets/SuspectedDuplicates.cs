using ItInventory.Functions.Audit;
using ItInventory.Functions.Events;
using ItInventory.Functions.Findings;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Assets;

/// <summary>An asset kept apart because its identities conflict with other assets'.</summary>
/// <param name="Source"><c>enrollment</c> or <c>checkin</c>.</param>
/// <param name="EventId">What reported it (the check-in id, or the new asset's id for an enrollment): makes the audit
/// record and the finding's run id idempotent.</param>
public sealed record SuspectedDuplicate(
    string AssetId,
    string? Label,
    string? Department,
    IReadOnlyList<string> Before,
    IReadOnlyList<string> Others,
    IReadOnlyList<string> Reasons,
    string Source,
    string EventId
)
{
    /// <summary>The asset's ids after this record: what it was suspected of before, plus the others.</summary>
    public IReadOnlyList<string> After => Merge(Before, Others);

    public string ReasonText => Clip(string.Join("; ", Reasons));

    public static IReadOnlyList<string> Merge(IEnumerable<string> before, IEnumerable<string> others) =>
        before.Concat(others).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>Reasons name identities; a table property and a finding's text stay far below their limits.</summary>
    public static string Clip(string text) => text.Length <= 2000 ? text : text[..1997] + "...";
}

/// <summary>
/// Records a suspected duplicate for review: one audit record (entity <c>asset</c>, action
/// <c>suspected-duplicate</c>) and a <c>suspected-duplicate</c> finding on the asset. The record travels in the outbox
/// entry of the write that sets the asset's <c>SuspectedDuplicateOf</c> (<see cref="Stage"/>: the enrollment's first
/// batch, or the check-in's final batch with its marker), so it commits with that write or not at all; its
/// idempotency key stays the one it had when it was appended directly (<c>suspected-duplicate|&lt;event&gt;</c>), so
/// a record appended by the code before the outbox is never appended again. The finding (<see cref="RaiseAsync"/>) is
/// idempotent per event and raised before the write, so a redelivery that finds the write done has nothing left.
/// </summary>
public sealed class SuspectedDuplicates(FindingService findings, ILogger<SuspectedDuplicates> logger)
{
    /// <summary>Adds the record's audit record to the entry of the write that marks the asset.</summary>
    public static OutboxEntry Stage(OutboxEntry entry, SuspectedDuplicate record) =>
        entry.Audit(
            new AuditEvent(
                AuditActor.Device(record.AssetId),
                "asset",
                record.AssetId,
                "suspected-duplicate",
                [
                    new(
                        nameof(AssetDetailEntity.SuspectedDuplicateOf),
                        record.Before.Count == 0 ? null : string.Join(",", record.Before),
                        string.Join(",", record.After)
                    ),
                    new("Reason", null, record.ReasonText),
                ],
                null
            ),
            $"suspected-duplicate|{record.EventId}"
        );

    /// <summary>Raises (or confirms) the finding, idempotent per event.</summary>
    public async Task RaiseAsync(SuspectedDuplicate record, CancellationToken cancellationToken)
    {
        var label = record.Label ?? record.AssetId;
        await findings.RaiseAsync(
            new FindingCondition(
                FindingKinds.SuspectedDuplicate,
                FindingSubjects.Asset,
                record.AssetId,
                FindingSeverity.High,
                record.Department,
                SuspectedDuplicate.Clip(
                    $"{label} may duplicate {string.Join(", ", record.After)} ({record.Source}): {record.ReasonText}"
                ),
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["asset"] = label,
                    ["duplicateOf"] = string.Join(",", record.After),
                    ["source"] = record.Source,
                    ["reason"] = record.ReasonText,
                }
            ),
            $"{record.Source}-{record.EventId}",
            cancellationToken
        );
        logger.LogWarning(
            "Asset {AssetId} kept apart as a suspected duplicate of {OtherAssetIds} ({Source}): {Reason}",
            record.AssetId,
            string.Join(",", record.After),
            record.Source,
            record.ReasonText
        );
    }
}
