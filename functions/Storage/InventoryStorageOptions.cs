using System.ComponentModel.DataAnnotations;

namespace ItInventory.Functions.Storage;

/// <summary>
/// Names of every table, queue and container the app uses (section <c>Storage</c>). Defaults are the production
/// names that the Bicep template provisions; tests override them to isolate runs.
/// </summary>
public sealed class InventoryStorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Per-asset partitions: detail row, software rows, change history, processed check-in markers.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string AssetsTable { get; set; } = "assets";

    /// <summary>One narrow row per asset, spread over 256 hash buckets: what heartbeats, audits and reports
    /// scan.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string AssetSummaryTable { get; set; } = "assetsummary";

    /// <summary>Normalised hardware identities (serial, SMBIOS UUID, MAC) pointing at their asset.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string IdentitiesTable { get; set; } = "assetidentities";

    /// <summary>Hashes of enrollment secrets created through the API.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string EnrollmentSecretsTable { get; set; } = "enrollmentsecrets";

    /// <summary>LAN neighbours that match no known asset.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string SightingsTable { get; set; } = "sightings";

    /// <summary>The hash-chained, append-only audit trail.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string AuditTrailTable { get; set; } = "audittrail";

    /// <summary>The people directory (one partition per person, keyed by Entra object id).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string PeopleTable { get; set; } = "people";

    /// <summary>Asset tags: the tag counter, one row per asset holding its tag and one per tag pointing at its
    /// asset.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string TagsTable { get; set; } = "assettags";

    /// <summary>Software licences: one partition per product (product, entitlements, seats, compliance
    /// snapshot).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string LicencesTable { get; set; } = "licences";

    /// <summary>Licence seats by holder (person or asset): what /api/me/licences, reclamation and decommissioning
    /// read.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string LicenceSeatsTable { get; set; } = "licenceseats";

    /// <summary>The classification taxonomy: categories and locations (PartitionKey = kind, RowKey = code).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string TaxonomyTable { get; set; } = "taxonomy";

    /// <summary>Findings of the scans (one partition per kind) and their department/subject index rows.</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string FindingsTable { get; set; } = "findings";

    /// <summary>Scan-run history (when, how long, rows read, findings opened/resolved, errors).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string ScanRunsTable { get; set; } = "scanruns";

    /// <summary>Audit campaigns: headers in one partition, each campaign's expected assets and scans in its own.
    /// </summary>
    [Required, RegularExpression(TableNamePattern)]
    public string CampaignsTable { get; set; } = "campaigns";

    /// <summary>Offline monitoring's due index: which asset's heartbeat falls due when (Monitoring/OfflineIndex).
    /// </summary>
    [Required, RegularExpression(TableNamePattern)]
    public string OfflineDueTable { get; set; } = "offlinedue";

    /// <summary>Daily KPI snapshots: one row per scope (total, department) and day (Kpis/KpiStore, docs/kpis.md).
    /// </summary>
    [Required, RegularExpression(TableNamePattern)]
    public string KpiSnapshotsTable { get; set; } = "kpisnapshots";

    /// <summary>The outbox's pending rows (one per change not yet delivered) and write-ahead entries
    /// (Events/Outbox).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string OutboxTable { get; set; } = "outbox";
    /// <summary>Exchange rates into the reporting currency (Financials; PartitionKey = currency, RowKey = from-day).
    /// </summary>
    [Required, RegularExpression(TableNamePattern)]
    public string ExchangeRatesTable { get; set; } = "fxrates";

    /// <summary>The index of generated reports (Reports).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string ReportsTable { get; set; } = "reports";

    /// <summary>Send claims of report emails: one row per kind and period (Reports/Mail, exactly once).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string MailSendsTable { get; set; } = "mailsends";

    /// <summary>Generated reports: <c>{kind}/{period}/…</c> (cool tier after 90 days by a lifecycle rule).</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string ReportsContainer { get; set; } = "reports";

    /// <summary>Audit reports requested on demand: request, status, files (Reports/Audit).</summary>
    [Required, RegularExpression(TableNamePattern)]
    public string AuditReportsTable { get; set; } = "auditreports";

    /// <summary>Audit reports waiting to be generated (trigger setting <c>AUDIT_REPORT_QUEUE</c>).</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string AuditReportQueue { get; set; } = "audit-reports";

    /// <summary>Raw, gzip-compressed full inventories (claim check).</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string CheckinsContainer { get; set; } = "checkins";

    /// <summary>Sanitisation certificates of decommissioned assets (HTML, written once, never overwritten).</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string CertificatesContainer { get; set; } = "certificates";

    /// <summary>Daily sealed segments of the audit trail (write-once; immutable by a time-based retention policy in
    /// Azure).</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string AuditArchiveContainer { get; set; } = "audit-archive";

    /// <summary>Queue of full inventories waiting to be processed. The queue trigger reads the same name from the
    /// <c>CHECKIN_QUEUE</c> app setting; <see cref="StorageServiceCollectionExtensions"/> keeps the two
    /// equal.</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string CheckinQueue { get; set; } = "checkins";

    /// <summary>Committed outbox entries waiting for the dispatcher (trigger setting <c>OUTBOX_QUEUE</c>).</summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string OutboxQueue { get; set; } = "outbox";

    /// <summary>Integration events as structured CloudEvents JSON, when no Service Bus namespace is configured.
    /// </summary>
    [Required, RegularExpression(ContainerNamePattern)]
    public string EventsQueue { get; set; } = "inventory-events";

    /// <summary>Create missing tables, queues and containers at start-up (local runs; in Azure, Bicep provisions
    /// them).</summary>
    public bool CreateIfNotExists { get; set; }

    public IEnumerable<string> Tables =>
        [
            AssetsTable,
            AssetSummaryTable,
            IdentitiesTable,
            EnrollmentSecretsTable,
            SightingsTable,
            AuditTrailTable,
            PeopleTable,
            TagsTable,
            LicencesTable,
            LicenceSeatsTable,
            TaxonomyTable,
            FindingsTable,
            ScanRunsTable,
            CampaignsTable,
            OfflineDueTable,
            KpiSnapshotsTable,
            OutboxTable,
            ExchangeRatesTable,
            ReportsTable,
            MailSendsTable,
            AuditReportsTable,
        ];

    public string CheckinPoisonQueue => CheckinQueue + "-poison";

    private const string TableNamePattern = "^[A-Za-z][A-Za-z0-9]{2,62}$";
    private const string ContainerNamePattern = "^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$";
}
