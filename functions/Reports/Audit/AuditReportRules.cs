using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>The audit report's rules, without I/O: the period asked for, report ids, and the findings and campaigns
/// as they stood at the period end (from their own history, so a rerun gives the same numbers).</summary>
public static partial class AuditReportRules
{
    /// <summary>The longest period one report covers (a year).</summary>
    public const int MaxDays = 366;

    /// <summary>Checks the request: a month (<c>period</c>) or a range (<c>from</c>/<c>to</c>) of days that have
    /// ended; nothing means the month that ended last.</summary>
    public static Outcome<(DateOnly From, DateOnly To)> Period(AuditReportRequest request, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.RequestId is { } requestId && !RequestIdRegex().IsMatch(requestId))
            errors["requestId"] = ["1-100 characters: letters, digits and . _ : -"];
        DateOnly from,
            to;
        if (request.Period is not null)
        {
            if (request.From is not null || request.To is not null)
                errors["period"] = ["Give either period or from/to, not both."];
            if (
                !DateOnly.TryParseExact(
                    request.Period + "-01",
                    "yyyy-MM-dd",
                    CultureInfo.InvariantCulture,
                    DateTimeStyles.None,
                    out from
                )
            )
                errors["period"] = ["A month, yyyy-MM."];
            to = from.AddMonths(1).AddDays(-1);
        }
        else if (request.From is not null || request.To is not null)
        {
            if (!TryDay(request.From, out from))
                errors["from"] = ["A day, yyyy-MM-dd (with to)."];
            if (!TryDay(request.To, out to))
                errors["to"] = ["A day, yyyy-MM-dd (with from)."];
        }
        else
        {
            from = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
            to = from.AddMonths(1).AddDays(-1);
        }
        if (errors.Count == 0)
        {
            var field = request.Period is null ? "to" : "period";
            if (to < from)
                errors["to"] = ["Must not be before from."];
            else if (to.DayNumber - from.DayNumber + 1 > MaxDays)
                errors[field] = [$"At most {MaxDays} days."];
            else if (to >= today)
                errors[field] = ["The period must have ended: its last day before today (UTC)."];
        }
        return errors.Count > 0 ? Problem.BadRequest("The audit report's request is not valid.", errors) : (from, to);
    }

    private static bool TryDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>A report's id: derived from the caller and their request id (a retry finds the same report), else
    /// new.</summary>
    public static string ReportId(string actor, string? requestId, DateTimeOffset now) =>
        requestId is null
            ? Guid.CreateVersion7(now).ToString("N")
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"audit-report|{actor}|{requestId}")))[
                ..32
            ];

    public static bool IsReportId(string? id) => id is not null && ReportIdRegex().IsMatch(id);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateTimeOffset StartOf(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A finding's status at <paramref name="at"/>: the last history entry before it; null when the finding
    /// did not exist yet. When older entries were dropped from the row, an earlier time reads as the oldest kept
    /// entry's status before it, approximated as open.</summary>
    public static FindingStatus? StatusAt(
        FindingEntity finding,
        IReadOnlyList<FindingHistoryEntry> history,
        DateTimeOffset at
    )
    {
        if (finding.FirstRaisedAt >= at)
            return null;
        FindingStatus? status = null;
        foreach (var entry in history)
        {
            if (entry.At < at)
                status = entry.Status;
        }
        return status ?? FindingStatus.Open;
    }

    public static bool IsOpen(FindingStatus? status) =>
        status is FindingStatus.Open or FindingStatus.Acknowledged or FindingStatus.Snoozed;

    /// <summary>The findings over [start, end): per kind (open at the start, opened, reopened, resolved by a person,
    /// auto-resolved, open at the end), the findings open at the end or changed in the period, and their history
    /// entries in the period.</summary>
    public static (
        List<AuditFindingKindRow> Kinds,
        List<AuditFindingLine> Lines,
        List<AuditFindingEvent> Events
    ) Findings(IEnumerable<FindingEntity> findings, DateTimeOffset start, DateTimeOffset end)
    {
        var kinds = new SortedDictionary<string, int[]>(StringComparer.Ordinal);
        var lines = new List<AuditFindingLine>();
        var events = new List<AuditFindingEvent>();
        foreach (var finding in findings)
        {
            var history = FindingTransitions.History(finding);
            var atEnd = StatusAt(finding, history, end);
            if (atEnd is null)
                continue;
            var inPeriod = history.Where(h => h.At >= start && h.At < end).ToList();
            var openAtStart = IsOpen(StatusAt(finding, history, start));
            if (!openAtStart && !IsOpen(atEnd) && inPeriod.Count == 0)
                continue;
            if (!kinds.TryGetValue(finding.Kind, out var counts))
                kinds[finding.Kind] = counts = new int[6];
            counts[0] += openAtStart ? 1 : 0;
            counts[1] += inPeriod.Count(h => h.Action == "opened");
            counts[2] += inPeriod.Count(h => h.Action == "reopened");
            counts[3] += inPeriod.Count(h => h.Status == FindingStatus.Resolved);
            counts[4] += inPeriod.Count(h => h.Status == FindingStatus.AutoResolved);
            counts[5] += IsOpen(atEnd) ? 1 : 0;
            lines.Add(
                new AuditFindingLine(
                    finding.Id,
                    finding.Kind,
                    finding.Severity,
                    finding.Department,
                    atEnd.Value.ToString(),
                    finding.FirstRaisedAt,
                    finding.Text
                )
            );
            events.AddRange(
                inPeriod.Select(h => new AuditFindingEvent(
                    finding.Id,
                    h.At,
                    h.Action,
                    h.Status.ToString(),
                    h.Actor,
                    h.Detail
                ))
            );
        }
        return (
            [
                .. kinds.Select(k => new AuditFindingKindRow(
                    k.Key,
                    k.Value[0],
                    k.Value[1],
                    k.Value[2],
                    k.Value[3],
                    k.Value[4],
                    k.Value[5]
                )),
            ],
            [.. lines.OrderBy(l => l.Kind, StringComparer.Ordinal).ThenBy(l => l.Id, StringComparer.Ordinal)],
            [.. events.OrderBy(e => e.At).ThenBy(e => e.FindingId, StringComparer.Ordinal)]
        );
    }

    /// <summary>The campaigns that ran during [start, end) (created before the end, not closed before the start);
    /// results only for those closed before the end (frozen at close), and their overall accuracy rate.</summary>
    public static (List<AuditCampaignLine> Lines, double? AccuracyRate) Campaigns(
        IEnumerable<CampaignEntity> campaigns,
        DateTimeOffset start,
        DateTimeOffset end
    )
    {
        var lines = new List<AuditCampaignLine>();
        foreach (var c in campaigns)
        {
            if (c.CreatedAt >= end || c.ClosedAt < start)
                continue;
            var closed = c.ClosedAt < end;
            lines.Add(
                new AuditCampaignLine(
                    c.RowKey,
                    c.Name,
                    closed ? nameof(CampaignStatus.Closed) : nameof(CampaignStatus.Open),
                    c.CreatedAt,
                    closed ? c.ClosedAt : null,
                    c.Expected,
                    closed ? c.Found : null,
                    closed ? c.FoundAsRecorded : null,
                    closed ? c.Missing : null,
                    closed ? c.LocationDifferent : null,
                    closed ? c.Damaged : null,
                    closed ? c.Unexpected : null,
                    closed ? c.AccuracyRate : null
                )
            );
        }
        var closedLines = lines.Where(l => l.ClosedAt is not null && l.Expected > 0).ToList();
        var expected = closedLines.Sum(l => l.Expected);
        double? rate =
            expected == 0 ? null : Math.Round((double)closedLines.Sum(l => l.FoundAsRecorded ?? 0) / expected, 4);
        return ([.. lines.OrderBy(l => l.CreatedAt).ThenBy(l => l.Id, StringComparer.Ordinal)], rate);
    }

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,100}$")]
    private static partial Regex RequestIdRegex();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex ReportIdRegex();
}
