using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>
/// What the GLPI Agent's network inventory says about a device that is not itself (inventory_format
/// <c>network_device</c>, <c>network_ports</c>, <c>firmwares</c>), normalised for an agentless asset: the serial and
/// MACs through <see cref="HardwareIdentity"/> (placeholders and unstable MACs dropped), strings trimmed like every
/// mapped value. Pure code.
/// </summary>
/// <param name="ItemType">GLPI's itemtype as sent (<c>NetworkEquipment</c>, <c>Printer</c>, <c>Phone</c>).</param>
/// <param name="Serial">The normalised serial; null when the device has none usable (then it is only a sighting).
/// </param>
/// <param name="MacAddresses">Stable MACs, the device's own first, then its ports' in order, at most
/// <see cref="MaxMacAddresses"/>.</param>
/// <param name="PortCount">How many interfaces the device listed (<c>network_ports</c>).</param>
/// <param name="Location">SNMP sysLocation, free text (not a location of the taxonomy).</param>
/// <param name="Contact">SNMP sysContact, free text.</param>
public sealed record NetworkDeviceReport(
    string ItemType,
    AssetType Type,
    string? Name,
    string? Serial,
    IReadOnlyList<string> MacAddresses,
    string? Manufacturer,
    string? Model,
    string? Firmware,
    IReadOnlyList<string> IpAddresses,
    int PortCount,
    string? Location,
    string? Contact,
    string? Description
)
{
    public const int MaxMacAddresses = 128;
    public const int MaxIpAddresses = 32;

    /// <summary>The asset type a GLPI itemtype becomes; null for what is not network gear, a printer or a phone.
    /// </summary>
    public static AssetType? TypeOf(string? itemType) =>
        itemType switch
        {
            "NetworkEquipment" => AssetType.NetworkGear,
            "Printer" => AssetType.Peripheral,
            "Phone" => AssetType.Mobile,
            _ => null,
        };

    /// <summary>Reads the report; null when the itemtype is none of <see cref="TypeOf"/>'s.</summary>
    public static NetworkDeviceReport? Read(string itemType, AgentNode content)
    {
        if (TypeOf(itemType) is not { } type)
            return null;
        var device = content.One("NETWORK_DEVICE");
        var ports = content.All("NETWORK_PORTS");
        var macs = new List<string>();
        foreach (var raw in ports.Select(p => p.Value("MAC")).Prepend(device?.Value("MAC")))
        {
            if (
                HardwareIdentity.NormaliseMac(raw) is { } mac
                && HardwareIdentity.IsStableMac(mac)
                && !macs.Contains(mac)
                && macs.Count < MaxMacAddresses
            )
                macs.Add(mac);
        }
        var ips = (device?.All("IPS") ?? [])
            .Select(i => i.Text?.Trim())
            .Where(i => i is not null && IsUsableIp(i))
            .Select(i => i!)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(MaxIpAddresses)
            .ToList();
        return new NetworkDeviceReport(
            itemType,
            type,
            AgentInventoryMapper.Text(device?.Value("NAME")),
            HardwareIdentity.NormaliseSerial(device?.Value("SERIAL")),
            macs,
            AgentInventoryMapper.Text(device?.Value("MANUFACTURER")),
            AgentInventoryMapper.Text(device?.Value("MODEL")),
            AgentInventoryMapper.Text(
                device?.Value("FIRMWARE") ?? content.All("FIRMWARES").Select(f => f.Value("VERSION")).FirstOrDefault()
            ),
            ips,
            ports.Count,
            AgentInventoryMapper.Text(device?.Value("LOCATION")),
            AgentInventoryMapper.Text(device?.Value("CONTACT")),
            AgentInventoryMapper.Text(device?.Value("DESCRIPTION"))
        );
    }

    /// <summary>An address worth showing: valid, neither unspecified nor loopback (agents list 0.0.0.0 and
    /// 127.0.0.1 from the device's own table).</summary>
    private static bool IsUsableIp(string text) =>
        ContractFormats.IsIpAddress(text)
        && IPAddress.TryParse(text, out var ip)
        && !IPAddress.IsLoopback(ip)
        && !ip.Equals(IPAddress.Any)
        && !ip.Equals(IPAddress.IPv6Any);

    /// <summary>The identity keys to look the device up by and to claim: the serial first, then the MACs (the
    /// device's own first), as many as a computer's.</summary>
    public IEnumerable<IdentityKey> IdentityKeys =>
        (Serial is null ? [] : new[] { new IdentityKey(IdentityKind.Serial, Serial) }).Concat(
            MacAddresses.Take(CheckinLimits.MaxIdentityMacAddresses).Select(m => new IdentityKey(IdentityKind.Mac, m))
        );

    /// <summary>The index key that finds an asset kept apart for review (its serial belongs to another asset, so it
    /// cannot claim the serial's own key).</summary>
    public static string ReviewKey(string serial) => "network|" + new IdentityKey(IdentityKind.Serial, serial).Key;

    /// <summary>The detail-row values this report sets, by property name (the MACs sorted, as every asset stores
    /// them).</summary>
    public IReadOnlyList<(string Field, string? Value)> Fields =>
        [
            (nameof(AssetDetailEntity.Name), Name),
            (nameof(AssetDetailEntity.SerialNumber), Serial),
            (
                nameof(AssetDetailEntity.MacAddresses),
                MacAddresses.Count == 0 ? null : string.Join(",", MacAddresses.Order(StringComparer.Ordinal))
            ),
            (nameof(AssetDetailEntity.Manufacturer), Manufacturer),
            (nameof(AssetDetailEntity.Model), Model),
            (nameof(AssetDetailEntity.NetworkItemType), ItemType),
            (nameof(AssetDetailEntity.Firmware), Firmware),
            (
                nameof(AssetDetailEntity.DeviceIpAddresses),
                IpAddresses.Count == 0 ? null : string.Join(",", IpAddresses)
            ),
            (nameof(AssetDetailEntity.PortCount), PortCount.ToString(CultureInfo.InvariantCulture)),
            (nameof(AssetDetailEntity.ReportedLocation), Location),
            (nameof(AssetDetailEntity.ReportedContact), Contact),
            (nameof(AssetDetailEntity.DeviceDescription), Description),
        ];

    /// <summary>SHA-256 (hex) of <see cref="Fields"/>: the same report again is recognised with one read.</summary>
    public string Hash =>
        Convert.ToHexStringLower(
            SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", Fields.Select(f => f.Field + "=" + f.Value))))
        );
}
