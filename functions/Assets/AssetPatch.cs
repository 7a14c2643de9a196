namespace ItInventory.Functions.Assets;

/// <summary>The body of <c>PATCH /api/assets/{assetId}</c>: classification and ownership; absent fields stay as they
/// are, an empty string clears a field.</summary>
public sealed record AssetPatch
{
    public string? Category { get; init; }
    public string? Owner { get; init; }
    public string? ItStakeholder { get; init; }
    public string? Department { get; init; }
    public string? Location { get; init; }

    /// <summary>Unassigned, Low, Medium, High or MissionCritical.</summary>
    public string? Criticality { get; init; }

    /// <summary>Replaces the asset's financial record as a whole (send every field to keep; <c>{}</c> clears
    /// it).</summary>
    public Financials.AssetFinancials? Financials { get; init; }
}
