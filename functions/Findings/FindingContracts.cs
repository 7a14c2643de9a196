using System.Text.Json.Serialization;

namespace ItInventory.Functions.Findings;

// Pure contracts of the findings API (the console links this file); the mapping from storage is in
// FindingViewMapping.cs.

/// <summary>How urgent a finding is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity
{
    Info,
    Low,
    Medium,
    High,
}

/// <summary>Where a finding stands (docs/audits.md, "Findings": what moves it where).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingStatus>))]
public enum FindingStatus
{
    /// <summary>Raised (or raised again) and nobody has acted on it.</summary>
    Open,

    /// <summary>Someone has seen it and owns the follow-up; the scans keep confirming it.</summary>
    Acknowledged,

    /// <summary>Silenced until <c>SnoozedUntil</c>; if the condition still holds then, it opens again.</summary>
    Snoozed,

    /// <summary>Closed by a person with a reason; reopens only if its condition clears and later comes back.</summary>
    Resolved,

    /// <summary>Closed by a scan because its condition no longer holds; reopens when the condition comes back.
    /// </summary>
    AutoResolved,
}

/// <summary>One entry of a finding's history: a status change (or an assignment), who or which run made it, why.
/// </summary>
public sealed record FindingHistoryEntry(
    DateTimeOffset At,
    string Action,
    FindingStatus Status,
    string Actor,
    string? Detail = null,
    string? RunId = null
);

/// <summary>Who resolved a finding, when and why.</summary>
public sealed record FindingResolutionView(string? By, string? ByName, DateTimeOffset? At, string? Reason);

/// <summary>A finding as the API shows it (<c>history</c> only on <c>GET /api/findings/{id}</c> and on changes).
/// </summary>
public sealed partial record FindingView(
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
);

/// <summary>A page of findings; <c>continuationToken</c> is absent on the last page. A page may hold fewer items than
/// <c>pageSize</c> (even none) and still have a token: follow it until it is absent.</summary>
public sealed record FindingPage(IReadOnlyList<FindingView> Items, string? ContinuationToken);

/// <summary>The body of <c>POST /api/findings/{id}/assign</c>: the Entra object id of an active person.</summary>
public sealed record AssignFindingRequest
{
    public string? Assignee { get; init; }
}

/// <summary>The body of <c>POST /api/findings/{id}/snooze</c>: until when (RFC 3339, in the future, at most
/// 366 days (<c>FindingActions.MaxSnoozeDays</c>) ahead) and optionally why.</summary>
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
