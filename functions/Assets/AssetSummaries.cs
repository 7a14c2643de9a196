using Azure.Data.Tables;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>What only enrollment knows when it writes a device's first summary row: the hash of the credential it
/// issued, when, and the agent's version.</summary>
public sealed record EnrollmentFacts(string CredentialHash, DateTimeOffset At, string? AgentVersion);

/// <summary>
/// The one way to build an asset's summary row from its detail row: asset create, enrollment and every change made
/// through <see cref="AssetWriter"/> derive the mirrored fields here, so the narrow row scans read never disagrees
/// with the detail row about them. Pure: no I/O.
/// </summary>
public static class AssetSummaries
{
    /// <summary>The summary row of a new asset: the detail row's classification, ownership and state, its display
    /// name (name, else hostname), a review flag on what enrolled itself; and for a device the enrollment's
    /// facts.</summary>
    public static AssetSummaryEntity FromDetail(AssetDetailEntity detail, EnrollmentFacts? enrollment = null)
    {
        var summary = new AssetSummaryEntity
        {
            PartitionKey = TableKeys.SummaryPartition(detail.PartitionKey),
            RowKey = detail.PartitionKey,
            Kind = detail.Kind,
            Type = detail.Type,
            Category = detail.Category,
            State = detail.State,
            Name = DisplayName(detail),
            Owner = detail.Owner,
            ItStakeholder = detail.ItStakeholder,
            SerialNumber = detail.SerialNumber,
            SmbiosUuid = detail.SmbiosUuid,
            Department = detail.Department,
            Location = detail.Location,
            Criticality = detail.Criticality,
            Tag = detail.Tag,
            NeedsReview = NeedsReview(detail.State),
            FieldsVersion = FieldsVersion,
            SuspectedDuplicateOf = detail.SuspectedDuplicateOf,
            Financials = detail.Financials,
            LicenceKeysJson = detail.LicenceKeysJson,
        };
        if (enrollment is not null)
        {
            summary.CredentialHash = enrollment.CredentialHash;
            summary.CredentialIssuedAt = enrollment.At;
            summary.EnrolledAt = enrollment.At;
            summary.LastSeenAt = enrollment.At;
            summary.AgentVersion = enrollment.AgentVersion;
        }
        return summary;
    }

    /// <summary>The generation of summary fields new rows carry: 1 = the scan facts (<see cref="ScanFacts"/>) and,
    /// for a device, a row in the offline due index.</summary>
    public const int FieldsVersion = 1;

    /// <summary>An asset created through the API is named; a device is known by its hostname.</summary>
    public static string? DisplayName(AssetDetailEntity detail) =>
        string.IsNullOrEmpty(detail.Name) ? detail.Hostname : detail.Name;

    /// <summary>Only what enrolled itself (state Discovered) waits for review; approve and reject end the
    /// wait.</summary>
    public static bool NeedsReview(string state) => state == nameof(LifecycleState.Discovered);

    // Declared before MirroredFields: static fields initialise in order.
    private static readonly (string Field, Func<AssetSummaryEntity, object?> Read)[] Mirrored =
    [
        (nameof(AssetSummaryEntity.Kind), s => s.Kind),
        (nameof(AssetSummaryEntity.Type), s => s.Type),
        (nameof(AssetSummaryEntity.Category), s => s.Category),
        (nameof(AssetSummaryEntity.State), s => s.State),
        (nameof(AssetSummaryEntity.Name), s => s.Name),
        (nameof(AssetSummaryEntity.Owner), s => s.Owner),
        (nameof(AssetSummaryEntity.Department), s => s.Department),
        (nameof(AssetSummaryEntity.Location), s => s.Location),
        (nameof(AssetSummaryEntity.Criticality), s => s.Criticality),
        (nameof(AssetSummaryEntity.Tag), s => s.Tag),
        (nameof(AssetSummaryEntity.NeedsReview), s => s.NeedsReview),
    ];

