namespace ItInventory.Functions.Campaigns;

// Pure contracts of the campaigns API (the console links this file); storage rows are in CampaignModel.cs.

/// <summary>What a campaign covers.</summary>
public enum ScopeKind
{
    All,
    Department,
    Location,
    Category,
}

/// <summary>A full count (every asset in scope) or a stratified random sample.</summary>
public enum CampaignMode
{
    Full,
    Sample,
}

public enum StratifyBy
{
    Department,
    Category,
}

/// <summary><c>Creating</c> while its expected assets are written; <c>Open</c> for recording; <c>Closed</c> with its
/// results frozen.</summary>
public enum CampaignStatus
{
    Creating,
    Open,
    Closed,
}

/// <summary>What an auditor saw.</summary>
public enum ScanResult
{
    Found,
    Missing,
}

/// <summary>The physical condition of a found asset.</summary>
public enum AssetCondition
{
    Good,
    Fair,
    Damaged,
    Unusable,
}

// ---- requests ----

/// <summary>The body of <c>POST /api/campaigns</c>.</summary>
public sealed record CreateCampaignRequest
{
    public string? Name { get; init; }

    /// <summary><c>all</c>, <c>department</c>, <c>location</c> or <c>category</c>.</summary>
    public string? Scope { get; init; }

    /// <summary>The department, location code or category code (not with <c>all</c>).</summary>
    public string? ScopeValue { get; init; }

    /// <summary><c>full</c> or <c>sample</c>.</summary>
    public string? Mode { get; init; }
    public int? SampleSize { get; init; }

    /// <summary><c>department</c> (default) or <c>category</c>; sample mode only.</summary>
    public string? StratifyBy { get; init; }

    /// <summary>The sample's seed (0 to 2^53−1); drawn at random when absent. Stored, so the sample can be replayed.
    /// </summary>
    public long? Seed { get; init; }
}

/// <summary>The body of <c>POST /api/campaigns/{campaignId}/records</c>: one asset, by its tag or its id.</summary>
public sealed record CampaignScanRequest
{
    /// <summary>The scanned tag (e.g. <c>ITI-000123</c>).</summary>
    public string? Tag { get; init; }

    /// <summary>The asset id, for an asset without a readable tag (exactly one of tag and assetId).</summary>
    public string? AssetId { get; init; }

    /// <summary><c>found</c> or <c>missing</c>.</summary>
    public string? Result { get; init; }

    /// <summary>Where it was found (a location code); absent = at its recorded location (confirmed).</summary>
    public string? Location { get; init; }

    /// <summary><c>good</c> (default), <c>fair</c>, <c>damaged</c> or <c>unusable</c>; found only.</summary>
    public string? Condition { get; init; }
    public string? Note { get; init; }
}

// ---- answers ----

public sealed record CampaignProgress(
    int Expected,
    int Recorded,
    int Found,
    int FoundAsRecorded,
    int Missing,
    int LocationDifferent,
    int Damaged,
    int Unexpected,
    int Remaining
);

public sealed record CampaignView(
    string Id,
    string Name,
    string Status,
    string Scope,
    string? ScopeValue,
    string Mode,
    int? SampleSize,
    string? StratifyBy,
    long? Seed,
    string Origin,
    string? Period,
    int Population,
    int Expected,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ClosedAt,
    string? ClosedBy,
    // At close: found at the recorded location ÷ expected assets (null while open, or with no assets).
    double? AccuracyRate,
    CampaignProgress? Progress,
    // True when the progress counts only the caller's departments (a department lead).
    bool? ProgressLimitedToDepartments,
    IReadOnlyList<CampaignDiscrepancyView>? Discrepancies
);

public sealed record CampaignList(IReadOnlyList<CampaignView> Items);

public sealed record CampaignAssetView(
    string AssetId,
    string? Tag,
    string? Name,
    string? Department,
    string? Category,
    string? ExpectedLocation,
    string Result,
    string? Location,
    bool? LocationMatches,
    string? Condition,
    string? Note,
    DateTimeOffset? RecordedAt,
    string? RecordedBy,
    int Records
);

public sealed record CampaignAssetPage(IReadOnlyList<CampaignAssetView> Items);

/// <summary>The answer to a scan: how it was recorded.</summary>
public sealed record CampaignRecordView(
    string CampaignId,
    // found, missing or unexpected.
    string Outcome,
    string? AssetId,
    string? Tag,
    // For an unexpected scan: unknown-tag or not-in-campaign.
    string? Reason,
    string? ExpectedLocation,
    string? Location,
    bool? LocationMatches,
    string? Condition,
    DateTimeOffset RecordedAt,
    string RecordedBy,
    int Records
);

public sealed record CampaignDiscrepancyView(
    string Kind,
    string SubjectType,
    string SubjectId,
    string? AssetId,
    string? Tag,
    string? Department,
    string Text
);
