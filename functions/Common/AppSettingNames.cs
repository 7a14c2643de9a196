namespace ItInventory.Functions.Common;

/// <summary>
/// The app settings that trigger attributes resolve as <c>%NAME%</c> (queue names, NCRONTAB schedules) and the storage
/// connection name: one list, so infra, the local host and the tests check the same names (see
/// InfraCodeConsistencyTests). Settings read through options classes live with those classes instead.
/// </summary>
public static class AppSettingNames
{
    /// <summary>The storage connection the app and the Functions host share (identity-based in Azure).</summary>
    public const string StorageConnection = "AzureWebJobsStorage";

    /// <summary>The queue of accepted full inventories (claim checks) that <c>ProcessCheckin</c> drains.</summary>
    public const string CheckinQueue = "CHECKIN_QUEUE";

    /// <summary>NCRONTAB schedule of the daily sealed audit-trail archive.</summary>
    public const string AuditArchiveSchedule = "AUDIT_ARCHIVE_SCHEDULE";

    /// <summary>NCRONTAB schedule of the licence compliance scan.</summary>
    public const string LicenceComplianceSchedule = "LICENCE_COMPLIANCE_SCHEDULE";

    /// <summary>NCRONTAB schedule of licence seat reclamation.</summary>
    public const string LicenceReclaimSchedule = "LICENCE_RECLAIM_SCHEDULE";

    /// <summary>NCRONTAB schedule of the reconciliation scan (daily).</summary>
    public const string ReconciliationSchedule = "RECONCILIATION_SCHEDULE";

    /// <summary>NCRONTAB schedule of the idle-asset scan (daily).</summary>
    public const string IdleScanSchedule = "IDLE_SCAN_SCHEDULE";

    /// <summary>NCRONTAB schedule of the daily check that opens scheduled audit campaigns.</summary>
    public const string CampaignSchedule = "CAMPAIGN_SCHEDULE";

    /// <summary>NCRONTAB schedule of the offline scan (every few minutes; it reads only what is due).</summary>
    public const string OfflineScanSchedule = "OFFLINE_SCAN_SCHEDULE";

    /// <summary>NCRONTAB schedule of the daily KPI snapshot (it snapshots the UTC day that ended last).</summary>
    public const string KpiSnapshotSchedule = "KPI_SNAPSHOT_SCHEDULE";

    /// <summary>The queue of committed outbox entries that <c>DispatchOutbox</c> drains.</summary>
    public const string OutboxQueue = "OUTBOX_QUEUE";

    /// <summary>NCRONTAB schedule of the outbox sweep (delivers entries whose queue message was lost).</summary>
    public const string OutboxSweepSchedule = "OUTBOX_SWEEP_SCHEDULE";
    /// <summary>NCRONTAB schedule of the monthly finance summary (the 1st of the month, for the month
    /// before).</summary>
    public const string FinanceReportSchedule = "FINANCE_REPORT_SCHEDULE";

    /// <summary>NCRONTAB schedule of the weekly IT snapshot (Monday, for the ISO week before).</summary>
    public const string ItSnapshotSchedule = "IT_SNAPSHOT_SCHEDULE";
    // The finance email (Reports/Mail/FinanceMailOptions, docs/reports.md): always set, so the app never guesses.

    /// <summary><c>None</c>, <c>Smtp</c> or <c>Graph</c>.</summary>
    public const string FinanceMailTransport = "FinanceMail__Transport";

    /// <summary>Recipients of the finance email, comma-separated.</summary>
    public const string FinanceMailRecipients = "FinanceMail__Recipients";

    /// <summary>Sender address (for Graph, the mailbox the app sends as).</summary>
    public const string FinanceMailSender = "FinanceMail__Sender";

    /// <summary>Subject template; <c>{period}</c> becomes the month.</summary>
    public const string FinanceMailSubject = "FinanceMail__Subject";

    /// <summary>The queue of requested audit reports that <c>GenerateAuditReport</c> drains.</summary>
    public const string AuditReportQueue = "AUDIT_REPORT_QUEUE";
}
