using System.Text.Json.Serialization;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.CheckIns;

// The one check-in contract (schema docs/schemas/checkin-1.2.schema.json; 1.0 and 1.1 documents stay valid).
// Properties are nullable so that CheckinValidator can say exactly what is missing; limits live in CheckinLimits.

/// <summary>The body of <c>POST /api/checkins</c>: a heartbeat or a full inventory.</summary>
public sealed partial record CheckinRequest
{
    /// <summary>"1.0" (any 1.x is accepted: minor versions only add optional fields).</summary>
    public string? SchemaVersion { get; init; }

    /// <summary><c>heartbeat</c> or <c>inventory</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The device id returned by enrollment; must match the credential.</summary>
    public string? DeviceId { get; init; }

    [JsonConverter(typeof(LenientDateTimeConverter))]
    public DateTimeOffset? SentAt { get; init; }

    public AgentInfo? Agent { get; init; }

    public HeartbeatData? Heartbeat { get; init; }

    public InventoryData? Inventory { get; init; }
}

public static class CheckinKinds
{
    public const string Heartbeat = "heartbeat";
    public const string Inventory = "inventory";
}

public sealed partial record AgentInfo
{
    public string? Name { get; init; }
    public string? Version { get; init; }
}

/// <summary>The frequent, small check-in: utilisation and reachability.</summary>
public sealed partial record HeartbeatData
{
    public double? CpuAveragePercent { get; init; }
    public double? MemoryUsedPercent { get; init; }
    public double? DiskUsedPercent { get; init; }
    public long? UptimeSeconds { get; init; }

    /// <summary>Minutes of interactive use since the previous heartbeat.</summary>
    public int? InteractiveMinutes { get; init; }

    [JsonConverter(typeof(LenientDateTimeConverter))]
    public DateTimeOffset? LastInteractiveLogonAt { get; init; }
    public IReadOnlyList<string>? IpAddresses { get; init; }

    /// <summary>The inventory hash the server returned for the device's last full inventory.</summary>
    public string? InventoryHash { get; init; }
}

/// <summary>The full inventory: hardware, OS, software, local users and LAN neighbours.</summary>
public sealed partial record InventoryData
{
    [JsonConverter(typeof(LenientDateTimeConverter))]
    public DateTimeOffset? CollectedAt { get; init; }
    public string? Hostname { get; init; }
    public HardwareData? Hardware { get; init; }
    public OperatingSystemData? OperatingSystem { get; init; }
    public IReadOnlyList<SoftwareData>? Software { get; init; }
    public IReadOnlyList<LocalUserData>? LocalUsers { get; init; }
    public IReadOnlyList<NeighbourData>? Neighbours { get; init; }

    /// <summary>Sections the agent failed to collect (schema 1.1): their stored values stay as they are.</summary>
    public IReadOnlyList<CollectorDiagnostic>? Diagnostics { get; init; }

    /// <summary>Users logged on when the inventory was taken, names only (schema 1.2; volatile: not hashed).</summary>
    public IReadOnlyList<string>? LoggedOnUsers { get; init; }

    /// <summary>The last user who logged on, a name (schema 1.2; volatile: not hashed).</summary>
    public string? LastLoggedOnUser { get; init; }

    /// <summary>Antivirus products registered with the OS and their state (schema 1.2).</summary>
    public IReadOnlyList<AntivirusData>? Antivirus { get; init; }

    /// <summary>Firewalls (or firewall profiles) and whether each is on (schema 1.2).</summary>
    public IReadOnlyList<FirewallData>? Firewalls { get; init; }

    /// <summary>Remote-access tools the agent found (schema 1.2); the server adds those it recognises in the
    /// software list.</summary>
    public IReadOnlyList<RemoteAccessData>? RemoteAccess { get; init; }

    /// <summary>Licence/product keys (schema 1.2). A key arrives in clear and is never stored so: the server keeps
    /// its last five characters and a keyed hash (<see cref="LicenceKeyData"/>).</summary>
    public IReadOnlyList<LicenceKeyData>? Licences { get; init; }

    /// <summary>Virtual machines this host runs (schema 1.2): each becomes an asset linked to the host.</summary>
    public IReadOnlyList<VirtualMachineData>? VirtualMachines { get; init; }
}

/// <summary>An antivirus product (schema 1.2).</summary>
public sealed partial record AntivirusData
{
    public string? Name { get; init; }
    public string? Vendor { get; init; }
    public string? Version { get; init; }

    /// <summary>Real-time protection on.</summary>
    public bool? Enabled { get; init; }

