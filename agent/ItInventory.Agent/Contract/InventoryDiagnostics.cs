namespace ItInventory.Functions.CheckIns;

// The agent's addition to the shared contract records (they are partial): which collectors failed and why. The server
// ignores properties it does not know (docs/api.md), so this travels with the payload (and is kept in the stored
// check-in blob) without a schema change; the agent's own hash leaves it out.

public sealed partial record InventoryData
{
    /// <summary>Sections a collector could not produce, and why: such a section is absent, never half-filled.</summary>
    public IReadOnlyList<CollectorDiagnostic>? Diagnostics { get; init; }
}

public sealed record CollectorDiagnostic(string Collector, string Message);

public sealed partial record InventoryData
{
    /// <summary>Antivirus products registered with the OS (Windows Security Center), by display name.</summary>
    public IReadOnlyList<string>? Antivirus { get; init; }
}
