namespace ItInventory.Functions.Assets;

// An agentless asset reported by an agent's network inventory (network gear, printers, phones; docs/agents.md).
// Absent on every other asset.
public sealed partial class AssetDetailEntity
{
    /// <summary>GLPI's itemtype as reported: <c>NetworkEquipment</c>, <c>Printer</c> or <c>Phone</c>.</summary>
    public string? NetworkItemType { get; set; }
    public string? Firmware { get; set; }

    /// <summary>The device's own addresses, comma-separated (loopback and unspecified dropped).</summary>
    public string? DeviceIpAddresses { get; set; }

    /// <summary>How many interfaces the device listed.</summary>
    public int? PortCount { get; set; }

    /// <summary>SNMP sysLocation and sysContact: free text, so not <see cref="Location"/> (a taxonomy code).
    /// </summary>
    public string? ReportedLocation { get; set; }
    public string? ReportedContact { get; set; }

    /// <summary>SNMP sysDescr.</summary>
    public string? DeviceDescription { get; set; }

    /// <summary>The device (asset id) whose credential sent the last written report, and when.</summary>
    public string? ReportedBy { get; set; }
    public DateTimeOffset? ReportedAt { get; set; }

    /// <summary>Hash of the last written report's values: the same report from the same device is unchanged.</summary>
    public string? NetworkReportHash { get; set; }
}
