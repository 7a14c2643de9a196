using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Audits;

/// <summary>Reconciliation thresholds (section <c>Reconciliation</c>; see docs/audits.md). All in days.</summary>
public sealed class ReconciliationOptions
{
    public const string SectionName = "Reconciliation";

    /// <summary>An active agent-managed asset not seen for this many days is missing.</summary>
    [Range(1, 3650)]
    public int MissingAfterDays { get; set; } = 30;

    /// <summary>A Discovered (self-enrolled) asset not approved or rejected within this many days of enrolling is
    /// raised for review.</summary>
    [Range(0, 3650)]
    public int DiscoveredReviewDays { get; set; } = 7;

    /// <summary>An unregistered LAN neighbour is raised while it was last seen within this many days.</summary>
    [Range(1, 3650)]
    public int SightingWindowDays { get; set; } = 30;

    /// <summary>A retired, disposed or rejected asset whose refused check-in was recorded within this many days is
    /// still calling home.</summary>
    [Range(1, 3650)]
    public int RefusedCheckinWindowDays { get; set; } = 7;

    /// <summary>Keyed hashes of volume licence keys (KMS client keys, MAK keys) that are on many machines by design,
    /// comma-separated: never a <c>duplicate-licence-key</c>. Copy a key's <c>keyHash</c> from an asset's view or the
    /// finding's facts. Keys of products with a site licence in force are left out without being listed.</summary>
    [MaxLength(65536)]
    public string? VolumeLicenceKeyHashes { get; set; }
}

/// <summary>Idle detection (section <c>Idle</c>; see docs/audits.md). The CPU threshold that makes a day "unused" is
/// <c>CheckIns:IdleCpuThresholdPercent</c>: heartbeats apply it when they fold the day's aggregate.</summary>
public sealed class IdleOptions
{
    public const string SectionName = "Idle";

    /// <summary>Days in a row below the utilisation threshold (no interactive use) that make an asset idle.</summary>
    [Range(1, 3650)]
    public int Days { get; set; } = 60;

    /// <summary>Also move idle Deployed assets to the lifecycle state <c>Idle</c> (audited as the system job
    /// <c>idle-scan</c>). Off by default: the finding alone is a suggestion, the move is a decision.</summary>
    public bool MoveToIdleState { get; set; }
}
