using System.Text.Json;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Findings;

/// <summary>Who resolved a finding, when and why.</summary>
public sealed record FindingResolutionView(string? By, string? ByName, DateTimeOffset? At, string? Reason);

/// <summary>A finding as the API shows it (<c>history</c> only on <c>GET /api/findings/{id}</c> and on changes).
/// </summary>
public sealed record FindingView(
    string Id,
    string Kind,
    string SubjectType,
    string SubjectId,
    FindingSeverity Severity,
    FindingStatus Status,
    string? Department,
    string Text,
    IReadOnlyDictionary<string, string>? Facts,
    DateTimeOffset FirstRaisedAt,
    DateTimeOffset LastConfirmedAt,
    DateTimeOffset LastChangedAt,
    DateTimeOffset? SnoozedUntil,
    string? Assignee,
    string? AssigneeName,
    FindingResolutionView? Resolution,
    int Occurrences,
    IReadOnlyList<FindingHistoryEntry>? History,
    int? HistoryDropped
)
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

/// <summary>A page of findings; <c>continuationToken</c> is absent on the last page. A page may hold fewer items than
/// <c>pageSize</c> (even none) and still have a token: follow it until it is absent.</summary>
public sealed record FindingPage(IReadOnlyList<FindingView> Items, string? ContinuationToken);

/// <summary>The body of <c>POST /api/findings/{id}/assign</c>: the Entra object id of an active person.</summary>
public sealed record AssignFindingRequest
{
    public string? Assignee { get; init; }
}

/// <summary>The body of <c>POST /api/findings/{id}/snooze</c>: until when (RFC 3339, in the future, at most
/// <see cref="FindingActions.MaxSnoozeDays"/> days ahead) and optionally why.</summary>
public sealed record SnoozeFindingRequest
{
    public DateTimeOffset? Until { get; init; }
    public string? Reason { get; init; }
}

/// <summary>The body of <c>POST /api/findings/{id}/resolve</c>: why (required).</summary>
public sealed record ResolveFindingRequest
{
    public string? Reason { get; init; }
}

/// <summary>One cell of the findings summary.</summary>
public sealed record FindingCount(string Kind, FindingStatus Status, string? Department, int Count);

/// <summary>The answer of <c>GET /api/findings/summary</c>: counts by kind × status × department.</summary>
public sealed record FindingSummary(int Total, IReadOnlyList<FindingCount> Items);
