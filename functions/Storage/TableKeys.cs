using System.Globalization;

namespace ItInventory.Functions.Storage;

/// <summary>
/// The one table-key scheme of the app (see docs/storage.md). Every PartitionKey and RowKey is built here.
/// </summary>
public static class TableKeys
{
    // ---- assets table: one partition per asset (PartitionKey = asset id) ----

    /// <summary>RowKey of the asset's detail row.</summary>
    public const string AssetDetailRow = "asset";

    /// <summary>RowKeys of software rows: the detail row and the software rows form one contiguous range
    /// (<see cref="AssetRangeStart"/> ≤ RowKey &lt; <see cref="AssetRangeEnd"/>), read with one query.</summary>
    public const string SoftwareRowPrefix = "asset|sw|";

    public const string AssetRangeStart = AssetDetailRow;

    public const string AssetRangeEnd = "asset}";

    public const string HistoryRowPrefix = "h|";

    public const string CheckinMarkerPrefix = "ci|";

    public static string SoftwareRow(string softwareKeyHash) => SoftwareRowPrefix + softwareKeyHash;

    /// <summary>History rows sort newest first: inverted ticks, then a discriminator for rows of the same tick.</summary>
    public static string HistoryRow(DateTimeOffset at, string discriminator) =>
        HistoryRowPrefix + (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "|" + discriminator;

    public static string CheckinMarkerRow(string checkinId) => CheckinMarkerPrefix + checkinId;

    // ---- assetsummary table: 256 buckets by the first two hex digits of the (random) asset id ----

    public static string SummaryPartition(string assetId) => assetId[..2];

    public static IEnumerable<string> SummaryPartitions =>
        Enumerable.Range(0, 256).Select(i => i.ToString("x2", CultureInfo.InvariantCulture));

    // ---- assetidentities table: PartitionKey = "<kind>|<normalised value>", one row ----

    public const string IdentityRow = "asset";

    // ---- enrollmentsecrets table ----

    public const string EnrollmentSecretPartition = "secret";

    // ---- sightings table: PartitionKey = normalised MAC ----

    public const string SightingRow = "sighting";

    // ---- audittrail table: 16 hash-chained lanes (PartitionKey = lane), RowKey = sequence number or "head" ----

    /// <summary>Lanes spread the audit trail's appends (each lane is one chain with its own head row), so no single
    /// row is a hot spot; all records of one entity share a lane, in order.</summary>
    public const int AuditLanes = 16;

    public const string AuditHeadRow = "head";

    public static string AuditLane(string entity, string entityId)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(entity + "|" + entityId), hash);
        return "lane|" + (hash[0] % AuditLanes).ToString("D2", CultureInfo.InvariantCulture);
    }

    public static IEnumerable<string> AllAuditLanes =>
        Enumerable.Range(0, AuditLanes).Select(i => "lane|" + i.ToString("D2", CultureInfo.InvariantCulture));

    public static string AuditRecordRow(long sequence) => sequence.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>Record rows (twelve digits) sort below this; the head and the reference rows above it.</summary>
    public const string AuditRecordRowsEnd = ":";

    public const string AuditRefPrefix = "ref|";

    /// <summary>The archive's progress row (outside the lanes): the last archived day and its seal hash.</summary>
    public const string AuditArchivePartition = "archive";

    public const string AuditArchiveStateRow = "state";

    /// <summary>A reference row, written in the same batch as the record it points at: "the change with this
    /// idempotency key (e.g. <c>checkin|&lt;checkinId&gt;</c>) was appended", found with one point read and never written twice.</summary>
    public static string AuditRefRow(string idempotencyKey) => AuditRefPrefix + idempotencyKey;

    // ---- people table: PartitionKey = Entra object id (lower-case GUID, "D" format), one row ----

    public const string PersonRow = "person";

    // ---- assettags table: the counter, the asset → tag claim and the tag → asset index ----

    /// <summary>The one counter row (PartitionKey and RowKey) holding the last allocated tag number.</summary>
    public const string TagCounterPartition = "counter";

    public const string TagCounterRow = "counter";

    /// <summary>The tag an asset holds (one row per asset, inserted once: an asset never gets a second tag).</summary>
    public static string AssetTagPartition(string assetId) => "asset|" + assetId;

    public const string AssetTagRow = "tag";

    /// <summary>The asset a tag belongs to (one row per tag, inserted once: a tag never names two assets).</summary>
    public static string TagIndexPartition(string tag) => "tag|" + tag;

    public const string TagIndexRow = "asset";

    /// <summary>Asset (and device) ids are 32 lower-case hex digits (a random GUID).</summary>
    public static bool IsAssetId(string? value) =>
        value is { Length: 32 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static string NewAssetId() => Guid.NewGuid().ToString("N");

    /// <summary>Check-in ids are time-ordered (GUID v7), 32 lower-case hex digits.</summary>
    public static string NewCheckinId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");
}
