using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Assets;

/// <summary>An asset as the management API shows it: the detail row with the live state of the summary row. A pure
/// contract (the console links this file); the mapping from storage is in AssetViewMapping.cs.</summary>
public sealed partial record AssetView
{
    public required string Id { get; init; }
    public string? Tag { get; init; }
    public string? Name { get; init; }
    public required string Kind { get; init; }
    public required string Type { get; init; }
    public string? Category { get; init; }
    public required string State { get; init; }
    public bool NeedsReview { get; init; }
    public string? Hostname { get; init; }
    public string? SerialNumber { get; init; }
    public string? SmbiosUuid { get; init; }
    public IReadOnlyList<string> MacAddresses { get; init; } = [];
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? CloudResourceId { get; init; }
    public string? OperatingSystem { get; init; }
    public string? CpuModel { get; init; }

    /// <summary>Memory visible to the operating system, MiB.</summary>
    public long? MemoryMb { get; init; }

    /// <summary>Installed memory (the sum of the modules), MiB, when the agent reports it.</summary>
    public long? MemoryInstalledMb { get; init; }
    public string? Owner { get; init; }
    public string? ItStakeholder { get; init; }
    public string? Department { get; init; }
    public string? Location { get; init; }
    public required string Criticality { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastSeenAt { get; init; }
    public DateTimeOffset? LastInventoryAt { get; init; }
    public int SoftwareCount { get; init; }
    public string? AgentVersion { get; init; }
    public bool CredentialRevoked { get; init; }
    public AssetFinancials? Financials { get; init; }

    /// <summary>Assets this one may duplicate: its identities conflicted with theirs, so it was kept apart for
    /// review (a <c>suspected-duplicate</c> finding says why).</summary>
    public IReadOnlyList<string> SuspectedDuplicateOf { get; init; } = [];

    /// <summary>Normalised platform identities (machine-id, MachineGuid, cloud instance, system disk serial).</summary>
    public AssetPlatformIdentities? PlatformIdentities { get; init; }
}

/// <summary>An asset's platform identities as the API shows them (null when it has none).</summary>
public sealed partial record AssetPlatformIdentities
{
    public string? MachineId { get; init; }
    public string? MachineGuid { get; init; }
    public string? CloudProvider { get; init; }
    public string? CloudInstanceId { get; init; }
    public string? SystemDiskSerial { get; init; }
}
