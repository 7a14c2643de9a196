using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace ItInventory.Functions.Kpis;

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