    /// <summary>The summary properties derived from the detail row (what <see cref="MirrorOf"/> may write).</summary>
    public static IReadOnlyList<string> MirroredFields { get; } = Mirrored.Select(m => m.Field).ToList();

    /// <summary>
    /// The merge that brings the summary row in line with a change of the detail row: the derived fields whose value
    /// the change moves (null when it moves none, so nothing is written). Only these properties: a merge of them
    /// never overwrites what a concurrent heartbeat writes to the same row. A cleared text is the empty string (a
    /// merge cannot remove a property).
    /// </summary>
    /// <param name="before">The detail row as it was read for the change.</param>
    /// <param name="changed">The detail properties the change writes, by name.</param>
    public static TableEntity? MirrorOf(AssetDetailEntity before, IReadOnlyDictionary<string, object?> changed)
    {
        string? After(string field, string? stored) =>
            changed.TryGetValue(field, out var value) ? value as string : stored;
        var after = new AssetDetailEntity
        {
            PartitionKey = before.PartitionKey,
            Kind = After(nameof(AssetDetailEntity.Kind), before.Kind) ?? before.Kind,
            Type = After(nameof(AssetDetailEntity.Type), before.Type) ?? before.Type,
            State = After(nameof(AssetDetailEntity.State), before.State) ?? before.State,
            Category = After(nameof(AssetDetailEntity.Category), before.Category),
            Name = After(nameof(AssetDetailEntity.Name), before.Name),
            Hostname = After(nameof(AssetDetailEntity.Hostname), before.Hostname),
            Owner = After(nameof(AssetDetailEntity.Owner), before.Owner),
            Department = After(nameof(AssetDetailEntity.Department), before.Department),
            Location = After(nameof(AssetDetailEntity.Location), before.Location),
            Criticality = After(nameof(AssetDetailEntity.Criticality), before.Criticality) ?? before.Criticality,
            Tag = After(nameof(AssetDetailEntity.Tag), before.Tag),
        };
        var (was, now) = (FromDetail(before), FromDetail(after));
        var mirror = new TableEntity(was.PartitionKey, was.RowKey);
        foreach (var (field, read) in Mirrored)
        {
            var value = read(now);
            if (!Same(read(was), value))
                mirror[field] = value ?? "";
        }
        return mirror.Count > 2 ? mirror : null;
    }

    /// <summary>Detail fields only the audits read (docs/audits.md), copied to the summary row as they are written;
    /// they are no part of the mirror's identity (<see cref="MirroredFields"/>).</summary>
    public static IReadOnlyList<string> ScanFacts { get; } =
    [
        nameof(AssetDetailEntity.ItStakeholder),
        nameof(AssetDetailEntity.SerialNumber),
        nameof(AssetDetailEntity.SmbiosUuid),
        // Not an audit's input, but read with the summaries (review lists); written by check-ins the same way.
        nameof(AssetDetailEntity.SuspectedDuplicateOf),
        nameof(AssetDetailEntity.Financials),
        // The duplicate-licence-key audit: masked keys and keyed hashes, copied when an inventory changes them (the
        // check-in's summary merge, no extra request).
        nameof(AssetDetailEntity.LicenceKeysJson),
    ];

    /// <summary>The mirror merge (or none) plus the scan facts the change writes (a cleared one as "").</summary>
    public static TableEntity? WithScanFacts(
        TableEntity? mirror,
        string assetId,
        IReadOnlyDictionary<string, object?> changed
    )
    {
        foreach (var field in ScanFacts)
        {
            if (!changed.TryGetValue(field, out var value))
                continue;
            mirror ??= new TableEntity(TableKeys.SummaryPartition(assetId), assetId);
            mirror[field] = value as string ?? "";
        }
        return mirror;
    }

    private static bool Same(object? a, object? b) =>
        a is string or null && b is string or null ? (a as string ?? "") == (b as string ?? "") : Equals(a, b);
}
