using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>An asset as it stood at the week's end, as the snapshot reads it.</summary>
public sealed record SnapshotAsset(
    string Id,
    string? Tag,
    string? Name,
    string Kind,
    string State,
    string? Department,
    DateTimeOffset? EnrolledAt
);

/// <summary>A finding open at the week's end: since when (the start of its last open run before the end).</summary>
public sealed record OpenFinding(
    string Kind,
    string SubjectType,
    string SubjectId,
    string? Department,
    string Text,
    DateTimeOffset OpenSince
);

/// <summary>
/// Builds the weekly IT snapshot (pure): the findings open at the week's end first, then the assets as they stood
/// one at a time (only counters and the week's short lists are held), then the KPI snapshots of each scope.
/// </summary>
public sealed class ItSnapshotBuilder
{
    public const string NoDepartment = "(none)";
    public const string AllScope = "all";
    public const string Enrolled = "Enrolled";
    public const string AwaitingReview = "Awaiting review";
    public const string Sighting = "Unregistered sighting";

    /// <summary>The weekly points the KPI trend shows (this week and the seven before).</summary>
    public const int TrendWeeks = 8;

    /// <summary>How far before a day a KPI snapshot may lie to stand for it (the snapshots are daily).</summary>
    private const int KpiLookBackDays = 7;

    /// <summary>The conditions listed among the assets needing attention.</summary>
    public static IReadOnlyList<string> AttentionKinds { get; } = [FindingKinds.Offline, FindingKinds.Missing];

    private readonly Dictionary<(string, string, string), int> inventory = [];
    private readonly Dictionary<string, List<OpenFinding>> attentionByAsset = new(StringComparer.Ordinal);
    private readonly List<AttentionLine> attention = [];
    private readonly List<NewDeviceLine> newDevices = [];
    private readonly Dictionary<(string, string), int[]> findingAges = [];
    private readonly List<KpiTrendRow> kpis = [];
    private readonly List<KpiWeekPoint> kpiWeeks = [];
    private readonly HashSet<string> departments = new(StringComparer.Ordinal);

    public ItSnapshotBuilder(string period)
    {
        if (!IsoWeeks.TryParse(period, out var monday))
            throw new ArgumentException($"Not an ISO week: {period}", nameof(period));
        Period = period;
        Start = monday;
    }

