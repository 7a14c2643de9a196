using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Assets;

public sealed partial record AssetView
{
    public static AssetView From(AssetDetailEntity detail, AssetSummaryEntity? summary) =>
        new()
        {
            Id = detail.PartitionKey,
            Tag = detail.Tag,
            Name = detail.Name ?? summary?.Name ?? detail.Hostname,
            Kind = detail.Kind,
            Type = detail.Type,
            Category = detail.Category,
            State = detail.State,
            NeedsReview = summary?.NeedsReview ?? false,
            Hostname = detail.Hostname,
            SerialNumber = detail.SerialNumber,
            SmbiosUuid = detail.SmbiosUuid,
            MacAddresses = detail.MacAddresses?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [],
            Manufacturer = detail.Manufacturer,
            Model = detail.Model,
            CloudResourceId = detail.CloudResourceId,
            OperatingSystem = detail.OsName is null ? null : $"{detail.OsName} {detail.OsVersion}".Trim(),
            CpuModel = detail.CpuModel,
            MemoryMb = detail.MemoryMb,
            MemoryInstalledMb = detail.MemoryInstalledMb,
            Owner = detail.Owner,
            ItStakeholder = detail.ItStakeholder,
            Department = detail.Department,
            Location = detail.Location,
            Criticality = detail.Criticality,
            CreatedAt = detail.CreatedAt,
            LastSeenAt = summary?.LastSeenAt,
            LastInventoryAt = detail.LastInventoryAt,
            SoftwareCount = detail.SoftwareCount,
            AgentVersion = summary?.AgentVersion,
            CredentialRevoked = summary?.CredentialRevoked ?? false,
            SuspectedDuplicateOf = SplitIds(detail.SuspectedDuplicateOf),
            PlatformIdentities = AssetPlatformIdentities.From(detail),
            Financials = AssetFinancials.Parse(detail.Financials),
            Bios =
                detail.BiosVendor is null && detail.BiosVersion is null && detail.BiosDate is null
                    ? null
                    : new AssetFirmware
                    {
                        Vendor = detail.BiosVendor,
                        Version = detail.BiosVersion,
                        ReleaseDate = detail.BiosDate,
                    },
            OsInstalledAt = detail.OsInstalledAt,
            LastBootAt = detail.LastBootAt,
            LoggedOnUsers = AssetViewJson.Read(detail.LoggedOnUsersJson, ApiJsonContext.Default.IReadOnlyListString),
            LastLoggedOnUser = string.IsNullOrEmpty(detail.LastLoggedOnUser) ? null : detail.LastLoggedOnUser,
            Batteries = AssetViewJson.Read(detail.BatteriesJson, ApiJsonContext.Default.IReadOnlyListAssetBattery),
            Security =
                detail.AntivirusJson is null && detail.FirewallsJson is null
                    ? null
                    : new AssetSecurity
                    {
                        Antivirus = AssetViewJson.Read(
                            detail.AntivirusJson,
                            ApiJsonContext.Default.IReadOnlyListAssetAntivirus
                        ),
                        Firewalls = AssetViewJson.Read(
                            detail.FirewallsJson,
                            ApiJsonContext.Default.IReadOnlyListAssetFirewall
                        ),
                    },
            RemoteAccess = AssetViewJson.RemoteAccess(detail.RemoteAccessJson),
            LicenceKeys = AssetViewJson.Read(
                detail.LicenceKeysJson,
                ApiJsonContext.Default.IReadOnlyListAssetLicenceKey
            ),
            Peripherals = AssetViewJson.Read(
                detail.PeripheralsJson,
                ApiJsonContext.Default.IReadOnlyListAssetPeripheral
            ),
            VirtualMachines = AssetViewJson.Read(
                detail.VirtualMachinesJson,
                ApiJsonContext.Default.IReadOnlyListAssetVirtualMachine
            ),
            LinkedTo = string.IsNullOrEmpty(detail.LinkedTo) ? null : detail.LinkedTo,
            NetworkReport = detail.ReportedBy is null
                ? null
                : new AssetNetworkReport
                {
                    ItemType = NullIfEmpty(detail.NetworkItemType),
                    Firmware = NullIfEmpty(detail.Firmware),
                    IpAddresses = SplitIds(detail.DeviceIpAddresses),
                    PortCount = detail.PortCount,
                    Location = NullIfEmpty(detail.ReportedLocation),
                    Contact = NullIfEmpty(detail.ReportedContact),
                    Description = NullIfEmpty(detail.DeviceDescription),
                    ReportedBy = detail.ReportedBy,
                    ReportedAt = detail.ReportedAt,
                },
        };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static IReadOnlyList<string> SplitIds(string? ids) =>
        ids?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
}

public sealed partial record AssetPlatformIdentities
{
    public static AssetPlatformIdentities? From(AssetDetailEntity detail)
    {
        if (
            string.IsNullOrEmpty(detail.MachineId)
            && string.IsNullOrEmpty(detail.MachineGuid)
            && string.IsNullOrEmpty(detail.CloudInstance)
            && string.IsNullOrEmpty(detail.DiskSerial)
        )
            return null;
        var cloud = detail.CloudInstance?.Split('|', 2);
        return new()
        {
            MachineId = Blank(detail.MachineId),
            MachineGuid = Blank(detail.MachineGuid),
            CloudProvider = cloud is [var provider, _] ? provider : null,
            CloudInstanceId = cloud is [_, var id] ? id : null,
            SystemDiskSerial = Blank(detail.DiskSerial),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
