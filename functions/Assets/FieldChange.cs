namespace ItInventory.Functions.Assets;

/// <summary>One changed field of an asset (or of any audited entity). A pure contract (the console links this file).
/// </summary>
public sealed record FieldChange(string Field, string? From, string? To);
