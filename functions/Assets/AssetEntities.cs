using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>
/// The narrow per-asset row that heartbeats, audits, idle detection and reports read
/// (table <c>assetsummary</c>, PartitionKey = <see cref="TableKeys.SummaryPartition"/>, RowKey = asset id).
/// </summary>
public sealed partial class AssetSummaryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AssetId => RowKey;

    // Classification (scans filter on these)
    public string Kind { get; set; } = nameof(AssetKind.Hardware);
    public string Type { get; set; } = nameof(AssetType.Unknown);
    public string? Category { get; set; }
    public string State { get; set; } = nameof(LifecycleState.Discovered);
    public string? Name { get; set; }
    public string? Owner { get; set; }

    /// <summary>Mirrored for the ownership-gap audit; absent on rows written before it was mirrored.</summary>
    public string? ItStakeholder { get; set; }
    public string? Department { get; set; }
    public string? Location { get; set; }
    public string Criticality { get; set; } = nameof(Assets.Criticality.Unassigned);

    /// <summary>Normalised serial and SMBIOS UUID, mirrored for the duplicate-identity audit.</summary>
    public string? SerialNumber { get; set; }
    public string? SmbiosUuid { get; set; }

    /// <summary>The asset tag (e.g. <c>ITI-000123</c>), mirrored from the detail row for scans.</summary>
    public string? Tag { get; set; }

    /// <summary>Which generation of summary fields the row carries (<see cref="AssetSummaries.FieldsVersion"/>);
    /// absent on rows written before the audits: the reconciliation completes those once
    /// (<see cref="Audits.SummaryBackfill"/>).</summary>
    public int? FieldsVersion { get; set; }
    public bool NeedsReview { get; set; }

    /// <summary>Mirrored from the detail row: the assets this one may duplicate (empty when none).</summary>
    public string? SuspectedDuplicateOf { get; set; }

    /// <summary>Mirrored from the detail row for the duplicate-licence-key audit: product, masked key and keyed hash
    /// of each licence key the last inventory reported (JSON; never a key in clear).</summary>
    public string? LicenceKeysJson { get; set; }

    // Device credential
    public string? CredentialHash { get; set; }
    public DateTimeOffset? CredentialIssuedAt { get; set; }
    public bool CredentialRevoked { get; set; }
    public bool EnrollmentBlocked { get; set; }

    /// <summary>An administrator asked for a new credential: the next check-in's answer carries one.</summary>
    public bool CredentialRotationRequested { get; set; }

    /// <summary>Hash of the credential delivered in a check-in answer and not used yet; the first check-in with it
    /// makes it the credential. Empty when there is none (a merge cannot remove a property).</summary>
    public string? PendingCredentialHash { get; set; }

    /// <summary>Day (yyyy-MM-dd) of the last check-in refused with a valid but revoked credential or from a
    /// terminal asset: written at most once a day (the retired-checking-in audit reads it).</summary>
    public string? RefusedCheckinOn { get; set; }

    /// <summary>Set with the switch to a rotated credential, cleared by the check-in's own write once the switch's
    /// audit record is appended: a crash in between leaves it set, and the next check-in appends the record
    /// (once).</summary>
    public bool CredentialRotationAuditPending { get; set; }

    /// <summary>When the credential replaced by the last rotation was issued (for that rotation's audit
    /// record).</summary>
    public DateTimeOffset? PreviousCredentialIssuedAt { get; set; }

    // Check-in state
    public DateTimeOffset? EnrolledAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
    public DateTimeOffset? LastHeartbeatAt { get; set; }
    public DateTimeOffset? LastInventoryAt { get; set; }
    public int? ExpectedIntervalSeconds { get; set; }
    public string? InventoryHash { get; set; }
    public bool FullInventoryRequested { get; set; }
    public string? AgentVersion { get; set; }
    public string? IpAddresses { get; set; }
    public int? SoftwareCount { get; set; }

    // Latest utilisation sample
    public double? CpuAveragePercent { get; set; }
    public double? MemoryUsedPercent { get; set; }
    public double? DiskUsedPercent { get; set; }
    public long? UptimeSeconds { get; set; }
    public DateTimeOffset? LastInteractiveLogonAt { get; set; }

    // Utilisation aggregated per day, maintained incrementally for idle detection
    public string? UtilisationDay { get; set; }
    public int UtilisationDaySamples { get; set; }
    public double UtilisationDayCpuSum { get; set; }
    public int UtilisationDayInteractiveMinutes { get; set; }

    /// <summary>The device-clock <c>sentAt</c> of the last heartbeat counted in utilisation: a heartbeat sent at or
    /// before it is a replay and adds nothing (see CheckIns/UtilisationTracker).</summary>
    public DateTimeOffset? UtilisationLastSentAt { get; set; }

    /// <summary>First day (yyyy-MM-dd) of the current run of unused days; empty while the asset is in use
    /// (Table Storage cannot clear a property with a merge, so "none" is the empty string).</summary>
    public string? BelowThresholdSince { get; set; }

    // Monitoring (functions/Monitoring): flags the offline scan and the heartbeat keep, so a finding is raised or
    // resolved only on a transition (Table Storage cannot remove a property with a merge, so these are flags).
    /// <summary>The offline scan found the heartbeat overdue; the next heartbeat clears it.</summary>
    public bool Offline { get; set; }

    /// <summary>When the offline scan last marked the asset offline.</summary>
    public DateTimeOffset? OfflineSince { get; set; }

    /// <summary>The last reported disk use was above the disk threshold (a disk-space-high finding is open).</summary>
    public bool DiskThresholdExceeded { get; set; }

    /// <summary>Consecutive heartbeats with memory use at or above the memory threshold (capped).</summary>
    public int MemoryHighStreak { get; set; }

    /// <summary>Memory stayed high for the sustained count (a memory-sustained-high finding is open).</summary>
    public bool MemoryThresholdExceeded { get; set; }

    // Lifecycle moments the KPIs measure (Assets/LifecycleTimestamps, docs/kpis.md); absent on rows older than them
    // until the KPI backfill fills them from the change history.
    public DateTimeOffset? ApprovedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    public DateTimeOffset? DisposedAt { get; set; }

    /// <summary>The financial record (Financials/AssetFinancials JSON, "" for none), mirrored for reports.</summary>
    public string? Financials { get; set; }
}

