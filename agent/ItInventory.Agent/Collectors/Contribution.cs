using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors;

/// <summary>
/// What one collector found. Each property is a whole section or nothing: the runner applies a contribution only
/// when its collector finished without error, so a failing collector never leaves part of a section behind.
/// </summary>
public sealed record Contribution
{
    public string? Hostname { get; init; }
    public HardwareData? Hardware { get; init; }
    public OperatingSystemData? OperatingSystem { get; init; }
    public IReadOnlyList<SoftwareData>? Software { get; init; }
    public IReadOnlyList<LocalUserData>? LocalUsers { get; init; }
    public IReadOnlyList<NeighbourData>? Neighbours { get; init; }
    public IReadOnlyList<AntivirusData>? Antivirus { get; init; }
}

/// <summary>One source of inventory facts (a file, a command, an API), with a pure parser behind it.</summary>
public interface IInventoryCollector
{
    string Name { get; }

    Contribution Collect(CancellationToken cancellationToken);
}

/// <summary>A cheap check run at every heartbeat: when its value moves, the full inventory is collected
/// again.</summary>
public interface IChangeFingerprint
{
    string? Fingerprint();
}

/// <summary>Runs the collectors, merges what they found and records why a section is missing.</summary>
public static class InventoryComposer
{
    public static InventoryData Compose(
        IEnumerable<IInventoryCollector> collectors,
        DateTimeOffset collectedAt,
        CancellationToken cancellationToken
    )
    {
        var inventory = new InventoryData { CollectedAt = collectedAt };
        var diagnostics = new List<CollectorDiagnostic>();
        foreach (var collector in collectors)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Contribution found;
            try
            {
                found = collector.Collect(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The contract's diagnostics name the sections left out: the server keeps their stored values.
                foreach (var section in SectionsOf(collector.Name))
                    diagnostics.Add(new() { Section = section, Error = $"{collector.Name}: {Describe(ex)}" });
                continue;
            }
            inventory = Merge(inventory, found);
        }
        return inventory with { Diagnostics = diagnostics.Count == 0 ? null : diagnostics };
    }

    public static InventoryData Merge(InventoryData inventory, Contribution found) =>
        inventory with
        {
            Hostname = found.Hostname ?? inventory.Hostname,
            Hardware = MergeHardware(inventory.Hardware, found.Hardware),
            OperatingSystem = found.OperatingSystem ?? inventory.OperatingSystem,
            Software = found.Software ?? inventory.Software,
            LocalUsers = found.LocalUsers ?? inventory.LocalUsers,
            Neighbours = found.Neighbours ?? inventory.Neighbours,
            Antivirus = found.Antivirus ?? inventory.Antivirus,
        };

    private static HardwareData? MergeHardware(HardwareData? a, HardwareData? b) =>
        (a, b) switch
        {
            (null, _) => b,
            (_, null) => a,
            _ => new HardwareData
            {
                Manufacturer = b.Manufacturer ?? a.Manufacturer,
                Model = b.Model ?? a.Model,
                SerialNumber = b.SerialNumber ?? a.SerialNumber,
                SmbiosUuid = b.SmbiosUuid ?? a.SmbiosUuid,
                Type = b.Type ?? a.Type,
                Cpu = b.Cpu ?? a.Cpu,
                MemoryMb = b.MemoryMb ?? a.MemoryMb,
                Disks = b.Disks ?? a.Disks,
                NetworkInterfaces = b.NetworkInterfaces ?? a.NetworkInterfaces,
                PlatformIdentities = MergeIdentities(a.PlatformIdentities, b.PlatformIdentities),
            },
        };

    private static PlatformIdentityData? MergeIdentities(PlatformIdentityData? a, PlatformIdentityData? b) =>
        (a, b) switch
        {
            (null, _) => b,
            (_, null) => a,
            _ => new PlatformIdentityData
            {
                MachineId = b.MachineId ?? a.MachineId,
                MachineGuid = b.MachineGuid ?? a.MachineGuid,
                CloudProvider = b.CloudProvider ?? a.CloudProvider,
                CloudInstanceId = b.CloudInstanceId ?? a.CloudInstanceId,
                SystemDiskSerial = b.SystemDiskSerial ?? a.SystemDiskSerial,
            },
        };

    private static string Describe(Exception ex) =>
        ex switch
        {
            FileNotFoundException f => $"not found: {f.FileName ?? f.Message}",
            DirectoryNotFoundException => "not found: " + ex.Message,
            UnauthorizedAccessException => "access denied: " + ex.Message,
            System.ComponentModel.Win32Exception w => $"could not run a tool: {w.Message}",
            _ => ex.Message,
        };

    /// <summary>The inventory sections (docs/schemas, <c>diagnostics[].section</c>) a collector fills, by the end
    /// of its name.</summary>
    public static IReadOnlyList<string> SectionsOf(string collector) =>
        collector switch
        {
            _ when collector.EndsWith("packages", StringComparison.Ordinal)
                || collector.EndsWith("applications", StringComparison.Ordinal)
                || collector.EndsWith("pkgutil", StringComparison.Ordinal)
                || collector.EndsWith("uninstall-keys", StringComparison.Ordinal) => ["software"],
            _ when collector.EndsWith("disks", StringComparison.Ordinal) => ["hardware.disks"],
            _ when collector.EndsWith("neighbours", StringComparison.Ordinal) => ["neighbours"],
            _ when collector.EndsWith("network", StringComparison.Ordinal) => ["hardware.networkInterfaces"],
            _ when collector.EndsWith("users", StringComparison.Ordinal) => ["localUsers"],
            _ when collector.EndsWith("system", StringComparison.Ordinal)
                || collector.EndsWith("wmi", StringComparison.Ordinal)
                || collector.EndsWith("system-profiler", StringComparison.Ordinal) => ["hardware", "operatingSystem"],
            _ => [],
        };
}
