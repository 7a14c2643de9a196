namespace ItInventory.Functions.Common;

/// <summary>Limits of the check-in contract; docs/schemas/checkin-1.0.schema.json states the same numbers (a test keeps
/// them equal).</summary>
public static class CheckinLimits
{
    public const int MaxShortString = 256;
    public const int MaxSoftware = 20_000;
    public const int MaxNeighbours = 1_024;
    public const int MaxLocalUsers = 1_024;
    public const int MaxDisks = 64;
    public const int MaxNetworkInterfaces = 64;
    public const int MaxIpAddresses = 64;
    public const int SupportedMajorVersion = 1;
}