    public string Period { get; }
    public DateOnly Start { get; }
    public DateOnly End => Start.AddDays(6);
    public DateTimeOffset StartAt => new(Start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    public DateTimeOffset EndExclusive => StartAt.AddDays(7);

    /// <summary>The departments seen so far (assets and findings): the KPI scopes to read.</summary>
    public IReadOnlyCollection<string> Departments => departments;

    /// <summary>Since when a finding was open at <paramref name="endExclusive"/>, from its history (null: not open
    /// then). A finding whose kept history starts after the end (older entries dropped) counts as open since it was
    /// first raised.</summary>
    public static DateTimeOffset? OpenSince(
        DateTimeOffset firstRaisedAt,
        IReadOnlyList<FindingHistoryEntry> history,
        DateTimeOffset endExclusive
    )
    {
        if (firstRaisedAt >= endExclusive)
            return null;
        var before = history.Where(h => h.At < endExclusive).OrderBy(h => h.At).ToList();
        if (before.Count == 0)
            return firstRaisedAt;
        DateTimeOffset? since = null;
        foreach (var entry in before)
        {
            if (entry.Status is FindingStatus.Resolved or FindingStatus.AutoResolved)
                since = null;
            else
                since ??= entry.At;
        }
        return since;
    }

    public void AddFinding(OpenFinding finding)
    {
        var department = string.IsNullOrEmpty(finding.Department) ? NoDepartment : finding.Department;
        departments.Add(department);
        var ages = findingAges.TryGetValue((department, finding.Kind), out var found)
            ? found
            : findingAges[(department, finding.Kind)] = new int[4];
        var days = (EndExclusive - finding.OpenSince).TotalDays;
        ages[
            days < 7 ? 0
            : days < 30 ? 1
            : days < 90 ? 2
            : 3
        ]++;
        if (finding.SubjectType == FindingSubjects.Asset && AttentionKinds.Contains(finding.Kind))
        {
            if (!attentionByAsset.TryGetValue(finding.SubjectId, out var list))
                attentionByAsset[finding.SubjectId] = list = [];
            list.Add(finding);
        }
        else if (finding.SubjectType == FindingSubjects.Sighting && finding.Kind == FindingKinds.UnregisteredDevice)
        {
            newDevices.Add(new(department, finding.SubjectId, finding.Text, Sighting, Day(finding.OpenSince), false));
        }
    }

    /// <summary>Adds one asset as it stood at the week's end (call after every <see cref="AddFinding"/>).</summary>
    public void Add(SnapshotAsset asset)
    {
        var department = string.IsNullOrEmpty(asset.Department) ? NoDepartment : asset.Department;
        departments.Add(department);
        var key = (department, asset.Kind, asset.State);
        inventory[key] = inventory.GetValueOrDefault(key) + 1;
        var review = asset.State == nameof(LifecycleState.Discovered);
        var enrolled = asset.EnrolledAt is { } at && at >= StartAt && at < EndExclusive;
        if (enrolled || review)
        {
            newDevices.Add(
                new(
                    department,
                    asset.Id,
                    asset.Name ?? "",
                    enrolled ? Enrolled : AwaitingReview,
                    asset.EnrolledAt is { } e ? Day(e) : null,
                    review
                )
            );
        }
        if (attentionByAsset.Remove(asset.Id, out var findings))
        {
            foreach (var f in findings)
                attention.Add(Attention(f, department, asset));
        }
    }

    private AttentionLine Attention(OpenFinding f, string department, SnapshotAsset? asset) =>
        new(
            department,
            f.SubjectId,
            asset?.Tag ?? "",
            asset?.Name ?? "",
            asset?.Kind ?? "",
            asset?.State ?? "",
            f.Kind,
            Day(f.OpenSince),
            (int)(EndExclusive - f.OpenSince).TotalDays
        );

    /// <summary>Adds the KPI rows of one scope (null: the whole inventory) from its daily snapshots of the trend's
    /// range (<see cref="KpiRange"/>), in day order.</summary>
    public void AddKpis(string? department, IReadOnlyList<KpiSnapshot> snapshots)
    {
        var scope = department ?? AllScope;
        KpiSnapshot? OnOrBefore(DateOnly day) =>
            snapshots.LastOrDefault(s =>
                KpiKeys.TryParseDay(s.Day, out var d) && d <= day && d > day.AddDays(-KpiLookBackDays)
            );
        var latest = OnOrBefore(End);
        var week = OnOrBefore(End.AddDays(-7));
        var month = OnOrBefore(End.AddMonths(-1));
        foreach (var name in KpiNames.All)
        {
            var read = KpiNames.Reader(name)!;
            var (now, w, m) = (
                latest is null ? null : read(latest),
                week is null ? null : read(week),
                month is null ? null : read(month)
            );
            kpis.Add(new(scope, name, latest?.Day, now, w, m, Change(now, w), Change(now, m)));
        }
        for (var k = TrendWeeks - 1; k >= 0; k--)
        {
            var day = End.AddDays(-7 * k);
            var point = OnOrBefore(day);
            foreach (var name in KpiNames.All)
                kpiWeeks.Add(new(scope, name, IsoWeeks.Of(day), point is null ? null : KpiNames.Reader(name)!(point)));
        }
    }

    /// <summary>The days of KPI snapshots <see cref="AddKpis"/> reads.</summary>
    public (DateOnly From, DateOnly To) KpiRange =>
        (
            new[]
            {
                End.AddDays(-7 * (TrendWeeks - 1) - KpiLookBackDays),
                End.AddMonths(-1).AddDays(-KpiLookBackDays),
            }.Min(),
            End
        );

    public ItSnapshotReport Build(DateTimeOffset generatedAt, ItSnapshotTotals? previous, IReadOnlyList<string> notes)
    {
        // Offline or missing findings of assets that no longer exist (or did not yet): listed without details.
        foreach (var f in attentionByAsset.Values.SelectMany(l => l))
            attention.Add(Attention(f, string.IsNullOrEmpty(f.Department) ? NoDepartment : f.Department, null));
        attentionByAsset.Clear();
        var report = new ItSnapshotReport
        {
            Period = Period,
            PeriodStart = Start,
            PeriodEnd = End,
            GeneratedAt = generatedAt,
            Inventory =
            [
                .. inventory
                    .OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal)
                    .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
                    .ThenBy(kv => kv.Key.Item3, StringComparer.Ordinal)
                    .Select(kv => new InventoryRow(kv.Key.Item1, kv.Key.Item2, kv.Key.Item3, kv.Value)),
            ],
            Attention =
            [
                .. attention
                    .OrderBy(a => a.Department, StringComparer.Ordinal)
                    .ThenBy(a => a.Condition, StringComparer.Ordinal)
                    .ThenBy(a => a.OpenSince)
                    .ThenBy(a => a.AssetId, StringComparer.Ordinal),
            ],
            NewDevices =
            [
                .. newDevices
                    .OrderBy(d => d.Department, StringComparer.Ordinal)
                    .ThenBy(d => d.Event, StringComparer.Ordinal)
                    .ThenBy(d => d.Date)
                    .ThenBy(d => d.Subject, StringComparer.Ordinal),
            ],
            Findings =
            [
                .. findingAges
                    .OrderBy(kv => kv.Key.Item1, StringComparer.Ordinal)
                    .ThenBy(kv => kv.Key.Item2, StringComparer.Ordinal)
                    .Select(kv => new FindingAgeRow(
                        kv.Key.Item1,
                        kv.Key.Item2,
                        kv.Value[0],
                        kv.Value[1],
                        kv.Value[2],
                        kv.Value[3],
                        kv.Value.Sum()
                    )),
            ],
            Kpis = [.. kpis.OrderBy(k => k.Scope == AllScope ? 0 : 1).ThenBy(k => k.Scope, StringComparer.Ordinal)],
            KpiWeeks = [.. kpiWeeks],
            Totals = new ItSnapshotTotals(),
            Previous = previous,
            Notes = notes,
        };
        return report with { Totals = ItSnapshots.TotalsOf(report) };
    }

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static double? Change(double? now, double? before) =>
        now is { } n && before is { } b ? Math.Round(n - b, 4) : null;
}

