namespace ItInventory.Functions.CheckIns;

/// <summary>Warnings of an accepted check-in (schema 1.1).</summary>
public sealed partial record CheckinResponse
{
    /// <summary>Optional values that were dropped or cleaned, keyed by JSON path (as problem <c>errors</c> are);
    /// absent when there are none. The rest of the check-in was accepted.</summary>
    public IReadOnlyDictionary<string, string[]>? Warnings { get; init; }
}
