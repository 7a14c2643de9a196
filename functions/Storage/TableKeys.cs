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

    /// <summary>History rows sort newest first: inverted ticks, then a discriminator for rows of the same
    /// tick.</summary>
    public static string HistoryRow(DateTimeOffset at, string discriminator) =>
        HistoryRowPrefix
        + (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)
        + "|"
        + discriminator;

    public static string CheckinMarkerRow(string checkinId) => CheckinMarkerPrefix + checkinId;

    /// <summary>Decommissioning rows of an asset: the current sanitisation record, the disposal record and one row per
    /// decommissioning step (its last result), all in the asset's partition.</summary>
    public const string DecommissioningRowPrefix = "decom|";

    public const string SanitisationRow = DecommissioningRowPrefix + "sanitisation";

    public const string DisposalRow = DecommissioningRowPrefix + "disposal";

    public const string DecommissioningStepRowPrefix = DecommissioningRowPrefix + "step|";

    public static string DecommissioningStepRow(string step) => DecommissioningStepRowPrefix + step;

    /// <summary>Blob name of a sanitisation certificate (container <c>certificates</c>).</summary>
    public static string SanitisationCertificateBlob(string assetId, string certificateId) =>
        $"{assetId}/sanitisation-{certificateId}.html";

    // ---- assetsummary table: 256 buckets by the first two hex digits of the (random) asset id ----

    public static string SummaryPartition(string assetId) => assetId[..2];

    public static IEnumerable<string> SummaryPartitions =>
        Enumerable.Range(0, 256).Select(i => i.ToString("x2", CultureInfo.InvariantCulture));

    // ---- assetidentities table: PartitionKey = "<kind>|<normalised value>", one row ----

    public const string IdentityRow = "asset";

    /// <summary>Identity key of a peripheral (a monitor, printer, dock…) that is an asset of its own:
    /// <c>peripheral|&lt;kind&gt;|&lt;MANUFACTURER&gt;|&lt;SERIAL&gt;</c> (manufacturer upper-case letters and
    /// digits, at most 64; the serial normalised by <c>HardwareIdentity.NormaliseSerial</c>). A namespace apart from
    /// <c>serial|…</c>: a monitor whose serial equals a computer's never resolves to that computer.</summary>
    public static string PeripheralIdentity(string kind, string? manufacturer, string normalisedSerial)
    {
        var maker = new string(
            (manufacturer ?? "").Where(char.IsAsciiLetterOrDigit).Select(char.ToUpperInvariant).ToArray()
        );
        var safeKind = new string(kind.Where(c => char.IsAsciiLetterLower(c) || c == '-').ToArray());
        return "peripheral|" + safeKind + "|" + (maker.Length > 64 ? maker[..64] : maker) + "|" + normalisedSerial;
    }

    /// <summary>The link index of a host (same table): one row per agentless asset linked to it, RowKey = that
    /// asset's id. The linked asset's own <c>LinkedTo</c> is authoritative; these rows let the host's view list its
    /// linked assets with one query.</summary>
    public static string LinkPartition(string hostAssetId) => "link|" + hostAssetId;

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
    /// idempotency key (e.g. <c>checkin|&lt;checkinId&gt;</c>) was appended", found with one point read and never
    /// written twice.</summary>
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

    // ---- assets table, software rows only: SoftwareRowPrefix ≤ RowKey < SoftwareRangeEnd (licence scans) ----

    public const string SoftwareRangeEnd = "asset|sw}";

    // ---- licences table: one partition per licence product (PartitionKey = product id, 32 lower-case hex) ----

    /// <summary>The product row: name, vendor, metric, currency and its matching rules.</summary>
    public const string LicenceProductRow = "product";

    /// <summary>The latest compliance snapshot of the product (installations counted by the scan).</summary>
    public const string LicenceComplianceRow = "compliance";

    /// <summary>Number of assigned seats; moved with If-Match in the same batch as a seat row (seat limits hold under
    /// concurrency).</summary>
    public const string LicenceSeatCounterRow = "seatcount";

    public const string LicenceEntitlementPrefix = "ent|";

    /// <summary>Seat rows: LicenceSeatPrefix ≤ RowKey &lt; LicenceSeatRangeEnd. Every other row of a product sorts
    /// before <see cref="LicenceSeatPrefix"/> (compliance, ent|…, product, seatcount), so "the product without its
    /// seats"
    /// is <c>RowKey lt 'seat|'</c>.</summary>
    public const string LicenceSeatPrefix = "seat|";

    public const string LicenceSeatRangeEnd = "seat}";

    /// <summary>Entitlement ids are the first 32 hex digits of SHA-256 over the trimmed, lower-cased reference
    /// (purchase order / contract number): one entitlement per reference, so imports are idempotent.</summary>
    public static string LicenceEntitlementId(string reference)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes(reference.Trim().ToLowerInvariant()),
            hash
        );
        return Convert.ToHexStringLower(hash[..16]);
    }

    public static string LicenceEntitlementRow(string entitlementId) => LicenceEntitlementPrefix + entitlementId;

    /// <summary>A seat id names its assignee: <c>person-&lt;object id&gt;</c> or <c>asset-&lt;asset id&gt;</c>
    /// (one seat per assignee and product).</summary>
    public static string LicenceSeatId(string assigneeKind, string assigneeId) => assigneeKind + "-" + assigneeId;

    public static string LicenceSeatRow(string seatId) => LicenceSeatPrefix + seatId;

    public static string NewLicenceProductId() => Guid.NewGuid().ToString("N");

    /// <summary>The licence name index (one partition, outside the 32-hex product partitions): one row per product
    /// name, RowKey = <see cref="LicenceNameRow"/>, inserted before the product so two concurrent creates of one name
    /// cannot both succeed.</summary>
    public const string LicenceNamePartition = "names";

    /// <summary>SHA-256 (hex) of the trimmed, lower-cased name: names compare case-insensitively, and any character
    /// is key-safe this way.</summary>
    public static string LicenceNameRow(string name) =>
        Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(name.Trim().ToLowerInvariant())
            )
        );

    // ---- licenceseats table: seats by holder (PartitionKey = "person|<object id>" or "asset|<asset id>", RowKey =
    // product id) ----

    public static string LicenceHolderPartition(string assigneeKind, string assigneeId) =>
        assigneeKind + "|" + assigneeId;

    // ---- assets table: check-out/check-in history in the asset's partition (newest first) ----

    /// <summary>Assignment rows (<c>asg|&lt;19-digit inverted ticks&gt;|&lt;id&gt;</c>): one per check-out, completed
    /// by its check-in.
    /// The prefix sorts outside the detail/software range, so the processor's range query never reads them.</summary>
    public const string AssignmentRowPrefix = "asg|";

    public const string AssignmentRangeEnd = "asg}";

    public static string AssignmentRow(DateTimeOffset at, string discriminator) =>
        AssignmentRowPrefix
        + (DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)
        + "|"
        + discriminator;

    /// <summary>The time an assignment row's key sorts by (the inverse of <see cref="AssignmentRow"/>).</summary>
    public static DateTimeOffset AssignmentRowTime(string rowKey) =>
        new(
            DateTime.MaxValue.Ticks
                - long.Parse(
                    rowKey.AsSpan(AssignmentRowPrefix.Length, 19),
                    NumberStyles.None,
                    CultureInfo.InvariantCulture
                ),
            TimeSpan.Zero
        );

    // ---- assetidentities table: cloud resource ids of assets created through the API ----

    /// <summary>Identity index key of a cloud resource id: <c>cloud|</c> + SHA-256 hex of the lower-cased id (resource
    /// ids
    /// are case-insensitive and hold '/', which keys may not).</summary>
    public static string CloudResourceIdentity(string resourceId) =>
        "cloud|"
        + Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(
                System.Text.Encoding.UTF8.GetBytes(resourceId.Trim().ToLowerInvariant())
            )
        );

    // ---- taxonomy table: PartitionKey = kind (category, location), RowKey = code ----

    public static string TaxonomyPartition(string kind) => kind;

    public static string TaxonomyRow(string code) => code;

    /// <summary>Asset (and device) ids are 32 lower-case hex digits (a random GUID).</summary>
    public static bool IsAssetId(string? value) =>
        value is { Length: 32 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    public static string NewAssetId() => Guid.NewGuid().ToString("N");

    /// <summary>Whether a row of an unfiltered pass over <c>assetsummary</c> is an asset's summary row: the table's
    /// partitions also hold the outbox rows that ride in an asset's batch (<c>outbox|…</c>) until the dispatcher
    /// removes them, and a full scan must not take one for an asset.</summary>
    public static bool IsSummaryRow(string rowKey) => IsAssetId(rowKey);

    /// <summary>Check-in ids are time-ordered (GUID v7), 32 lower-case hex digits.</summary>
    public static string NewCheckinId(DateTimeOffset now) => Guid.CreateVersion7(now).ToString("N");
}
