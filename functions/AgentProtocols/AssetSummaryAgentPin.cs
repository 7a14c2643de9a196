namespace ItInventory.Functions.Assets;

public sealed partial class AssetSummaryEntity
{
    /// <summary>The existing agent bound to the device credential on its first use
    /// (<see cref="AgentProtocols.AgentPins"/>): <c>&lt;credential tag&gt;|&lt;agent identity&gt;</c>; empty when
    /// none.</summary>
    public string? AgentPin { get; set; }
}