/// <summary>Totals and departmental cuts of an IT snapshot (pure).</summary>
public static class ItSnapshots
{
    public static ItSnapshotTotals TotalsOf(ItSnapshotReport r) =>
        new()
        {
            Assets = r.Inventory.Sum(i => i.Count),
            Offline = r.Attention.Count(a => a.Condition == FindingKinds.Offline),
            Missing = r.Attention.Count(a => a.Condition == FindingKinds.Missing),
            Enrolled = r.NewDevices.Count(d => d.Event == ItSnapshotBuilder.Enrolled),
            AwaitingReview = r.NewDevices.Count(d => d.AwaitingReview),
            UnregisteredSightings = r.NewDevices.Count(d => d.Event == ItSnapshotBuilder.Sighting),
            OpenFindings = r.Findings.Sum(f => f.Total),
            FindingsOverMonth = r.Findings.Sum(f => f.UnderQuarter + f.Older),
        };

    /// <summary>A department lead's cut: only rows of their departments (the whole inventory's KPIs and sightings
    /// without a department are not theirs).</summary>
    public static ItSnapshotReport Cut(
        ItSnapshotReport r,
        IReadOnlyCollection<string> departments,
        ItSnapshotReport? previous
    )
    {
        bool Mine(string department) => departments.Contains(department);
        var cut = r with
        {
            Departments = [.. departments.Order(StringComparer.Ordinal)],
            Inventory = [.. r.Inventory.Where(i => Mine(i.Department))],
            Attention = [.. r.Attention.Where(a => Mine(a.Department))],
            NewDevices = [.. r.NewDevices.Where(d => Mine(d.Department))],
            Findings = [.. r.Findings.Where(f => Mine(f.Department))],
            Kpis = [.. r.Kpis.Where(k => Mine(k.Scope))],
            KpiWeeks = [.. r.KpiWeeks.Where(k => Mine(k.Scope))],
        };
        return cut with
        {
            Totals = TotalsOf(cut),
            Previous = previous is null ? null : TotalsOf(Cut(previous, departments, null)),
        };
    }
}
