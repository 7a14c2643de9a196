using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;

namespace ItInventory.Functions.Kpis;

/// <summary>A closed campaign as the accuracy rate needs it: its frozen rate and, per department of its expected
/// assets, how many were expected and how many were found at their recorded location.</summary>
public sealed record CampaignFacts(
    string Id,
    DateTimeOffset ClosedAt,
    double? AccuracyRate,
    int Expected,
    IReadOnlyDictionary<string, (int Expected, int FoundAsRecorded)> ByDepartment
)
{
    /// <summary>The facts of a closed campaign from its header and its expected-asset rows.</summary>
    public static CampaignFacts From(CampaignEntity header, IEnumerable<CampaignAssetEntity> assets)
    {
        var byDepartment = new Dictionary<string, (int Expected, int FoundAsRecorded)>(StringComparer.Ordinal);
        foreach (var a in assets)
        {
            if (string.IsNullOrEmpty(a.Department))
                continue;
            var (expected, found) = byDepartment.GetValueOrDefault(a.Department);
            var asRecorded = a.Result == nameof(ScanResult.Found) && a.LocationMatches == true;
            byDepartment[a.Department] = (expected + 1, found + (asRecorded ? 1 : 0));
        }
        return new CampaignFacts(
            header.RowKey,
            header.ClosedAt ?? header.CreatedAt,
            header.AccuracyRate,
            header.Expected,
            byDepartment
        );
    }
}

/// <summary>An open finding (not resolved, not auto-resolved) as the counts need it.</summary>
public sealed record OpenFindingFacts(string Kind, string SubjectType, string SubjectId, string? Department);

/// <summary>One licence product as compliance counts it: its metric, the installations of its last compliance
/// snapshot (assets, users) and its entitlements' terms.</summary>
public sealed record LicenceFacts(
    LicenceMetric Metric,
    int InstallingAssets,
    int InstallingUsers,
    IReadOnlyList<EntitlementTerms> Terms
);

