namespace ItInventory.Functions.Common;

/// <summary>The form every SHA-256 the API shows or accepts takes: 64 lower-case hex digits.</summary>
public static class Sha256Hex
{
    public static bool IsValid(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
