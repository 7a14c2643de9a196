using Azure;
using Azure.Data.Tables;

namespace ItInventory.Functions.Campaigns;

// ---- storage (table campaigns) ----

/// <summary>A campaign's header row: PartitionKey <see cref="CampaignKeys.ListPartition"/>, RowKey = campaign id
/// (one partition: listing campaigns is one query).</summary>
public sealed class CampaignEntity : ITableEntity
{
    public string PartitionKey { get; set; } = CampaignKeys.ListPartition;
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string Status { get; set; } = nameof(CampaignStatus.Creating);
    public string Scope { get; set; } = nameof(ScopeKind.All);
    public string? ScopeValue { get; set; }
    public string Mode { get; set; } = nameof(CampaignMode.Full);
    public int? SampleSize { get; set; }
    public string? StratifyBy { get; set; }
    public long? Seed { get; set; }

    /// <summary><c>manual</c> or <c>schedule</c>.</summary>
    public string Origin { get; set; } = "manual";

    /// <summary>The scheduled period (e.g. <c>2026-10</c>) of a scheduled campaign.</summary>
    public string? Period { get; set; }
    public int Population { get; set; }
    public int Expected { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset? ClosedAt { get; set; }
    public string? ClosedBy { get; set; }

    // Frozen at close
    public int? Found { get; set; }
    public int? FoundAsRecorded { get; set; }
    public int? Missing { get; set; }
    public int? NeverRecorded { get; set; }
    public int? LocationDifferent { get; set; }
    public int? Damaged { get; set; }
    public int? Unexpected { get; set; }
    public double? AccuracyRate { get; set; }
}

/// <summary>An expected asset of a campaign (PartitionKey = campaign id, RowKey <c>a|&lt;asset id&gt;</c>), with its
/// latest record (the last record wins; every record is in the audit trail).</summary>
public sealed class CampaignAssetEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AssetId { get; set; } = "";
    public string? Tag { get; set; }
    public string? Name { get; set; }
    public string? Department { get; set; }
    public string? Category { get; set; }

    /// <summary>The location the records gave when the campaign was created.</summary>
    public string? ExpectedLocation { get; set; }
    public string State { get; set; } = "";

    /// <summary>Empty until recorded, then <c>Found</c> or <c>Missing</c>.</summary>
    public string Result { get; set; } = "";
    public string? Location { get; set; }
    public bool? LocationMatches { get; set; }
    public string? Condition { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset? RecordedAt { get; set; }
    public string? RecordedBy { get; set; }
    public int Records { get; set; }
}

/// <summary>A scan that matched no expected asset (PartitionKey = campaign id, RowKey <c>u|&lt;tag&gt;</c> or
/// <c>u|asset|&lt;asset id&gt;</c>).</summary>
public sealed class CampaignUnexpectedEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string? Tag { get; set; }
    public string? AssetId { get; set; }

    /// <summary><c>unknown-tag</c> or <c>not-in-campaign</c>.</summary>
    public string Reason { get; set; } = "";
    public string? Department { get; set; }
    public string? Location { get; set; }
    public string? Condition { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset RecordedAt { get; set; }
    public string RecordedBy { get; set; } = "";
    public int Records { get; set; }
}

/// <summary>Keys of the campaigns table.</summary>
public static class CampaignKeys
{
    public const string ListPartition = "campaigns";
    public const string AssetPrefix = "a|";
    public const string UnexpectedPrefix = "u|";

    public static string AssetRow(string assetId) => AssetPrefix + assetId;

    public static string UnexpectedRow(string? tag, string? assetId) =>
        tag is not null ? UnexpectedPrefix + tag : UnexpectedPrefix + "asset|" + assetId;

    /// <summary>The rows whose RowKey starts with <paramref name="prefix"/>: an OData range filter.</summary>
    public static string PrefixFilter(string campaignId, string prefix) =>
        TableClient.CreateQueryFilter(
            $"PartitionKey eq {campaignId} and RowKey ge {prefix} and RowKey lt {PrefixEnd(prefix)}"
        );

    private static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
