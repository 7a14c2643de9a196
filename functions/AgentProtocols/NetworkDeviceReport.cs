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
    /// <summary>From network discovery (XML <c>NETDISCOVERY</c>): less than an inventory knows, so it creates an
    /// asset but never updates one (an inventory's ports and firmware would flap with every discovery run).</summary>
    public bool Discovery { get; init; }

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
        var device = content.One("NETWORK_DEVICE");
        return Build(
            itemType,
            device?.Value("NAME"),
            device?.Value("SERIAL"),
            content.All("NETWORK_PORTS").Select(p => p.Value("MAC")).Prepend(device?.Value("MAC")),
            device?.Value("MANUFACTURER"),
            device?.Value("MODEL"),
            device?.Value("FIRMWARE") ?? content.All("FIRMWARES").Select(f => f.Value("VERSION")).FirstOrDefault(),
            (device?.All("IPS") ?? []).Select(i => i.Text),
            content.All("NETWORK_PORTS").Count,
            device?.Value("LOCATION"),
            device?.Value("CONTACT"),
            device?.Value("DESCRIPTION")
        );
    }

    /// <summary>The GLPI itemtype of the XML tasks' <c>TYPE</c> (<c>NETWORKING</c>, <c>PRINTER</c>, <c>PHONE</c>;
    /// the others are no asset of ours); null when there is none.</summary>
    public static string? ItemTypeOf(string? xmlType) =>
        xmlType?.Trim().ToUpperInvariant() switch
        {
            "NETWORKING" => "NetworkEquipment",
            "PRINTER" => "Printer",
            "PHONE" => "Phone",
            null or "" => null,
            var other => AgentInventoryMapper.Text(other),
        };

    /// <summary>
    /// One <c>DEVICE</c> of the XML network tasks (the GLPI and FusionInventory agents' native form):
    /// <c>SNMPQUERY</c> (network inventory: <c>INFO</c>, <c>PORTS/PORT</c>, <c>FIRMWARES</c>) or
    /// <c>NETDISCOVERY</c> (discovery: flat fields, names from SNMP, DNS or NetBIOS). Null when its type is none of
    /// ours.
    /// </summary>
    public static NetworkDeviceReport? ReadXml(AgentNode device, bool inventory)
    {
        var info = inventory ? device.One("INFO") : device;
        if (info is null || ItemTypeOf(info.Value("TYPE")) is not { } itemType)
            return null;
        var ports = inventory ? device.One("PORTS")?.All("PORT") ?? [] : [];
        var ips = (info.One("IPS")?.All("IP") ?? []).Select(i => i.Text);
        return
            Build(
                itemType,
                inventory ? info.Value("NAME") : info.Value("SNMPHOSTNAME") ?? info.Value("DNSHOSTNAME", "NETBIOSNAME"),
                info.Value("SERIAL"),
                ports.Select(p => p.Value("MAC")).Prepend(info.Value("MAC")),
                info.Value("MANUFACTURER"),
                info.Value("MODEL"),
                info.Value("FIRMWARE") ?? device.All("FIRMWARES").Select(f => f.Value("VERSION")).FirstOrDefault(),
                inventory ? ips : ips.Prepend(info.Value("IP")),
                ports.Count,
                info.Value("LOCATION"),
                info.Value("CONTACT"),
                info.Value("DESCRIPTION", "COMMENTS")
            )
                is { } report
            ? report with
            {
                Discovery = !inventory,
            }
            : null;
    }

    /// <summary>What discovery found, for a sighting: itemtype, first MAC and address, name, serial as sent.
    /// </summary>
    public static AgentDiscovery.ReportedDevice Sighted(string itemType, AgentNode info, NetworkDeviceReport? report) =>
        new(
            itemType,
            report?.MacAddresses.FirstOrDefault() ?? info.Value("MAC"),
            report?.IpAddresses.FirstOrDefault() ?? info.Value("IP"),
            report?.Name ?? AgentInventoryMapper.Text(info.Value("SNMPHOSTNAME", "NAME") ?? info.Value("DNSHOSTNAME")),
            AgentInventoryMapper.Text(info.Value("SERIAL")),
            report?.Manufacturer ?? AgentInventoryMapper.Text(info.Value("MANUFACTURER")),
            report?.Model ?? AgentInventoryMapper.Text(info.Value("MODEL"))
        );

    private static NetworkDeviceReport? Build(
        string itemType,
        string? name,
        string? serial,
        IEnumerable<string?> macs,
        string? manufacturer,
        string? model,
        string? firmware,
        IEnumerable<string?> ips,
        int portCount,
        string? location,
        string? contact,
        string? description
    )
    {
        if (TypeOf(itemType) is not { } type)
            return null;
        var stable = new List<string>();
        foreach (var raw in macs)
        {
            if (
                HardwareIdentity.NormaliseMac(raw) is { } mac
                && HardwareIdentity.IsStableMac(mac)
                && !stable.Contains(mac)
                && stable.Count < MaxMacAddresses
            )
                stable.Add(mac);
        }
        return new NetworkDeviceReport(
            itemType,
            type,
            AgentInventoryMapper.Text(name),
            HardwareIdentity.NormaliseSerial(serial),
            stable,
            AgentInventoryMapper.Text(manufacturer),
            AgentInventoryMapper.Text(model),
            AgentInventoryMapper.Text(firmware),
            ips.Select(i => i?.Trim())
                .Where(i => i is not null && IsUsableIp(i))
                .Select(i => i!)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Take(MaxIpAddresses)
                .ToList(),
            portCount,
            AgentInventoryMapper.Text(location),
            AgentInventoryMapper.Text(contact),
            AgentInventoryMapper.Text(description)
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