    /// <summary>Signatures up to date.</summary>
    public bool? UpToDate { get; init; }
}

/// <summary>A firewall or firewall profile (Windows: domain, private, public) (schema 1.2).</summary>
public sealed partial record FirewallData
{
    public string? Name { get; init; }
    public bool? Enabled { get; init; }
}

/// <summary>A remote-access tool (TeamViewer, AnyDesk, …) and its id for the tool, when it has one (schema
/// 1.2).</summary>
public sealed partial record RemoteAccessData
{
    public string? Tool { get; init; }
    public string? Id { get; init; }
}

/// <summary>
/// A licence or product key (schema 1.2). Agents send <see cref="Key"/> in clear (over TLS); the server replaces
/// it, before anything is written, by <see cref="MaskedKey"/> (its last five characters) and <see cref="KeyHash"/>
/// (HMAC-SHA-256 with the server's secret), so equal keys on two machines can be found without keeping the key.
/// A <c>maskedKey</c> or <c>keyHash</c> sent by a device is ignored.
/// </summary>
public sealed partial record LicenceKeyData
{
    public string? Product { get; init; }
    public string? Key { get; init; }
    public string? MaskedKey { get; init; }
    public string? KeyHash { get; init; }
}

/// <summary>A virtual machine reported by its host (schema 1.2).</summary>
public sealed partial record VirtualMachineData
{
    public string? Name { get; init; }

    /// <summary>The VM's UUID (its SMBIOS UUID inside the guest, for most hypervisors).</summary>
    public string? Uuid { get; init; }

    /// <summary>kvm, hyperv, vmware, virtualbox, xen, …</summary>
    public string? Hypervisor { get; init; }

    /// <summary>running, off, paused, …</summary>
    public string? State { get; init; }
    public int? Cpus { get; init; }
    public long? MemoryMb { get; init; }
    public string? MacAddress { get; init; }
}

/// <summary>The firmware (BIOS/UEFI) (schema 1.2).</summary>
public sealed partial record FirmwareData
{
    public string? Vendor { get; init; }
    public string? Version { get; init; }

    /// <summary>Release date, <c>yyyy-MM-dd</c>.</summary>
    public string? ReleaseDate { get; init; }
}

/// <summary>A battery (schema 1.2): its health is the full-charge capacity over the design capacity.</summary>
public sealed partial record BatteryData
{
    public string? Name { get; init; }
    public string? Manufacturer { get; init; }
    public string? SerialNumber { get; init; }
    public string? Chemistry { get; init; }
    public long? DesignCapacityMwh { get; init; }
    public long? FullChargeCapacityMwh { get; init; }
}

/// <summary>A monitor or other peripheral (schema 1.2): one with a serial number becomes an asset linked to the
/// computer; one without stays a component of it.</summary>
public sealed partial record PeripheralData
{
    /// <summary><c>monitor</c>, <c>printer</c>, <c>dock</c>, <c>keyboard</c>, <c>mouse</c>, <c>webcam</c>,
    /// <c>headset</c>, <c>other</c>.</summary>
    public string? Kind { get; init; }
    public string? Name { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? SerialNumber { get; init; }
}

/// <summary>A collector failure: the section it concerns (its path in the inventory, e.g. <c>software</c> or
/// <c>hardware.disks</c>) and what went wrong.</summary>
public sealed partial record CollectorDiagnostic
{
    public string? Section { get; init; }
    public string? Error { get; init; }
}

public sealed partial record HardwareData
{
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? SerialNumber { get; init; }
    public string? SmbiosUuid { get; init; }

    /// <summary>laptop, desktop, server, network-gear, peripheral, mobile, virtual-machine, iot-sensor,
    /// remote-device.</summary>
    public string? Type { get; init; }
    public CpuData? Cpu { get; init; }

    /// <summary>Memory visible to the operating system, in MiB (what the OS reports as total physical memory:
    /// installed memory less what firmware and integrated graphics reserve).</summary>
    public long? MemoryMb { get; init; }

    /// <summary>Installed memory (the sum of the modules), in MiB, when the agent can read it (schema 1.1).</summary>
    public long? MemoryInstalledMb { get; init; }
    public IReadOnlyList<DiskData>? Disks { get; init; }
    public IReadOnlyList<NetworkInterfaceData>? NetworkInterfaces { get; init; }

    /// <summary>The firmware (schema 1.2).</summary>
    public FirmwareData? Bios { get; init; }

    /// <summary>Batteries (schema 1.2).</summary>
    public IReadOnlyList<BatteryData>? Batteries { get; init; }

