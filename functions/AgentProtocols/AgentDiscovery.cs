using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>
/// Devices an agent reports that are not itself — network equipment, printers, phones from the GLPI Agent's network
/// discovery and inventory tasks (itemtypes other than <c>Computer</c>). One whose MAC or serial an asset carries is
/// known; an unknown one becomes (or refreshes) a sighting keyed by its MAC, so the reconciliation scan raises it as
/// an unregistered device. The sighting records which device's credential reported it, and what the agent said it
/// is (itemtype, name, serial, manufacturer, model): the reviewer registers it from there.
/// </summary>
public sealed class AgentDiscovery(InventoryStore store, ILogger<AgentDiscovery> logger)
{
    /// <summary>What a reported device is, from <c>network_device</c> (and its ports when it names no MAC).</summary>
    public sealed record ReportedDevice(
        string ItemType,
        string? Mac,
        string? Ip,
        string? Name,
        string? Serial,
        string? Manufacturer,
        string? Model
    );

    public static ReportedDevice Describe(string itemType, AgentNode content)
    {
        var device = content.One("NETWORK_DEVICE");
        var ports = content.All("NETWORK_PORTS");
        var mac = AgentInventoryMapper.Mac(device?.Value("MAC"))
            ?? ports.Select(p => AgentInventoryMapper.Mac(p.Value("MAC"))).FirstOrDefault(m => m is not null);
        var ip = device?.All("IPS").Select(i => i.Text?.Trim()).FirstOrDefault(i => !string.IsNullOrEmpty(i));
        var bios = content.One("BIOS");
        var hardware = content.One("HARDWARE");
        return new ReportedDevice(
            AgentInventoryMapper.Text(itemType)!,
            mac,
            ip is not null && Common.ContractFormats.IsIpAddress(ip) ? ip : null,
            AgentInventoryMapper.Text(device?.Value("NAME") ?? hardware?.Value("NAME")),
            AgentInventoryMapper.Text(device?.Value("SERIAL") ?? bios?.Value("SSN")),
            AgentInventoryMapper.Text(device?.Value("MANUFACTURER") ?? bios?.Value("SMANUFACTURER")),
            AgentInventoryMapper.Text(device?.Value("MODEL") ?? bios?.Value("SMODEL"))
        );
    }

    /// <summary>Records the reported device: nothing when an asset carries its serial or MAC, else a sighting.
    /// Answers whether a sighting was written.</summary>
    public Task<bool> RecordAsync(
        string reportedBy,
        string itemType,
        AgentNode content,
        DateTimeOffset at,
        CancellationToken cancellationToken
    ) => RecordAsync(reportedBy, Describe(itemType, content), at, cancellationToken);

    /// <summary>Records a described device (see the other overload).</summary>
    public async Task<bool> RecordAsync(
        string reportedBy,
        ReportedDevice device,
        DateTimeOffset at,
        CancellationToken cancellationToken
    )
    {
        if (device.Ip is not null && !Common.ContractFormats.IsIpAddress(device.Ip))
            device = device with { Ip = null };
        var itemType = device.ItemType;
        var mac = HardwareIdentity.NormaliseMac(device.Mac);
        foreach (
            var key in new[]
            {
                HardwareIdentity.NormaliseSerial(device.Serial) is { } serial
                    ? new IdentityKey(IdentityKind.Serial, serial).Key
                    : null,
                mac is null ? null : new IdentityKey(IdentityKind.Mac, mac).Key,
            }
        )
        {
            if (key is null)
                continue;
            var known = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
                key,
                TableKeys.IdentityRow,
                [nameof(AssetIdentityEntity.AssetId)],
                cancellationToken
            );
            if (known.HasValue)
            {
                logger.LogDebug("{ItemType} reported by {DeviceId} is asset {AssetId}", itemType, reportedBy, key);
                return false;
            }
        }
        if (mac is null)
        {
            logger.LogInformation(
                "{ItemType} reported by {DeviceId} has no MAC address and matches no asset; not recorded",
                itemType,
                reportedBy
            );
            return false;
        }
        var sighting = new TableEntity(mac, TableKeys.SightingRow)
        {
            [nameof(SightingEntity.LastIpAddress)] = device.Ip,
            [nameof(SightingEntity.LastSeenAt)] = at,
            [nameof(SightingEntity.LastSeenBy)] = reportedBy,
            ["ReportedItemType"] = device.ItemType,
            ["ReportedName"] = device.Name,
            ["ReportedSerial"] = device.Serial,
            ["ReportedManufacturer"] = device.Manufacturer,
            ["ReportedModel"] = device.Model,
        };
        try
        {
            await store.Sightings.UpdateEntityAsync(sighting, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            sighting[nameof(SightingEntity.FirstSeenAt)] = at;
            sighting[nameof(SightingEntity.FirstSeenBy)] = reportedBy;
            await store.Sightings.UpsertEntityAsync(sighting, TableUpdateMode.Merge, cancellationToken);
        }
        logger.LogInformation("Sighting of {ItemType} {Mac} reported by {DeviceId}", itemType, mac, reportedBy);
        return true;
    }
}
