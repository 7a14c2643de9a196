using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Kpis;

/// <summary>KPI snapshot windows (section <c>Kpis</c>; docs/kpis.md). All in days.</summary>
public sealed class KpiOptions
{
    public const string SectionName = "Kpis";

    /// <summary>Time to discovery and decommission cycle time count the approvals and disposals of the this many
    /// days ending with the snapshot's day.</summary>
    [Range(1, 366)]
    public int WindowDays { get; set; } = 30;

    /// <summary>The inventory accuracy rate is the latest campaign closed within this many days ending with the
    /// snapshot's day (campaigns run quarterly by default, so a quarter).</summary>
    [Range(1, 3660)]
    public int CampaignWindowDays { get; set; } = 92;

    /// <summary>A Deployed asset counts as used when its last used day lies within this many days ending with the
    /// snapshot's day.</summary>
    [Range(1, 366)]
    public int UtilisationWindowDays { get; set; } = 30;

    /// <summary>At most this many days per backfill request.</summary>
    [Range(1, 3660)]
    public int MaxBackfillDays { get; set; } = 400;
}
