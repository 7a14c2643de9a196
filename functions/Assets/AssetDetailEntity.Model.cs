namespace ItInventory.Functions.Assets;

// What inventories carry besides hardware and software (check-in schema 1.2): flat columns for single values, JSON
// (bounded like DisksJson) for lists. Licence keys are only ever stored masked and hashed.
public sealed partial class AssetDetailEntity
{
    public string? BiosVendor { get; set; }
    public string? BiosVersion { get; set; }

    /// <summary><c>yyyy-MM-dd</c>.</summary>
    public string? BiosDate { get; set; }
    public DateTimeOffset? OsInstalledAt { get; set; }

    /// <summary>Volatile: merged with every processed inventory, never a history entry.</summary>
    public DateTimeOffset? LastBootAt { get; set; }

    /// <summary>JSON list of names; volatile like <see cref="LastBootAt"/>.</summary>
    public string? LoggedOnUsersJson { get; set; }
    public string? LastLoggedOnUser { get; set; }

    /// <summary>JSON lists of <see cref="AssetBattery"/>, <see cref="AssetAntivirus"/>, <see cref="AssetFirewall"/>,
    /// <see cref="AssetRemoteAccess"/>, <see cref="AssetLicenceKey"/>, <see cref="AssetPeripheral"/> and
    /// <see cref="AssetVirtualMachine"/>.</summary>
    public string? BatteriesJson { get; set; }
    public string? AntivirusJson { get; set; }
    public string? FirewallsJson { get; set; }
    public string? RemoteAccessJson { get; set; }
    public string? LicenceKeysJson { get; set; }
    public string? PeripheralsJson { get; set; }
    public string? VirtualMachinesJson { get; set; }

    /// <summary>For a peripheral or virtual machine that is an asset of its own: the computer or host it was last
    /// reported by ("" when none: a merge cannot remove a property).</summary>
    public string? LinkedTo { get; set; }
}
