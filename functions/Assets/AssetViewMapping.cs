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
        };
}
