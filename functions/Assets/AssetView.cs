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

    // What inventories carry besides hardware and software (check-in schema 1.2, docs/agents.md).

    /// <summary>The firmware (BIOS/UEFI): vendor, version, release date.</summary>
    public AssetFirmware? Bios { get; init; }
    public DateTimeOffset? OsInstalledAt { get; init; }

    /// <summary>Last boot as of the last processed inventory (not refreshed by unchanged inventories).</summary>
    public DateTimeOffset? LastBootAt { get; init; }

    /// <summary>Users logged on when the last processed inventory was taken (names only).</summary>
    public IReadOnlyList<string> LoggedOnUsers { get; init; } = [];
    public string? LastLoggedOnUser { get; init; }
    public IReadOnlyList<AssetBattery> Batteries { get; init; } = [];

    /// <summary>Antivirus and firewall state; null when never reported.</summary>
    public AssetSecurity? Security { get; init; }

    /// <summary>Remote-access tools: reported by the agent, or recognised in the software list.</summary>
    public IReadOnlyList<AssetRemoteAccess> RemoteAccess { get; init; } = [];

    /// <summary>Licence keys, masked, with their keyed hash (never the key).</summary>
    public IReadOnlyList<AssetLicenceKey> LicenceKeys { get; init; } = [];

    /// <summary>Monitors and peripherals last reported; one with a serial is also an asset
    /// (<see cref="AssetPeripheral.AssetId"/>).</summary>
    public IReadOnlyList<AssetPeripheral> Peripherals { get; init; } = [];

    /// <summary>Virtual machines this host last reported, each with its asset id.</summary>
    public IReadOnlyList<AssetVirtualMachine> VirtualMachines { get; init; } = [];

    /// <summary>For a monitor, peripheral or virtual machine that is an asset of its own: the computer or host it
    /// was last seen on.</summary>
    public string? LinkedTo { get; init; }

    /// <summary>For a computer or host: the monitors, peripherals and virtual machines linked to it now (asset ids;
    /// <c>GET /api/assets/{id}</c> only — other answers leave it empty).</summary>
    public IReadOnlyList<string> LinkedAssets { get; init; } = [];

    /// <summary>For network gear, a printer or a phone reported by an agent's network inventory: what it reported
    /// and which device reported it last.</summary>
    public AssetNetworkReport? NetworkReport { get; init; }
}

public sealed partial record AssetNetworkReport
{
    /// <summary>GLPI's itemtype: <c>NetworkEquipment</c>, <c>Printer</c> or <c>Phone</c>.</summary>
    public string? ItemType { get; init; }
    public string? Firmware { get; init; }
    public IReadOnlyList<string> IpAddresses { get; init; } = [];
    public int? PortCount { get; init; }

    /// <summary>SNMP sysLocation and sysContact as reported (free text).</summary>
    public string? Location { get; init; }
    public string? Contact { get; init; }
    public string? Description { get; init; }

    /// <summary>The device (asset id) whose agent sent the last written report, and when.</summary>
    public string? ReportedBy { get; init; }
    public DateTimeOffset? ReportedAt { get; init; }
}

public sealed partial record AssetFirmware
{
    public string? Vendor { get; init; }
    public string? Version { get; init; }

    /// <summary><c>yyyy-MM-dd</c>.</summary>
    public string? ReleaseDate { get; init; }
}

public sealed partial record AssetBattery
{
    public string? Name { get; init; }
    public string? Manufacturer { get; init; }
    public string? SerialNumber { get; init; }
    public string? Chemistry { get; init; }
    public long? DesignCapacityMwh { get; init; }
    public long? FullChargeCapacityMwh { get; init; }

    /// <summary>Full-charge capacity over design capacity, in percent (0-100); null when either is unknown.
    /// </summary>
    public int? HealthPercent { get; init; }
}

public sealed partial record AssetSecurity
{
    public IReadOnlyList<AssetAntivirus> Antivirus { get; init; } = [];
    public IReadOnlyList<AssetFirewall> Firewalls { get; init; } = [];
}

public sealed partial record AssetAntivirus
{
    public required string Name { get; init; }
    public string? Vendor { get; init; }
    public string? Version { get; init; }
    public bool? Enabled { get; init; }
    public bool? UpToDate { get; init; }
}

public sealed partial record AssetFirewall
{
    public string? Name { get; init; }
    public bool? Enabled { get; init; }
}

public sealed partial record AssetRemoteAccess
{
    public required string Tool { get; init; }
    public string? Id { get; init; }

    /// <summary><c>agent</c> (reported) or <c>software</c> (recognised in the software list).</summary>
    public required string Source { get; init; }

    /// <summary>The software entry that was recognised (source <c>software</c>).</summary>
    public string? Software { get; init; }
}

public sealed partial record AssetLicenceKey
{
    public string? Product { get; init; }

    /// <summary>The key with all but its last five characters replaced by <c>*</c>.</summary>
    public string? MaskedKey { get; init; }

    /// <summary>HMAC-SHA-256 of the normalised key with the server's secret: equal on every machine with the same
    /// key; null when the server has no secret configured.</summary>
    public string? KeyHash { get; init; }
}

public sealed partial record AssetPeripheral
{
    public required string Kind { get; init; }
    public string? Name { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? SerialNumber { get; init; }

    /// <summary>The peripheral's own asset (it has a serial number); null for a component.</summary>
    public string? AssetId { get; init; }
}

public sealed partial record AssetVirtualMachine
{
    public required string Name { get; init; }
    public string? Uuid { get; init; }
    public string? Hypervisor { get; init; }
    public string? State { get; init; }
    public int? Cpus { get; init; }
    public long? MemoryMb { get; init; }
    public string? MacAddress { get; init; }

    /// <summary>The virtual machine's own asset.</summary>
    public string? AssetId { get; init; }
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
