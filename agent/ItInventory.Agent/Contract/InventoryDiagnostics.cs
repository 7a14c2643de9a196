namespace ItInventory.Functions.CheckIns;

// The agent's addition to the shared contract records (they are partial). The server ignores properties it does not
// know (docs/api.md), so this travels with the payload (and is kept in the stored check-in blob).

public sealed partial record InventoryData
{
    /// <summary>Antivirus products registered with the OS (Windows Security Center), by display name.</summary>
    public IReadOnlyList<string>? Antivirus { get; init; }
}
