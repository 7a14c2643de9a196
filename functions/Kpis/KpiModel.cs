using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ItInventory.Functions.Kpis;

/// <summary>
/// One day's KPI snapshot of one scope (the whole inventory, or one department) as the API and the reports read it.
/// Every figure is defined in docs/kpis.md exactly as <see cref="KpiCalculator"/> computes it. Rates are fractions
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
/// <see cref="KpiOptions.MaxBackfillDays"/> of them, none after yesterday).</summary>
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

/// <summary>Keys of the <c>kpisnapshots</c> table: PartitionKey = the scope (<see cref="TotalPartition"/>, or
/// <c>d|</c> + the escaped department), RowKey = the day (yyyy-MM-dd), so a series is one range query of one
/// partition, in day order.</summary>
public static class KpiKeys
{
    public const string TotalPartition = "all";
    public const string DepartmentPrefix = "d|";
    public const string DayFormat = "yyyy-MM-dd";

    public static string Partition(string? department) =>
        department is null ? TotalPartition : DepartmentPrefix + Uri.EscapeDataString(department);

    public static string? Department(string partitionKey) =>
        partitionKey.StartsWith(DepartmentPrefix, StringComparison.Ordinal)
            ? Uri.UnescapeDataString(partitionKey[DepartmentPrefix.Length..])
            : null;

    public static string Row(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}

/// <summary>A snapshot row (table <c>kpisnapshots</c>, <see cref="KpiKeys"/>). The dictionaries are JSON.</summary>
public sealed class KpiSnapshotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset ComputedAt { get; set; }
    public string Source { get; set; } = "";
    public bool Live { get; set; }
    public double? InventoryAccuracyRate { get; set; }
    public string? AccuracyCampaignId { get; set; }
    public int? AccuracyExpected { get; set; }
    public double? AutomatedAccuracyRate { get; set; }
    public int? AgentManaged { get; set; }
    public int? AgentManagedAgreeing { get; set; }
    public double? UtilisationRate { get; set; }
    public int? Deployed { get; set; }
    public int? DeployedUsed { get; set; }
    public double? DiscoveryMeanHours { get; set; }
    public double? DiscoveryP90Hours { get; set; }
    public int DiscoveryCount { get; set; }
    public double? LicenceComplianceRate { get; set; }
    public int? LicenceInstallations { get; set; }
    public int? LicenceCovered { get; set; }
    public double? DecommissionMeanDays { get; set; }
    public double? DecommissionP90Days { get; set; }
    public int DecommissionCount { get; set; }
    public int? Assets { get; set; }
    public string? AssetsByKindJson { get; set; }
    public string? AssetsByStateJson { get; set; }
    public int? Offline { get; set; }
    public int? Idle { get; set; }
    public int? OpenFindings { get; set; }
    public string? OpenFindingsByKindJson { get; set; }

    /// <summary>The properties a backfill recomputes (the figures history can reconstruct): merged into an existing
    /// live row, so a backfill never erases what the timer saw of the fleet's state.</summary>
    public static IReadOnlyList<string> HistoricalFields { get; } =
    [
        nameof(InventoryAccuracyRate),
        nameof(AccuracyCampaignId),
        nameof(AccuracyExpected),
        nameof(DiscoveryMeanHours),
        nameof(DiscoveryP90Hours),
        nameof(DiscoveryCount),
        nameof(DecommissionMeanDays),
        nameof(DecommissionP90Days),
        nameof(DecommissionCount),
    ];

    /// <summary>Takes <see cref="HistoricalFields"/> from a backfilled row.</summary>
    public void CopyHistoricalFrom(KpiSnapshotEntity other)
    {
        InventoryAccuracyRate = other.InventoryAccuracyRate;
        AccuracyCampaignId = other.AccuracyCampaignId;
        AccuracyExpected = other.AccuracyExpected;
        DiscoveryMeanHours = other.DiscoveryMeanHours;
        DiscoveryP90Hours = other.DiscoveryP90Hours;
        DiscoveryCount = other.DiscoveryCount;
        DecommissionMeanDays = other.DecommissionMeanDays;
        DecommissionP90Days = other.DecommissionP90Days;
        DecommissionCount = other.DecommissionCount;
    }

    public KpiSnapshot ToSnapshot() =>
        new(
            RowKey,
            KpiKeys.Department(PartitionKey),
            ComputedAt,
            Source,
            Live,
            InventoryAccuracyRate,
            AccuracyCampaignId,
            AccuracyExpected,
            AutomatedAccuracyRate,
            AgentManaged,
            AgentManagedAgreeing,
            UtilisationRate,
            Deployed,
            DeployedUsed,
            DiscoveryMeanHours,
            DiscoveryP90Hours,
            DiscoveryCount,
            LicenceComplianceRate,
            LicenceInstallations,
            LicenceCovered,
            DecommissionMeanDays,
            DecommissionP90Days,
            DecommissionCount,
            Assets,
            ReadCounts(AssetsByKindJson),
            ReadCounts(AssetsByStateJson),
            Offline,
            Idle,
            OpenFindings,
            ReadCounts(OpenFindingsByKindJson)
        );

    public static KpiSnapshotEntity From(KpiSnapshot s) =>
        new()
        {
            PartitionKey = KpiKeys.Partition(s.Department),
            RowKey = s.Day,
            ComputedAt = s.ComputedAt,
            Source = s.Source,
            Live = s.Live,
            InventoryAccuracyRate = s.InventoryAccuracyRate,
            AccuracyCampaignId = s.AccuracyCampaignId,
            AccuracyExpected = s.AccuracyExpected,
            AutomatedAccuracyRate = s.AutomatedAccuracyRate,
            AgentManaged = s.AgentManaged,
            AgentManagedAgreeing = s.AgentManagedAgreeing,
            UtilisationRate = s.UtilisationRate,
            Deployed = s.Deployed,
            DeployedUsed = s.DeployedUsed,
            DiscoveryMeanHours = s.DiscoveryMeanHours,
            DiscoveryP90Hours = s.DiscoveryP90Hours,
            DiscoveryCount = s.DiscoveryCount,
            LicenceComplianceRate = s.LicenceComplianceRate,
            LicenceInstallations = s.LicenceInstallations,
            LicenceCovered = s.LicenceCovered,
            DecommissionMeanDays = s.DecommissionMeanDays,
            DecommissionP90Days = s.DecommissionP90Days,
            DecommissionCount = s.DecommissionCount,
            Assets = s.Assets,
            AssetsByKindJson = WriteCounts(s.AssetsByKind),
            AssetsByStateJson = WriteCounts(s.AssetsByState),
            Offline = s.Offline,
            Idle = s.Idle,
            OpenFindings = s.OpenFindings,
            OpenFindingsByKindJson = WriteCounts(s.OpenFindingsByKind),
        };

    private static IReadOnlyDictionary<string, int>? ReadCounts(string? json) =>
        string.IsNullOrEmpty(json)
            ? null
            : JsonSerializer.Deserialize(json, Common.ApiJsonContext.Default.DictionaryStringInt32);

    private static string? WriteCounts(IReadOnlyDictionary<string, int>? counts) =>
        counts is null
            ? null
            : JsonSerializer.Serialize(
                counts.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(StringComparer.Ordinal),
                Common.ApiJsonContext.Default.DictionaryStringInt32
            );
}
