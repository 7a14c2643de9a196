using System.Globalization;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>The audit report's tables, in the order every format (PDF, CSV, XLSX) shows them (pure). Times are UTC
/// text, rates four decimals: the PDF prints exactly what the CSV holds.</summary>
public static class AuditReportTables
{
    public const string Summary = "summary";

    public static IReadOnlyList<ReportTable> Of(AuditReport r) =>
        [
            new(
                Summary,
                "Summary",
                [("Figure", CellKind.Text), ("Value", CellKind.Text)],
                [.. Headlines(r).Select(h => new object?[] { h.Label, h.Value })],
                new HashSet<int>()
            ),
            new(
                "findings-by-kind",
                "Findings by kind",
                [
                    ("Kind", CellKind.Text),
                    ("Open at start", CellKind.Integer),
                    ("Opened", CellKind.Integer),
                    ("Reopened", CellKind.Integer),
                    ("Resolved", CellKind.Integer),
                    ("Auto-resolved", CellKind.Integer),
                    ("Open at end", CellKind.Integer),
                ],
                [
                    .. r.FindingKinds.Select(k =>
                        new object?[]
                        {
                            k.Kind,
                            k.OpenAtStart,
                            k.Opened,
                            k.Reopened,
                            k.Resolved,
                            k.AutoResolved,
                            k.OpenAtEnd,
                        }
                    ),
                ],
                new HashSet<int> { 1, 2, 3, 4, 5, 6 }
            ),
            new(
                "findings",
                "Findings open at the period end or changed in it",
                [
                    ("Finding", CellKind.Text),
                    ("Kind", CellKind.Text),
                    ("Severity", CellKind.Text),
                    ("Department", CellKind.Text),
                    ("Status at end", CellKind.Text),
                    ("First raised", CellKind.Text),
                    ("Text", CellKind.Text),
                ],
                [
                    .. r.Findings.Select(f =>
                        new object?[]
                        {
                            f.Id,
                            f.Kind,
                            f.Severity,
                            f.Department,
                            f.StatusAtEnd,
                            Time(f.FirstRaisedAt),
                            f.Text,
                        }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "finding-history",
                "Finding history in the period",
                [
                    ("Finding", CellKind.Text),
                    ("At", CellKind.Text),
                    ("Action", CellKind.Text),
                    ("Status", CellKind.Text),
                    ("Actor", CellKind.Text),
                    ("Detail", CellKind.Text),
                ],
                [
                    .. r.FindingHistory.Select(e =>
                        new object?[] { e.FindingId, Time(e.At), e.Action, e.Status, e.Actor, e.Detail }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "campaigns",
                "Audit campaigns",
                [
                    ("Campaign", CellKind.Text),
                    ("Name", CellKind.Text),
                    ("Status at end", CellKind.Text),
                    ("Created", CellKind.Text),
                    ("Closed", CellKind.Text),
                    ("Expected", CellKind.Integer),
                    ("Found", CellKind.Integer),
                    ("Found as recorded", CellKind.Integer),
                    ("Missing", CellKind.Integer),
                    ("Location different", CellKind.Integer),
                    ("Damaged", CellKind.Integer),
                    ("Unexpected", CellKind.Integer),
                    ("Accuracy rate", CellKind.Text),
                ],
                [
                    .. r.Campaigns.Select(c =>
                        new object?[]
                        {
                            c.Id,
                            c.Name,
                            c.StatusAtEnd,
                            Time(c.CreatedAt),
                            c.ClosedAt is { } closed ? Time(closed) : null,
                            c.Expected,
                            c.Found,
                            c.FoundAsRecorded,
                            c.Missing,
                            c.LocationDifferent,
                            c.Damaged,
                            c.Unexpected,
                            Rate(c.AccuracyRate),
                        }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "verification",
                "Audit-trail and archive verification (run with this report)",
                [
                    ("Check", CellKind.Text),
                    ("Scope", CellKind.Text),
                    ("Result", CellKind.Text),
                    ("Records", CellKind.Integer),
                    ("Detail", CellKind.Text),
                ],
                [.. r.Verification.Select(v => new object?[] { v.Check, v.Scope, v.Result, v.Records, v.Detail })],
                new HashSet<int>()
            ),
            new(
                "sanitisations",
                "Sanitisations recorded in the period",
                [
                    ("Asset", CellKind.Text),
                    ("Tag", CellKind.Text),
                    ("Record", CellKind.Text),
                    ("Attempt", CellKind.Integer),
                    ("Method", CellKind.Text),
                    ("Tool", CellKind.Text),
                    ("Result", CellKind.Text),
                    ("Performed", CellKind.Text),
                    ("Recorded", CellKind.Text),
                    ("Recorded by", CellKind.Text),
                ],
                [
                    .. r.Sanitisations.Select(s =>
                        new object?[]
                        {
                            s.AssetId,
                            s.Tag,
                            s.RecordId,
                            s.Attempt,
                            s.Method,
                            s.Tool,
                            s.Result,
                            Time(s.PerformedAt),
                            Time(s.RecordedAt),
                            s.RecordedBy,
                        }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "certificates",
                "Sanitisation certificates issued in the period",
                [
                    ("Asset", CellKind.Text),
                    ("Tag", CellKind.Text),
                    ("Certificate", CellKind.Text),
                    ("SHA-256 of the canonical record", CellKind.Text),
                    ("Issued", CellKind.Text),
                ],
                [
                    .. r.Certificates.Select(c =>
                        new object?[] { c.AssetId, c.Tag, c.CertificateId, c.Sha256, Time(c.IssuedAt) }
                    ),
                ],
                new HashSet<int>()
            ),
            new(
                "disposals",
                "Disposals recorded in the period",
                [
                    ("Asset", CellKind.Text),
                    ("Tag", CellKind.Text),
                    ("Recycler", CellKind.Text),
                    ("Certification", CellKind.Text),
                    ("WEEE reference", CellKind.Text),
                    ("Collected", CellKind.Text),
                    ("Recorded", CellKind.Text),
                    ("Recorded by", CellKind.Text),
                ],
                [
                    .. r.Disposals.Select(d =>
                        new object?[]
                        {
                            d.AssetId,
                            d.Tag,
                            d.Recycler,
                            d.RecyclerCertification,
                            d.WeeeReference,
                            Time(d.CollectedAt),
                            Time(d.RecordedAt),
                            d.RecordedBy,
                        }
                    ),
                ],
                new HashSet<int>()
            ),
        ];

    /// <summary>The headline figures (the summary table, the PDF's first section).</summary>
    public static IReadOnlyList<(string Label, string Value)> Headlines(AuditReport r) =>
        [
            ("Period", $"{AuditReportRules.Day(r.From)} to {AuditReportRules.Day(r.To)}"),
            ("Findings open at the start", Count(r.FindingKinds.Sum(k => k.OpenAtStart))),
            ("Findings opened", Count(r.FindingKinds.Sum(k => k.Opened))),
            ("Findings reopened", Count(r.FindingKinds.Sum(k => k.Reopened))),
            ("Findings resolved", Count(r.FindingKinds.Sum(k => k.Resolved))),
            ("Findings auto-resolved", Count(r.FindingKinds.Sum(k => k.AutoResolved))),
            ("Findings open at the end", Count(r.FindingKinds.Sum(k => k.OpenAtEnd))),
            ("Campaigns in the period", Count(r.Campaigns.Count)),
            ("Campaigns closed", Count(r.Campaigns.Count(c => c.ClosedAt is not null))),
            ("Accuracy rate", Rate(r.AccuracyRate) ?? "n/a"),
            ("Audit trail", r.TrailIntact ? "intact" : "BROKEN"),
            (
                "Archived days verified",
                Count(r.Verification.Count(v => v.Check == ArchiveCheck && v.Result != NotArchived))
            ),
            ("Archived days broken", Count(r.Verification.Count(v => v.Check == ArchiveCheck && v.Result == Broken))),
            ("Sanitisations", Count(r.Sanitisations.Count)),
            ("Certificates issued", Count(r.Certificates.Count)),
            ("Disposals", Count(r.Disposals.Count)),
        ];

    public const string TrailCheck = "audit-trail";
    public const string ArchiveCheck = "archive";
    public const string Intact = "intact";
    public const string Broken = "broken";
    public const string Break = "break";
    public const string NotArchived = "not archived";

    public static string Time(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string? Rate(double? rate) => rate?.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