/// <summary>What a snapshot knows besides the summary rows: the day, whether the fleet's state is to be measured
/// (live) or only its history (a backfilled past day), the windows and thresholds, and the facts read from the
/// campaigns, findings and licence tables.</summary>
public sealed record KpiContext(
    DateOnly Day,
    bool Live,
    KpiOptions Options,
    int IdleDays,
    int MissingAfterDays,
    IReadOnlyList<CampaignFacts> Campaigns,
    IReadOnlyList<OpenFindingFacts> OpenFindings,
    IReadOnlyList<LicenceFacts> Licences
)
{
    /// <summary>The end of the snapshot's day (exclusive): events before it count.</summary>
    public DateTimeOffset End => new(Day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The first instant of a window of <paramref name="days"/> days ending with the snapshot's day.</summary>
    public DateTimeOffset WindowStart(int days) => End.AddDays(-days);
}

/// <summary>
/// The KPI rules (docs/kpis.md, exactly as computed here): pure, fed one projected summary row at a time (so a
/// snapshot of 100k assets keeps only counters and the few samples of the window), then asked for one snapshot per
/// scope: the whole inventory and every department seen. No I/O; the clock only stamps <c>computedAt</c>.
/// </summary>
public sealed class KpiCalculator
{
    /// <summary>Open findings of these kinds say the record disagrees with what is reported or found: identity
    /// (a shared serial/UUID), owner (departed), location (a campaign found it elsewhere), presence (missing).
    /// </summary>
    public static IReadOnlyList<string> DisagreementKinds { get; } =
    [
        FindingKinds.DuplicateIdentity,
        FindingKinds.DepartedOwner,
        FindingKinds.CampaignLocationMismatch,
        FindingKinds.Missing,
    ];

    private readonly KpiContext context;
    private readonly TimeProvider clock;
    private readonly HashSet<string> disagreeing = new(StringComparer.Ordinal);
    private readonly Scope total = new(null);
    private readonly Dictionary<string, Scope> departments = new(StringComparer.Ordinal);
    private long rows;
    private IReadOnlyDictionary<string, DateTimeOffset>? firstSightings;

    public KpiCalculator(KpiContext context, TimeProvider clock)
    {
        this.context = context;
        this.clock = clock;
        foreach (var f in context.OpenFindings)
        {
            if (f.SubjectType == FindingSubjects.Asset && DisagreementKinds.Contains(f.Kind))
                disagreeing.Add(f.SubjectId);
        }
    }

    public long Rows => rows;

    /// <summary>The summary columns the rules read: what the snapshot's one <c>$select</c> pass asks for.</summary>
    public static IReadOnlyList<string> Columns { get; } =
    [
        "RowKey",
        nameof(AssetSummaryEntity.Kind),
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.Owner),
        nameof(AssetSummaryEntity.Location),
        nameof(AssetSummaryEntity.CredentialHash),
        nameof(AssetSummaryEntity.CredentialRevoked),
        nameof(AssetSummaryEntity.EnrolledAt),
        nameof(AssetSummaryEntity.LastSeenAt),
        nameof(AssetSummaryEntity.UtilisationDay),
        nameof(AssetSummaryEntity.BelowThresholdSince),
        nameof(AssetSummaryEntity.Offline),
        nameof(AssetSummaryEntity.ApprovedAt),
        nameof(AssetSummaryEntity.RetiredAt),
        nameof(AssetSummaryEntity.DisposedAt),
    ];

    /// <summary>Folds one summary row into the total and its department.</summary>
    public void Add(AssetSummaryEntity a)
    {
        rows++;
        Fold(total, a);
        if (!string.IsNullOrEmpty(a.Department))
            Fold(DepartmentScope(a.Department), a);
    }

    private Scope DepartmentScope(string department)
    {
        if (!departments.TryGetValue(department, out var scope))
            departments[department] = scope = new Scope(department);
        return scope;
    }

    private void Fold(Scope s, AssetSummaryEntity a)
    {
        var windowStart = context.WindowStart(context.Options.WindowDays);
        if (
            a.EnrolledAt is { } enrolled
            && a.ApprovedAt is { } approved
            && approved >= windowStart
            && approved < context.End
        )
            s.Discovery.Add(new DiscoverySample(a.RowKey, enrolled, approved));
        if (
            a.RetiredAt is { } retired
            && a.DisposedAt is { } disposed
            && disposed >= windowStart
            && disposed < context.End
        )
            s.Decommission.Add(Math.Max(0, (disposed - retired).TotalDays));
        if (!context.Live)
            return;

        s.Assets++;
        Increment(s.ByKind, a.Kind);
        Increment(s.ByState, a.State);
        var gone = ReconciliationRules.IsGone(a.State);
        if (a.State == nameof(LifecycleState.Deployed))
        {
            s.Deployed++;
            if (UsedWithin(a, context.Day, context.Options.UtilisationWindowDays))
                s.DeployedUsed++;
        }
        if (a.Offline && !gone)
            s.Offline++;
        if (IsIdle(a, context.End, context.IdleDays))
            s.Idle++;
        if (!gone && a.State != nameof(LifecycleState.Discovered) && ReconciliationRules.IsAgentManaged(a))
        {
            s.AgentManaged++;
            if (Agrees(a))
                s.AgentManagedAgreeing++;
        }
    }

    /// <summary>Reported and recorded agree: seen within the missing threshold, an owner and a location on record,
    /// and no open finding of a <see cref="DisagreementKinds"/> kind on the asset.</summary>
    private bool Agrees(AssetSummaryEntity a)
    {
        var lastSeen = a.LastSeenAt ?? a.EnrolledAt;
        return lastSeen is { } seen
            && seen > context.End.AddDays(-context.MissingAfterDays)
            && !string.IsNullOrEmpty(a.Owner)
            && !string.IsNullOrEmpty(a.Location)
            && !disagreeing.Contains(a.RowKey);
    }

    /// <summary>The last day the asset was used: the day before its current run of unused days began, else the last
    /// day with utilisation data; null when never measured.</summary>
    public static DateOnly? LastUsedDay(AssetSummaryEntity a)
    {
        if (!string.IsNullOrEmpty(a.BelowThresholdSince))
            return ParseDay(a.BelowThresholdSince)?.AddDays(-1);
        return ParseDay(a.UtilisationDay);
    }

    /// <summary>Used on one of the <paramref name="days"/> days ending with <paramref name="day"/> (a last used day
    /// after it, from a heartbeat since, counts as used).</summary>
    public static bool UsedWithin(AssetSummaryEntity a, DateOnly day, int days) =>
        LastUsedDay(a) is { } used && used.DayNumber > day.DayNumber - days;

    /// <summary>What the idle finding counts (IdleRules): Deployed or Idle and unused for the idle days or more.
    /// </summary>
    public static bool IsIdle(AssetSummaryEntity a, DateTimeOffset end, int idleDays) =>
        a.State is nameof(LifecycleState.Deployed) or nameof(LifecycleState.Idle)
        && IdleRules.DaysIdle(a, end.AddTicks(-1)) is { } idle
        && idle >= idleDays;

    /// <summary>One snapshot per scope: the total first, then the departments in ordinal order.</summary>
    /// <summary>The assets whose time to discovery the snapshots measure (approved in the window, enrolled): the
    /// ones whose first sighting the caller may look up for <see cref="Snapshots"/>.</summary>
    public IEnumerable<string> DiscoveryAssets => total.Discovery.Select(d => d.AssetId);

    /// <summary>Time to discovery of one asset in hours: from its first sighting when that came before its enrollment
    /// (a LAN neighbour report of one of its MACs while it was unregistered), else from its enrollment, to its
    /// approval; never negative.</summary>
    public static double DiscoveryHours(DateTimeOffset? firstSighting, DateTimeOffset enrolled, DateTimeOffset approved)
    {
        var start = firstSighting is { } seen && seen < enrolled ? seen : enrolled;
        return Math.Max(0, (approved - start).TotalHours);
    }

    /// <param name="source">Who computed the snapshots (timer, backfill, …).</param>
    /// <param name="firstSightings">Asset id → its earliest sighting as an unregistered device, for the assets of
    /// <see cref="DiscoveryAssets"/> that have one.</param>
    public IReadOnlyList<KpiSnapshot> Snapshots(
        string source,
        IReadOnlyDictionary<string, DateTimeOffset>? firstSightings = null
    )
    {
        this.firstSightings = firstSightings;
        var computedAt = clock.GetUtcNow();
        var (installations, covered) = context.Live ? LicenceCoverage(context.Licences, context.Day) : (0, 0);
        var findings = context.Live ? context.OpenFindings : [];
        foreach (var f in findings)
        {
            if (!string.IsNullOrEmpty(f.Department))
                DepartmentScope(f.Department);
        }
        foreach (var c in Campaigns())
        foreach (var department in c.ByDepartment.Keys)
            DepartmentScope(department);

        var list = new List<KpiSnapshot>
        {
            Snapshot(total, source, computedAt, findings, context.Live ? (installations, covered) : null),
        };
        var byDepartment = findings
            .Where(f => !string.IsNullOrEmpty(f.Department))
            .ToLookup(f => f.Department!, StringComparer.Ordinal);
        foreach (var (_, scope) in departments.OrderBy(d => d.Key, StringComparer.Ordinal))
            list.Add(Snapshot(scope, source, computedAt, byDepartment[scope.Department!].ToList(), null));
        return list;
    }

    /// <summary>Closed campaigns of the campaign window, the latest first.</summary>
    private IEnumerable<CampaignFacts> Campaigns()
    {
        var start = context.WindowStart(context.Options.CampaignWindowDays);
        return context
            .Campaigns.Where(c => c.ClosedAt >= start && c.ClosedAt < context.End)
            .OrderByDescending(c => c.ClosedAt)
            .ThenByDescending(c => c.Id, StringComparer.Ordinal);
    }

    private KpiSnapshot Snapshot(
        Scope s,
        string source,
        DateTimeOffset computedAt,
        IReadOnlyList<OpenFindingFacts> findings,
        (int Installations, int Covered)? licences
    )
    {
        var discovery = s
            .Discovery.Select(d =>
                DiscoveryHours(
                    firstSightings?.TryGetValue(d.AssetId, out var seen) == true ? seen : null,
                    d.Enrolled,
                    d.Approved
                )
            )
            .ToList();
        double? accuracy = null;
        string? campaignId = null;
        int? expected = null;
        if (s.Department is null)
        {
            if (Campaigns().FirstOrDefault() is { } latest)
                (accuracy, campaignId, expected) = (latest.AccuracyRate, latest.Id, latest.Expected);
        }
        else if (Campaigns().FirstOrDefault(c => c.ByDepartment.ContainsKey(s.Department)) is { } latest)
        {
            var (e, found) = latest.ByDepartment[s.Department];
            (accuracy, campaignId, expected) = (Rate(found, e), latest.Id, e);
        }
        var live = context.Live;
        return new KpiSnapshot(
            KpiKeys.Row(context.Day),
            s.Department,
            computedAt,
            source,
            live,
            accuracy,
            campaignId,
            expected,
            live ? Rate(s.AgentManagedAgreeing, s.AgentManaged) : null,
            live ? s.AgentManaged : null,
            live ? s.AgentManagedAgreeing : null,
            live ? Rate(s.DeployedUsed, s.Deployed) : null,
            live ? s.Deployed : null,
            live ? s.DeployedUsed : null,
            Mean(discovery, 2),
            P90(discovery, 2),
            discovery.Count,
            licences is { } l ? Rate(l.Covered, l.Installations) : null,
            licences?.Installations,
            licences?.Covered,
            Mean(s.Decommission, 2),
            P90(s.Decommission, 2),
            s.Decommission.Count,
            live ? s.Assets : null,
            live ? s.ByKind : null,
            live ? s.ByState : null,
            live ? s.Offline : null,
            live ? s.Idle : null,
            live ? findings.Count : null,
            live ? findings.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal) : null
        );
    }

    /// <summary>Installations covered by purchased seats, over all products: per product, the installations its
    /// metric counts (per device: installing assets; otherwise installing users) of its last compliance snapshot, and
    /// the seats of its entitlements active on the day (an active site licence covers every installation).</summary>
    public static (int Installations, int Covered) LicenceCoverage(IEnumerable<LicenceFacts> products, DateOnly day)
    {
        int installations = 0,
            covered = 0;
        foreach (var p in products)
        {
            var count = p.Metric == LicenceMetric.PerDevice ? p.InstallingAssets : p.InstallingUsers;
            var seats = LicenceCompliance.AssignableSeats(p.Terms, day);
            installations += count;
            covered += seats is { } n ? Math.Min(count, n) : count;
        }
        return (installations, covered);
    }

    /// <summary>numerator ÷ denominator to four decimals; null when the denominator is zero.</summary>
    public static double? Rate(int numerator, int denominator) =>
        denominator == 0 ? null : Math.Round((double)numerator / denominator, 4);

    public static double? Mean(IReadOnlyCollection<double> values, int decimals) =>
        values.Count == 0 ? null : Math.Round(values.Average(), decimals);

    /// <summary>The 90th percentile by nearest rank: the smallest value with at least 90 % of the values at or
    /// below it.</summary>
    public static double? P90(IReadOnlyCollection<double> values, int decimals)
    {
        if (values.Count == 0)
            return null;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(0.9 * sorted.Length);
        return Math.Round(sorted[rank - 1], decimals);
    }

    private static DateOnly? ParseDay(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

    private static void Increment(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;

    private readonly record struct DiscoverySample(string AssetId, DateTimeOffset Enrolled, DateTimeOffset Approved);

    private sealed class Scope(string? department)
    {
        public string? Department { get; } = department;
        public List<DiscoverySample> Discovery { get; } = [];
        public List<double> Decommission { get; } = [];
        public int Assets { get; set; }
        public Dictionary<string, int> ByKind { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> ByState { get; } = new(StringComparer.Ordinal);
        public int Deployed { get; set; }
        public int DeployedUsed { get; set; }
        public int Offline { get; set; }
        public int Idle { get; set; }
        public int AgentManaged { get; set; }
        public int AgentManagedAgreeing { get; set; }
    }
}
