namespace ItInventory.Functions.Common;

/// <summary>Limits of the check-in and enrollment contract; docs/schemas/checkin-1.2.schema.json and
/// enrollment-1.1.schema.json state the same numbers (a test keeps them equal). String lengths count Unicode code
/// points, as JSON Schema's maxLength does.</summary>
public static class CheckinLimits
{
    public const int MaxShortString = 256;
    public const int MaxSoftware = 20_000;

    /// <summary>A switch's neighbour (MAC address) table: thousands of entries.</summary>
    public const int MaxNeighbours = 8_192;
    public const int MaxLocalUsers = 1_024;
    public const int MaxDisks = 256;

    /// <summary>Network gear: a 48-port switch stack reports about 500 interfaces (ports, VLANs, port
    /// channels).</summary>
    public const int MaxNetworkInterfaces = 4_096;
    public const int MaxIpAddresses = 64;

    /// <summary>MAC addresses an enrollment may list: as many as network gear has, within the 64 KiB enrollment
    /// body.</summary>
    public const int MaxEnrollmentMacAddresses = 2_048;

    /// <summary>How many MAC addresses serve as one machine's identities (the lowest globally unique ones; all are
    /// stored): a switch with hundreds of port MACs must not claim hundreds of identity rows.</summary>
    public const int MaxIdentityMacAddresses = 16;

    /// <summary>Collector failures an inventory may report.</summary>
    public const int MaxDiagnostics = 64;

    /// <summary>Warnings listed in an answer; more are summarised under <c>$</c>.</summary>
    public const int MaxWarnings = 100;

    public const int SupportedMajorVersion = 1;

    // Schema 1.2: what real inventories carry besides hardware and software (sized above what machines have).
    public const int MaxBatteries = 16;
    public const int MaxPeripherals = 64;
    public const int MaxLoggedOnUsers = 64;
    public const int MaxAntivirus = 32;
    public const int MaxFirewalls = 32;
    public const int MaxRemoteAccess = 32;
    public const int MaxLicences = 64;

    /// <summary>A hypervisor host's guests.</summary>
    public const int MaxVirtualMachines = 1_024;
}
