using System.Text.Json;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Reports.Audit;

namespace ItInventory.Functions.Tests.Reports.Audit;

/// <summary>The audit report's rules without storage: periods, ids, findings and campaigns as of the period end.
/// </summary>
public sealed class AuditReportRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset Nov(int day) => new(2026, 11, day, 12, 0, 0, TimeSpan.Zero);

    private static FindingEntity Finding(string subject, params FindingHistoryEntry[] history) =>
        new()
        {
            PartitionKey = FindingKinds.Missing,
            RowKey = FindingKeys.RowKey(FindingSubjects.Asset, subject),
            Kind = FindingKinds.Missing,
            FirstRaisedAt = history[0].At,
            HistoryJson = JsonSerializer.Serialize(history.ToList(), ApiJsonContext.Default.ListFindingHistoryEntry),
        };

    private static FindingHistoryEntry Entry(DateTimeOffset at, string action, FindingStatus status) =>
        new(at, action, status, "scan");

    [Fact]
    public void No_period_means_the_month_that_ended_last_and_a_month_or_a_range_of_ended_days_is_accepted()
    {
        Assert.Equal(
            (new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)),
            AuditReportRules.Period(new(), Today).Value
        );
        Assert.Equal(
            (new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28)),
            AuditReportRules.Period(new() { Period = "2026-02" }, Today).Value
        );
        Assert.Equal(
            (new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1)),
            AuditReportRules.Period(new() { From = "2026-12-01", To = "2026-12-01" }, Today).Value
        );
    }

    [Theory]
    [InlineData(null, "2026-13", null, null, "period")]
    [InlineData(null, "2026-12", null, null, "period")]
    [InlineData(null, "2026-11", "2026-11-01", null, "period")]
    [InlineData(null, null, "2026-11-02", "2026-11-01", "to")]
    [InlineData(null, null, null, "2026-11-01", "from")]
    [InlineData(null, null, "2026-11-01", "2026-12-02", "to")]
    [InlineData(null, null, "2025-01-01", "2026-01-02", "to")]
    [InlineData("a b", null, null, null, "requestId")]
    public void Bad_periods_and_request_ids_name_their_field(
        string? requestId,
        string? period,
        string? from,
        string? to,
        string field
    )
    {
        var outcome = AuditReportRules.Period(
            new()
            {
                RequestId = requestId,
                Period = period,
                From = from,
                To = to,
            },
            Today
        );

        Assert.True(outcome.Failed);
        Assert.Equal(400, outcome.Problem.Status);
        Assert.Contains(field, outcome.Problem.Errors!.Keys);
    }

    [Fact]
    public void A_request_id_gives_the_same_report_id_per_caller_and_none_a_new_one()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.Equal(AuditReportRules.ReportId("a", "r1", now), AuditReportRules.ReportId("a", "r1", now.AddDays(1)));
        Assert.NotEqual(AuditReportRules.ReportId("a", "r1", now), AuditReportRules.ReportId("b", "r1", now));
        Assert.NotEqual(AuditReportRules.ReportId("a", null, now), AuditReportRules.ReportId("a", null, now));
        Assert.True(AuditReportRules.IsReportId(AuditReportRules.ReportId("a", "r1", now)));
        Assert.True(AuditReportRules.IsReportId(AuditReportRules.ReportId("a", null, now)));
        Assert.False(AuditReportRules.IsReportId("2026-11"));
    }

    [Fact]
    public void Findings_are_counted_as_they_stood_in_the_period_whatever_happened_after_it()
    {
        var findings = new[]
        {
            // Open before the period, resolved in it.
            Finding(
                "a",
                Entry(Nov(1).AddMonths(-1), "opened", FindingStatus.Open),
                Entry(Nov(5), "resolved", FindingStatus.Resolved)
            ),
            // Opened in the period, auto-resolved after it: open at the end.
            Finding(
                "b",
                Entry(Nov(2), "opened", FindingStatus.Open),
                Entry(Nov(3), "acknowledged", FindingStatus.Acknowledged),
                Entry(End.AddDays(3), "auto-resolved", FindingStatus.AutoResolved)
            ),
            // Raised after the period: not in it.
            Finding("c", Entry(End.AddHours(1), "opened", FindingStatus.Open)),
            // Closed before the period and untouched in it: not in it.
            Finding(
                "d",
                Entry(Nov(1).AddMonths(-2), "opened", FindingStatus.Open),
                Entry(Nov(1).AddMonths(-1), "auto-resolved", FindingStatus.AutoResolved)
            ),
            // Auto-resolved and reopened in the period.
            Finding(
                "e",
                Entry(Nov(1).AddMonths(-1), "opened", FindingStatus.Open),
                Entry(Nov(10), "auto-resolved", FindingStatus.AutoResolved),
                Entry(Nov(20), "reopened", FindingStatus.Open)
            ),
        };

        var (kinds, lines, events) = AuditReportRules.Findings(findings, Start, End);

        Assert.Equal(new AuditFindingKindRow(FindingKinds.Missing, 2, 1, 1, 1, 1, 2), Assert.Single(kinds));
        Assert.Equal(["missing.a.asset", "missing.b.asset", "missing.e.asset"], lines.Select(l => l.Id));
        Assert.Equal(["Resolved", "Acknowledged", "Open"], lines.Select(l => l.StatusAtEnd));
        Assert.Equal(5, events.Count);
        Assert.All(events, e => Assert.InRange(e.At, Start, End));
    }

    [Fact]
    public void Campaigns_show_results_only_when_closed_within_the_period_and_the_rate_pools_them()
    {
        CampaignEntity Campaign(string id, int created, int? closed, int expected, int foundAsRecorded) =>
            new()
            {
                RowKey = id,
                Name = id,
                CreatedAt = Nov(created),
                ClosedAt = closed is { } day ? (day > 30 ? End.AddDays(day - 30) : Nov(day)) : null,
                Expected = expected,
                FoundAsRecorded = foundAsRecorded,
                AccuracyRate = expected == 0 ? null : (double)foundAsRecorded / expected,
            };

        var (lines, rate) = AuditReportRules.Campaigns(
            [
                Campaign("a", 2, 10, 4, 3),
                Campaign("b", 3, 12, 6, 6),
                Campaign("c", 20, 35, 10, 1),
                Campaign("d", 21, null, 5, 0),
            ],
            Start,
            End
        );

        Assert.Equal(["a", "b", "c", "d"], lines.Select(l => l.Id));
        Assert.Equal(["Closed", "Closed", "Open", "Open"], lines.Select(l => l.StatusAtEnd));
        Assert.Null(lines[2].AccuracyRate);
        Assert.Null(lines[2].FoundAsRecorded);
        Assert.Equal(0.9, rate);
    }
}
