using System.Text.Json;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Findings;

/// <summary>The mapping of a stored finding to its contract (kept apart: the console links FindingContracts.cs).
/// </summary>
public sealed partial record FindingView
{
    public static FindingView From(FindingEntity e, bool withHistory) =>
        new(
            e.Id,
            e.Kind,
            e.SubjectType,
            e.SubjectId,
            Enum.Parse<FindingSeverity>(e.Severity),
            e.StatusValue,
            e.Department,
            e.Text,
            e.FactsJson is null
                ? null
                : JsonSerializer.Deserialize(e.FactsJson, ApiJsonContext.Default.DictionaryStringString),
            e.FirstRaisedAt,
            e.LastConfirmedAt,
            e.LastChangedAt,
            e.SnoozedUntil,
            e.Assignee,
            e.AssigneeName,
            e.ResolvedAt is null && e.Resolution is null
                ? null
                : new FindingResolutionView(e.ResolvedBy, e.ResolvedByName, e.ResolvedAt, e.Resolution),
            e.Occurrences,
            withHistory ? FindingTransitions.History(e) : null,
            withHistory ? e.HistoryDropped : null
        );
}