    /// <summary>Monitors and other peripherals (schema 1.2).</summary>
    public IReadOnlyList<PeripheralData>? Peripherals { get; init; }

    /// <summary>Operating-system and platform identities (schema 1.1): a machine without DMI data can still be
    /// told apart.</summary>
    public PlatformIdentityData? PlatformIdentities { get; init; }
}

/// <summary>
/// Identities the platform gives a machine besides its DMI serial and SMBIOS UUID (schema 1.1): Linux
/// <c>/etc/machine-id</c>, the Windows <c>MachineGuid</c>, a cloud instance id with its provider, the system disk's
/// serial. Each is normalised and junk-filtered like the hardware identities.
/// </summary>
public sealed partial record PlatformIdentityData
{
    public string? MachineId { get; init; }
    public string? MachineGuid { get; init; }

    /// <summary><c>azure</c>, <c>aws</c>, <c>gcp</c>, <c>oci</c>, … — an instance id means something only with its
    /// provider.</summary>
    public string? CloudProvider { get; init; }
    public string? CloudInstanceId { get; init; }
    public string? SystemDiskSerial { get; init; }
}

public sealed partial record CpuData
{
    public string? Model { get; init; }
    public int? Cores { get; init; }
    public int? Threads { get; init; }
}

public sealed partial record DiskData
{
    public string? Name { get; init; }
    public string? Model { get; init; }
    public string? SerialNumber { get; init; }
    public double? SizeGb { get; init; }
}

public sealed partial record NetworkInterfaceData
{
    public string? Name { get; init; }
    public string? MacAddress { get; init; }
    public IReadOnlyList<string>? IpAddresses { get; init; }
}

public sealed partial record OperatingSystemData
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Build { get; init; }
    public string? Architecture { get; init; }

    /// <summary>When the operating system was installed (schema 1.2).</summary>
    [JsonConverter(typeof(LenientDateTimeConverter))]
    public DateTimeOffset? InstalledAt { get; init; }

    /// <summary>When the machine last booted (schema 1.2; volatile: not hashed).</summary>
    [JsonConverter(typeof(LenientDateTimeConverter))]
    public DateTimeOffset? LastBootAt { get; init; }
}

public sealed partial record SoftwareData
{
    public string? Name { get; init; }
    public string? Version { get; init; }
    public string? Publisher { get; init; }
    public string? Architecture { get; init; }

    /// <summary>Install date, <c>yyyy-MM-dd</c>.</summary>
    public string? InstalledOn { get; init; }
}

public sealed partial record LocalUserData
{
    public string? Name { get; init; }
    public bool? IsAdmin { get; init; }

    [JsonConverter(typeof(LenientDateTimeConverter))]
    public DateTimeOffset? LastLogonAt { get; init; }
}

public sealed partial record NeighbourData
{
    public string? MacAddress { get; init; }
    public string? IpAddress { get; init; }
}

/// <summary>Answer to a heartbeat (200) or an unchanged full inventory (200).</summary>
public sealed partial record CheckinResponse
{
    public required string DeviceId { get; init; }

    /// <summary><c>accepted</c> (heartbeat), <c>unchanged</c> or <c>queued</c> (full inventory).</summary>
    public required string Status { get; init; }
    public string? CheckinId { get; init; }

    /// <summary>Seconds until the device should check in again.</summary>
    public required int NextCheckinSeconds { get; init; }

    /// <summary>True when the server wants a full inventory now (hash unknown or mismatched, or requested by an
    /// admin).</summary>
    public required bool FullInventoryRequested { get; init; }

    /// <summary>The hash of the server's last processed (or, for a full inventory, this) inventory.</summary>
    public string? InventoryHash { get; init; }

    /// <summary>A new device credential (an administrator asked for rotation). The device keeps its current secret
    /// until
    /// a check-in with this one succeeds; from then on only the new one works.</summary>
    public RotatedCredential? Credential { get; init; }
}

/// <summary>A rotated device credential, delivered in a check-in answer: shown once, stored only as a hash.</summary>
public sealed partial record RotatedCredential
{
    public required string DeviceSecret { get; init; }

    /// <summary>The ready-made <c>Authorization</c> header value for check-ins with the new secret.</summary>
    public required string Authorization { get; init; }
}

/// <summary>The message on the check-in queue: a claim check for the blob that holds the payload.</summary>
public sealed partial record CheckinMessage
{
    public required string CheckinId { get; init; }
    public required string DeviceId { get; init; }
    public required string BlobName { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string InventoryHash { get; init; }
}
