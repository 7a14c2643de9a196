using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Assets;

/// <summary>An asset as the management API shows it: the detail row with the live state of the summary row.</summary>
public sealed record AssetView
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
    public long? MemoryMb { get; init; }
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
            SuspectedDuplicateOf = SplitIds(detail.SuspectedDuplicateOf),
            PlatformIdentities = AssetPlatformIdentities.From(detail),
            Financials = AssetFinancials.Parse(detail.Financials),
        };

    private static IReadOnlyList<string> SplitIds(string? ids) =>
        ids?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? [];
}

/// <summary>An asset's platform identities as the API shows them (null when it has none).</summary>
public sealed record AssetPlatformIdentities
{
    public string? MachineId { get; init; }
    public string? MachineGuid { get; init; }
    public string? CloudProvider { get; init; }
    public string? CloudInstanceId { get; init; }
    public string? SystemDiskSerial { get; init; }

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
