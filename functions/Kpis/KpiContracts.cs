namespace ItInventory.Functions.Kpis;

// Pure contracts of the KPI API (the console links this file); storage rows and keys are in KpiModel.cs.

/// <summary>
/// One day's KPI snapshot of one scope (the whole inventory, or one department) as the API and the reports read it.
/// Every figure is defined in docs/kpis.md exactly as <c>KpiCalculator</c> computes it. Rates are fractions
/// (0..1, four decimals); a rate is null when its denominator is zero. <see cref="Live"/> is false for a snapshot a
/// backfill computed for a past day: then only the figures that history can reconstruct are set (accuracy of a
/// campaign, time to discovery, decommission cycle time) and the figures of the fleet's state are null.
/// </summary>
public sealed record KpiSnapshot(
    // yyyy-MM-dd (UTC): the day whose end the snapshot describes.
    string Day,
    // Null for the whole inventory.
    string? Department,
    DateTimeOffset ComputedAt,
    // timer, backfill or run.
    string Source,
    bool Live,
    double? InventoryAccuracyRate,
    string? AccuracyCampaignId,
    int? AccuracyExpected,
    double? AutomatedAccuracyRate,
    int? AgentManaged,
    int? AgentManagedAgreeing,
    double? UtilisationRate,
    int? Deployed,
    int? DeployedUsed,
    double? DiscoveryMeanHours,
    double? DiscoveryP90Hours,
    int DiscoveryCount,
    double? LicenceComplianceRate,
    int? LicenceInstallations,
    int? LicenceCovered,
    double? DecommissionMeanDays,
    double? DecommissionP90Days,
    int DecommissionCount,
    int? Assets,
    IReadOnlyDictionary<string, int>? AssetsByKind,
    IReadOnlyDictionary<string, int>? AssetsByState,
    int? Offline,
    int? Idle,
    int? OpenFindings,
    IReadOnlyDictionary<string, int>? OpenFindingsByKind
);

/// <summary>The answer of <c>GET /api/kpis/latest</c>: the latest snapshot of the scope, the one a month before
/// it (on or before the same day of the previous month, at most 31 days earlier) and the change of every KPI between
/// them (latest − month before; null when either is null).</summary>
public sealed record KpiLatest(
    KpiSnapshot Snapshot,
    KpiSnapshot? MonthBefore,
    IReadOnlyDictionary<string, double?> MonthOverMonth
);

/// <summary>One KPI of one scope over a range of days (days without a snapshot are absent).</summary>
public sealed record KpiSeries(string Kpi, string? Department, string From, string To, IReadOnlyList<KpiPoint> Points);

public sealed record KpiPoint(string Day, double? Value);

/// <summary>The body of <c>POST /api/kpis/backfill</c>: the days to compute (inclusive, yyyy-MM-dd, at most
/// <c>KpiOptions.MaxBackfillDays</c> of them, none after yesterday).</summary>
public sealed record KpiBackfillRequest
{
    public string? From { get; init; }
    public string? To { get; init; }

    /// <summary>First fill the summary rows' missing lifecycle timestamps (ApprovedAt, RetiredAt, DisposedAt) from
    /// each asset's change history (docs/kpis.md, "Backfilling timestamps").</summary>
    public bool? LifecycleTimestamps { get; init; }
}

public sealed record KpiBackfillResult(
    string From,
    string To,
    int Days,
    int Snapshots,
    int TimestampsFilled,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt
);

/// <summary>What one snapshot run wrote.</summary>
public sealed record KpiRunResult(string Day, int Scopes, long SummaryRows, DateTimeOffset ComputedAt);

/// <summary>
/// The KPIs a series can be asked for (the <c>kpi</c> query parameter), each read from a snapshot. Counts are KPIs
/// too (a trend of offline or idle assets).
/// </summary>
public static class KpiNames
{
    public const string InventoryAccuracyRate = "inventoryAccuracyRate";
    public const string AutomatedAccuracyRate = "automatedAccuracyRate";
    public const string UtilisationRate = "utilisationRate";
    public const string DiscoveryMeanHours = "discoveryMeanHours";
    public const string DiscoveryP90Hours = "discoveryP90Hours";
    public const string LicenceComplianceRate = "licenceComplianceRate";
    public const string DecommissionMeanDays = "decommissionMeanDays";
    public const string DecommissionP90Days = "decommissionP90Days";
    public const string Assets = "assets";
    public const string Offline = "offline";
    public const string Idle = "idle";
    public const string OpenFindings = "openFindings";

    private static readonly (string Name, Func<KpiSnapshot, double?> Read)[] Readers =
    [
        (InventoryAccuracyRate, s => s.InventoryAccuracyRate),
        (AutomatedAccuracyRate, s => s.AutomatedAccuracyRate),
        (UtilisationRate, s => s.UtilisationRate),
        (DiscoveryMeanHours, s => s.DiscoveryMeanHours),
        (DiscoveryP90Hours, s => s.DiscoveryP90Hours),
        (LicenceComplianceRate, s => s.LicenceComplianceRate),
        (DecommissionMeanDays, s => s.DecommissionMeanDays),
        (DecommissionP90Days, s => s.DecommissionP90Days),
        (Assets, s => s.Assets),
        (Offline, s => s.Offline),
        (Idle, s => s.Idle),
        (OpenFindings, s => s.OpenFindings),
    ];

    public static IReadOnlyList<string> All { get; } = Readers.Select(r => r.Name).ToList();

    /// <summary>The reader of a KPI by name (ordinal), or null for an unknown name.</summary>
    public static Func<KpiSnapshot, double?>? Reader(string? name) =>
        Readers.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal)).Read;

    /// <summary>Latest − earlier for every KPI (null when either is null), rounded to four decimals.</summary>
    public static IReadOnlyDictionary<string, double?> Change(KpiSnapshot latest, KpiSnapshot? earlier) =>
        Readers.ToDictionary(
            r => r.Name,
            r =>
                earlier is not null && r.Read(latest) is { } now && r.Read(earlier) is { } then
                    ? Math.Round(now - then, 4)
                    : (double?)null,
            StringComparer.Ordinal
        );
}