/// <summary>The asset's detail row (table <c>assets</c>, PartitionKey = asset id, RowKey = <c>asset</c>).</summary>
public sealed partial class AssetDetailEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.AssetDetailRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Kind { get; set; } = nameof(AssetKind.Hardware);
    public string Type { get; set; } = nameof(AssetType.Unknown);
    public string State { get; set; } = nameof(LifecycleState.Discovered);
    public string Source { get; set; } = "enrollment";
    public DateTimeOffset CreatedAt { get; set; }

    // Classification and ownership (authoritative here; mirrored on the summary row for scans)
    public string? Category { get; set; }
    public string? Owner { get; set; }
    public string? ItStakeholder { get; set; }
    public string? Department { get; set; }
    public string? Location { get; set; }
    public string Criticality { get; set; } = nameof(Assets.Criticality.Unassigned);

    /// <summary>The human-readable asset tag (e.g. <c>ITI-000123</c>), assigned once and never changed.</summary>
    public string? Tag { get; set; }

    /// <summary>Display name of an asset created through the API (devices are named by their hostname).</summary>
    public string? Name { get; set; }

    /// <summary>Cloud resource id (e.g. an Azure resource id) of a cloud resource created through the API.</summary>
    public string? CloudResourceId { get; set; }
    public string? Hostname { get; set; }
    public string? SerialNumber { get; set; }
    public string? SmbiosUuid { get; set; }

    /// <summary>Normalised stable MACs, comma-separated, sorted.</summary>
    public string? MacAddresses { get; set; }

    /// <summary>Normalised platform identities (see <see cref="HardwareIdentity"/>); the cloud instance as
    /// <c>provider|id</c>.</summary>
    public string? MachineId { get; set; }
    public string? MachineGuid { get; set; }
    public string? CloudInstance { get; set; }
    public string? DiskSerial { get; set; }

    /// <summary>Asset ids (comma-separated) this asset may be a duplicate of: its identities conflicted with theirs
    /// when it enrolled or reported an inventory, so it was kept apart for review instead of merged. Empty when
    /// none.</summary>
    public string? SuspectedDuplicateOf { get; set; }
    public string? Manufacturer { get; set; }
    public string? Model { get; set; }
    public string? OsName { get; set; }
    public string? OsVersion { get; set; }
    public string? OsBuild { get; set; }
    public string? OsArchitecture { get; set; }
    public string? CpuModel { get; set; }
    public int? CpuCores { get; set; }
    public int? CpuThreads { get; set; }

    /// <summary>Memory visible to the operating system, MiB.</summary>
    public long? MemoryMb { get; set; }

    /// <summary>Installed memory (the sum of the modules), MiB, when the agent reports it (check-in schema
    /// 1.1).</summary>
    public long? MemoryInstalledMb { get; set; }

    /// <summary>Disks, NICs and local users as JSON (bounded by the check-in limits).</summary>
    public string? DisksJson { get; set; }
    public string? NetworkInterfacesJson { get; set; }
    public string? LocalUsersJson { get; set; }

    public string? InventoryHash { get; set; }
    public DateTimeOffset? LastInventoryAt { get; set; }
    public string? LastInventoryCheckinId { get; set; }
    public int SoftwareCount { get; set; }

    /// <summary>LAN neighbour MACs of the last inventory, sorted, comma-separated; and when sightings were last
    /// refreshed.</summary>
    public string? NeighbourMacs { get; set; }
    public DateTimeOffset? NeighboursRefreshedAt { get; set; }

    /// <summary>The financial record (Financials/AssetFinancials JSON, "" for none).</summary>
    public string? Financials { get; set; }
}

/// <summary>One installed (or formerly installed) product on an asset (RowKey = <c>asset|sw|&lt;hash of
/// name/publisher/arch&gt;</c>).</summary>
public sealed class SoftwareEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Name { get; set; } = "";
    public string? Version { get; set; }
    public string? Publisher { get; set; }
    public string? Architecture { get; set; }
    public string? InstalledOn { get; set; }
    public string State { get; set; } = nameof(SoftwareState.Installed);
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset? UninstalledAt { get; set; }
    public string? LastChangeCheckinId { get; set; }
}

/// <summary>One change-history row: what changed, when and from which check-in (RowKey = <c>h|&lt;inverted
/// ticks&gt;|…</c>).</summary>
public sealed class AssetHistoryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>What caused the change: <c>checkin</c>, <c>enrollment</c>, <c>api</c>, <c>system</c>.</summary>
    public string Source { get; set; } = "";
    public string? CheckinId { get; set; }
    public string Summary { get; set; } = "";

    /// <summary>The changes as JSON (<see cref="AssetChanges"/>), bounded in size.</summary>
    public string? ChangesJson { get; set; }
}

/// <summary>Index row: a normalised hardware identity points at its asset.</summary>
public sealed class AssetIdentityEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.IdentityRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string AssetId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A LAN neighbour (by MAC) that matches no known asset: an unregistered device.</summary>
public sealed class SightingEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = TableKeys.SightingRow;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string MacAddress => PartitionKey;
    public string? LastIpAddress { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public string? FirstSeenBy { get; set; }
    public string? LastSeenBy { get; set; }
}
