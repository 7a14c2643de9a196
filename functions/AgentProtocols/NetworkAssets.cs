using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.AgentProtocols;

/// <summary>What became of a reported network device.</summary>
public enum NetworkReportOutcome
{
    /// <summary>A new agentless asset.</summary>
    Created,
    Updated,

    /// <summary>The same report from the same device: nothing written.</summary>
    Unchanged,

    /// <summary>A new asset kept apart for review: its serial or MAC belongs to an asset the network inventory did
    /// not create (an enrolled computer, an asset registered by hand).</summary>
    Review,

    /// <summary>No usable serial: a sighting (or nothing, when an asset already carries its MAC).</summary>
    Sighting,
}

/// <summary>
/// Stores the network gear, printers and phones an agent's network inventory reports as agentless assets
/// (docs/agents.md). Identity is the serial first, then the MACs. The reporting agent's credential only ever creates
/// or updates assets the network inventory created (<see cref="Source"/>): a device whose serial or MAC belongs to any
/// other asset — an enrolled computer above all — becomes a new asset kept apart as a suspected duplicate, never a
/// change of that asset. Every written report records its reporter (<c>ReportedBy</c>, history, audit via the outbox).
/// </summary>
public sealed class NetworkAssets(
    InventoryStore store,
    AssetRegistry registry,
    Outbox outbox,
    SuspectedDuplicates duplicates,
    AgentDiscovery discovery,
    TimeProvider clock,
    ILogger<NetworkAssets> logger
)
{
    /// <summary>The detail row's <c>Source</c> of an asset the network inventory created.</summary>
    public const string Source = "network-inventory";

    private const int Attempts = 4;

    public async Task<NetworkReportOutcome> ReportAsync(
        string reporter,
        string itemType,
        AgentNode content,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        if (NetworkDeviceReport.Read(itemType, content) is not { Serial: not null } report)
        {
            await discovery.RecordAsync(reporter, itemType, content, now, cancellationToken);
            return NetworkReportOutcome.Sighting;
        }
        return await StoreAsync(report, reporter, now, cancellationToken);
    }

    /// <summary>One <c>DEVICE</c> of the XML network tasks (<c>SNMPQUERY</c> when <paramref name="inventory"/>,
    /// else <c>NETDISCOVERY</c>); the same rules as the JSON form.</summary>
    public async Task<NetworkReportOutcome> ReportXmlAsync(
        string reporter,
        AgentNode device,
        bool inventory,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        var report = NetworkDeviceReport.ReadXml(device, inventory);
        if (report is { Serial: not null })
            return await StoreAsync(report, reporter, now, cancellationToken);
        var info = (inventory ? device.One("INFO") : device) ?? device;
        var itemType = NetworkDeviceReport.ItemTypeOf(info.Value("TYPE")) ?? "Unknown";
        await discovery.RecordAsync(
            reporter,
            NetworkDeviceReport.Sighted(itemType, info, report),
            now,
            cancellationToken
        );
        return NetworkReportOutcome.Sighting;
    }

    private async Task<NetworkReportOutcome> StoreAsync(
        NetworkDeviceReport report,
        string reporter,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        // A lost race (a concurrent report created the asset, or changed it since it was read) reads again.
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (own, others) = await FindAsync(report, cancellationToken);
            if (own is not null && report.Discovery)
                return NetworkReportOutcome.Unchanged;
            var outcome = own is not null
                ? await UpdateAsync(own, report, reporter, now, cancellationToken)
                : await CreateAsync(report, reporter, now, others, cancellationToken);
            if (outcome is { } done)
                return done;
        }
        throw new RequestFailedException(
            409,
            $"The report of {report.ItemType} {report.Serial} kept losing races with concurrent reports."
        );
    }

    /// <summary>The asset the network inventory keeps for this device, else the assets its identities belong to.
    /// </summary>
    private async Task<(AssetDetailEntity? Own, List<(IdentityKey Key, string AssetId)> Others)> FindAsync(
        NetworkDeviceReport report,
        CancellationToken cancellationToken
    )
    {
        var others = new List<(IdentityKey, string)>();
        foreach (var key in report.IdentityKeys)
        {
            if (await AssetOfAsync(key.Key, cancellationToken) is not { } assetId)
                continue;
            var detail = await DetailAsync(assetId, cancellationToken);
            if (detail?.Source == Source)
                return (detail, others);
            others.Add((key, assetId));
            // Kept apart for review before? Its review key finds it (it holds none of the device's own keys).
            if (
                others.Count == 1
                && await AssetOfAsync(NetworkDeviceReport.ReviewKey(report.Serial!), cancellationToken) is { } kept
                && await DetailAsync(kept, cancellationToken) is { } apart
            )
                return (apart, others);
        }
        return (null, others);
    }

    private async Task<string?> AssetOfAsync(string key, CancellationToken cancellationToken)
    {
        var row = await store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(
            key,
            TableKeys.IdentityRow,
            [nameof(AssetIdentityEntity.AssetId)],
            cancellationToken
        );
        return row.HasValue ? row.Value!.AssetId : null;
    }

    private async Task<AssetDetailEntity?> DetailAsync(string assetId, CancellationToken cancellationToken)
    {
        var row = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
            assetId,
            TableKeys.AssetDetailRow,
            cancellationToken: cancellationToken
        );
        return row.HasValue ? row.Value : null;
    }

    /// <summary>Null when the asset was created concurrently (an identity was claimed first): read again.</summary>
    private async Task<NetworkReportOutcome?> CreateAsync(
        NetworkDeviceReport report,
        string reporter,
        DateTimeOffset now,
        List<(IdentityKey Key, string AssetId)> others,
        CancellationToken cancellationToken
    )
    {
        var assetId = TableKeys.NewAssetId();
        var otherIds = SuspectedDuplicate.Merge([], others.Select(o => o.AssetId));
        var detail = new AssetDetailEntity
        {
            PartitionKey = assetId,
            Kind = nameof(AssetKind.Hardware),
            Type = report.Type.ToString(),
            State = nameof(LifecycleState.Discovered),
            Source = Source,
            CreatedAt = now,
            SuspectedDuplicateOf = otherIds.Count == 0 ? null : string.Join(",", otherIds),
            ReportedAt = now,
        };
        var fields = new List<FieldChange> { new(nameof(AssetDetailEntity.Type), null, detail.Type) };
        foreach (var (field, value) in report.Fields.Append((nameof(AssetDetailEntity.ReportedBy), reporter)))
        {
            Set(detail, field, value);
            if (value is not null)
                fields.Add(new(field, null, value));
        }
        detail.NetworkReportHash = report.Hash;
        var history = AssetChanges.HistoryRow(
            assetId,
            now,
            Source,
            null,
            $"Reported by device {reporter} (network inventory): a new {detail.Type} asset ({detail.State})"
                + (
                    otherIds.Count == 0
                        ? "."
                        : $", kept apart as a suspected duplicate of {detail.SuspectedDuplicateOf}."
                ),
            new AssetChanges { Fields = fields }
        );
        // Kept apart, it claims only its review key: the serial and MACs stay the other asset's.
        IEnumerable<string> keys =
            otherIds.Count == 0
                ? report.IdentityKeys.Select(k => k.Key)
                : [NetworkDeviceReport.ReviewKey(report.Serial!)];
        var audit = new AuditEvent(AuditActor.Device(reporter), "asset", assetId, "create", fields, null);
        var record =
            otherIds.Count == 0
                ? null
                : new SuspectedDuplicate(
                    assetId,
                    report.Name ?? report.Serial,
                    null,
                    [],
                    otherIds,
                    [
                        .. others.Select(o =>
                            $"{o.Key.Label} belongs to asset {o.AssetId}; reported by device {reporter} as a "
                            + report.ItemType
                        ),
                    ],
                    Source,
                    assetId
                );
        // A suspected duplicate's record joins the create: it commits with the SuspectedDuplicateOf it explains.
        var discovered = AssetEvents.Discovered(outbox.Entry(), audit, detail.State, null);
        var (_, lost) = await registry.CreateAsync(
            detail,
            history,
            AssetSummaries.FromDetail(detail),
            keys,
            now,
            cancellationToken,
            record is null ? discovered : SuspectedDuplicates.Stage(discovered, record)
        );
        if (lost is not null)
            return null;
        if (record is null)
        {
            logger.LogInformation(
                "{ItemType} {Serial} reported by {DeviceId} is new asset {AssetId}",
                report.ItemType,
                report.Serial,
                reporter,
                assetId
            );
            return NetworkReportOutcome.Created;
        }
        // After the asset exists; a crash just before leaves it marked and recorded, without the finding (the daily
        // duplicate-identity scan raises a shared serial).
        await duplicates.RaiseAsync(record, cancellationToken);
        return NetworkReportOutcome.Review;
    }

    /// <summary>Null when the asset changed since it was read: read again.</summary>
    private async Task<NetworkReportOutcome?> UpdateAsync(
        AssetDetailEntity before,
        NetworkDeviceReport report,
        string reporter,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        if (before.NetworkReportHash == report.Hash && before.ReportedBy == reporter)
            return NetworkReportOutcome.Unchanged;
        var assetId = before.PartitionKey;
        var merge = new TableEntity(assetId, TableKeys.AssetDetailRow)
        {
            [nameof(AssetDetailEntity.ReportedAt)] = now,
            [nameof(AssetDetailEntity.NetworkReportHash)] = report.Hash,
        };
        var changes = new List<FieldChange>();
        var changed = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (field, value) in report.Fields.Append((nameof(AssetDetailEntity.ReportedBy), reporter)))
        {
            var was = Get(before, field);
            if (was == value || value is null && was is "")
                continue;
            changes.Add(new(field, was, value));
            object? stored =
                field == nameof(AssetDetailEntity.PortCount)
                    ? int.Parse(value!, CultureInfo.InvariantCulture)
                    : value ?? "";
            merge[field] = stored;
            changed[field] = stored;
        }
        var history = AssetChanges.HistoryRow(
            assetId,
            now,
            Source,
            null,
            $"Reported by device {reporter} (network inventory): "
                + new AssetChanges { Fields = changes }.Describe()
                + ".",
            new AssetChanges { Fields = changes }
        );
        var audit = new AuditEvent(AuditActor.Device(reporter), "asset", assetId, "network-report", changes, null);
        try
        {
            await outbox.WriteAsync(
                store.Assets,
                [
                    new TableTransactionAction(TableTransactionActionType.UpdateMerge, merge, before.ETag),
                    new TableTransactionAction(TableTransactionActionType.Add, history),
                ],
                AssetEvents.Stage(outbox.Entry(), audit, before, changes),
                cancellationToken
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return null;
        }
        if (AssetSummaries.WithScanFacts(AssetSummaries.MirrorOf(before, changed), assetId, changed) is { } summary)
            await store.Summaries.UpsertEntityAsync(summary, TableUpdateMode.Merge, cancellationToken);
        if (string.IsNullOrEmpty(before.SuspectedDuplicateOf))
            await ClaimNewIdentitiesAsync(before, report, now, cancellationToken);
        logger.LogInformation(
            "{ItemType} asset {AssetId} reported by {DeviceId}: {Changes}",
            report.ItemType,
            assetId,
            reporter,
            string.Join(",", changes.Select(c => c.Field))
        );
        return NetworkReportOutcome.Updated;
    }

    /// <summary>A serial or MAC the asset did not carry is claimed when free; one another asset holds stays its.
    /// </summary>
    private async Task ClaimNewIdentitiesAsync(
        AssetDetailEntity before,
        NetworkDeviceReport report,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var held = HardwareIdentity.Of(before).Keys.Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in report.IdentityKeys.Where(k => !held.Contains(k.Key)))
        {
            try
            {
                await store.Identities.AddEntityAsync(
                    new AssetIdentityEntity
                    {
                        PartitionKey = key.Key,
                        AssetId = before.PartitionKey,
                        CreatedAt = now,
                    },
                    cancellationToken
                );
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                logger.LogDebug("{Identity} of {AssetId} is already indexed", key.Label, before.PartitionKey);
            }
        }
    }

    private static string? Get(AssetDetailEntity detail, string field) =>
        field switch
        {
            nameof(AssetDetailEntity.Name) => detail.Name,
            nameof(AssetDetailEntity.SerialNumber) => detail.SerialNumber,
            nameof(AssetDetailEntity.MacAddresses) => detail.MacAddresses,
            nameof(AssetDetailEntity.Manufacturer) => detail.Manufacturer,
            nameof(AssetDetailEntity.Model) => detail.Model,
            nameof(AssetDetailEntity.NetworkItemType) => detail.NetworkItemType,
            nameof(AssetDetailEntity.Firmware) => detail.Firmware,
            nameof(AssetDetailEntity.DeviceIpAddresses) => detail.DeviceIpAddresses,
            nameof(AssetDetailEntity.PortCount) => detail.PortCount?.ToString(CultureInfo.InvariantCulture),
            nameof(AssetDetailEntity.ReportedLocation) => detail.ReportedLocation,
            nameof(AssetDetailEntity.ReportedContact) => detail.ReportedContact,
            nameof(AssetDetailEntity.DeviceDescription) => detail.DeviceDescription,
            nameof(AssetDetailEntity.ReportedBy) => detail.ReportedBy,
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };

    private static void Set(AssetDetailEntity detail, string field, string? value)
    {
        switch (field)
        {
            case nameof(AssetDetailEntity.Name):
                detail.Name = value;
                break;
            case nameof(AssetDetailEntity.SerialNumber):
                detail.SerialNumber = value;
                break;
            case nameof(AssetDetailEntity.MacAddresses):
                detail.MacAddresses = value;
                break;
            case nameof(AssetDetailEntity.Manufacturer):
                detail.Manufacturer = value;
                break;
            case nameof(AssetDetailEntity.Model):
                detail.Model = value;
                break;
            case nameof(AssetDetailEntity.NetworkItemType):
                detail.NetworkItemType = value;
                break;
            case nameof(AssetDetailEntity.Firmware):
                detail.Firmware = value;
                break;
            case nameof(AssetDetailEntity.DeviceIpAddresses):
                detail.DeviceIpAddresses = value;
                break;
            case nameof(AssetDetailEntity.PortCount):
                detail.PortCount = value is null ? null : int.Parse(value, CultureInfo.InvariantCulture);
                break;
            case nameof(AssetDetailEntity.ReportedLocation):
                detail.ReportedLocation = value;
                break;
            case nameof(AssetDetailEntity.ReportedContact):
                detail.ReportedContact = value;
                break;
            case nameof(AssetDetailEntity.DeviceDescription):
                detail.DeviceDescription = value;
                break;
            case nameof(AssetDetailEntity.ReportedBy):
                detail.ReportedBy = value;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }
    }
}
