using System.Globalization;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>
/// Reads what an audit report shows. Findings, campaigns and decommissioning records are taken as they stood at the
/// period end (findings from their history, campaigns from the figures frozen at close, records by the time they were
/// recorded), so a rerun for the same period gives the same numbers. The audit-trail and archive verifications are
/// run now, with the report: their result is the trail's state when the report was generated, which is their point.
/// </summary>
public sealed class AuditReportSource(
    InventoryStore store,
    FindingsTables findingTables,
    AuditTrail trail,
    AuditArchiver archiver
)
{
    public const string AsOfNote =
        "Findings, campaigns and decommissioning records are as they stood at the period end (from their history); "
        + "the verifications were run when the report was generated.";

    public async Task<AuditReport> BuildAsync(
        string id,
        DateOnly from,
        DateOnly to,
        string requestedBy,
        DateTimeOffset generatedAt,
        CancellationToken cancellationToken
    )
    {
        var start = AuditReportRules.StartOf(from);
        var end = AuditReportRules.StartOf(to.AddDays(1));

        var findings = new List<FindingEntity>();
        await foreach (
            var f in findingTables.Findings.QueryAsync<FindingEntity>(
                TableClient.CreateQueryFilter($"PartitionKey lt {FindingKeys.IndexPartitionsStart}"),
                cancellationToken: cancellationToken
            )
        )
        {
            findings.Add(f);
        }
        var (kinds, lines, events) = AuditReportRules.Findings(findings, start, end);

        var campaigns = new List<CampaignEntity>();
        await foreach (
            var c in store.Campaigns.QueryAsync<CampaignEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {CampaignKeys.ListPartition}"),
                cancellationToken: cancellationToken
            )
        )
        {
            campaigns.Add(c);
        }
        var (campaignLines, accuracy) = AuditReportRules.Campaigns(campaigns, start, end);

        var (intact, verification) = await VerifyAsync(from, to, cancellationToken);
        var (sanitisations, certificates, disposals) = await DecommissioningAsync(start, end, cancellationToken);

        return new AuditReport
        {
            Id = id,
            From = from,
            To = to,
            GeneratedAt = generatedAt,
            RequestedBy = requestedBy,
            FindingKinds = kinds,
            Findings = lines,
            FindingHistory = events,
            Campaigns = campaignLines,
            AccuracyRate = accuracy,
            TrailIntact = intact,
            Verification = verification,
            Sanitisations = sanitisations,
            Certificates = certificates,
            Disposals = disposals,
            Notes = [AsOfNote],
        };
    }

    /// <summary>The live trail's verification, then each day of the period's archive verification.</summary>
    private async Task<(bool Intact, List<AuditVerificationLine> Lines)> VerifyAsync(
        DateOnly from,
        DateOnly to,
        CancellationToken cancellationToken
    )
    {
        var lines = new List<AuditVerificationLine>();
        var live = await trail.VerifyAsync(cancellationToken);
        lines.Add(
            new(
                AuditReportTables.TrailCheck,
                $"{live.Lanes.ToString(CultureInfo.InvariantCulture)} lanes",
                live.Intact ? AuditReportTables.Intact : AuditReportTables.Broken,
                live.Records,
                null
            )
        );
        lines.AddRange(
            live.Breaks.Select(b => new AuditVerificationLine(
                AuditReportTables.TrailCheck,
                b.Lane,
                AuditReportTables.Break,
                b.Sequence,
                b.Reason
            ))
        );
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var scope = AuditReportRules.Day(day);
            if (await archiver.VerifyAsync(day, cancellationToken) is not { } archived)
            {
                lines.Add(new(AuditReportTables.ArchiveCheck, scope, AuditReportTables.NotArchived, null, null));
                continue;
            }
            lines.Add(
                new(
                    AuditReportTables.ArchiveCheck,
                    scope,
                    archived.Intact ? AuditReportTables.Intact : AuditReportTables.Broken,
                    archived.Records,
                    $"seal {archived.SealHash}"
                )
            );
            lines.AddRange(
                archived.Breaks.Select(b => new AuditVerificationLine(
                    AuditReportTables.ArchiveCheck,
                    scope,
                    AuditReportTables.Break,
                    b.Sequence,
                    b.Lane.Length > 0 ? $"{b.Lane}: {b.Reason}" : b.Reason
                ))
            );
        }
        return (live.Intact, lines);
    }

    /// <summary>Sanitisations, certificates and disposals recorded in [start, end). Only retired and disposed assets
    /// carry them (a sanitisation is recorded on a retired asset), so the summary rows of those states name where to
    /// look: one range query per such asset.</summary>
    private async Task<(
        List<AuditSanitisationLine>,
        List<AuditCertificateLine>,
        List<AuditDisposalLine>
    )> DecommissioningAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken)
    {
        var sanitisations = new List<AuditSanitisationLine>();
        var certificates = new List<AuditCertificateLine>();
        var disposals = new List<AuditDisposalLine>();
        bool InPeriod(DateTimeOffset? at) => at >= start && at < end;
        await foreach (
            var summary in store.Summaries.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter(
                    $"State eq {nameof(LifecycleState.Retired)} or State eq {nameof(LifecycleState.Disposed)}"
                ),
                select: [nameof(ITableEntity.RowKey), nameof(AssetSummaryEntity.Tag)],
                cancellationToken: cancellationToken
            )
        )
        {
            var assetId = summary.RowKey;
            var tag = summary.GetString(nameof(AssetSummaryEntity.Tag));
            var first = TableKeys.DecommissioningRowPrefix;
            var last = first[..^1] + (char)(first[^1] + 1);
            await foreach (
                var row in store.Assets.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter(
                        $"PartitionKey eq {assetId} and RowKey ge {first} and RowKey lt {last}"
                    ),
                    cancellationToken: cancellationToken
                )
            )
            {
                if (row.RowKey == TableKeys.SanitisationRow)
                {
                    var s = TableEntityMapper.To<SanitisationEntity>(row);
                    if (InPeriod(s.RecordedAt))
                    {
                        sanitisations.Add(
                            new(
                                assetId,
                                tag,
                                s.RecordId,
                                s.Attempt,
                                s.Method,
                                s.Tool,
                                s.VerificationResult,
                                s.PerformedAt,
                                s.RecordedAt,
                                s.RecordedBy
                            )
                        );
                    }
                    if (
                        InPeriod(s.CertificateIssuedAt)
                        && s is { CertificateId: { } certificateId, CertificateSha256: { } sha }
                    )
                    {
                        certificates.Add(new(assetId, tag, certificateId, sha, s.CertificateIssuedAt!.Value));
                    }
                }
                else if (row.RowKey == TableKeys.DisposalRow)
                {
                    var d = TableEntityMapper.To<DisposalEntity>(row);
                    if (InPeriod(d.RecordedAt))
                    {
                        disposals.Add(
                            new(
                                assetId,
                                tag,
                                d.Recycler,
                                d.RecyclerCertification,
                                d.WeeeReference,
                                d.CollectedAt,
                                d.RecordedAt,
                                d.RecordedBy
                            )
                        );
                    }
                }
            }
        }
        return (
            [.. sanitisations.OrderBy(s => s.RecordedAt).ThenBy(s => s.AssetId, StringComparer.Ordinal)],
            [.. certificates.OrderBy(c => c.IssuedAt).ThenBy(c => c.AssetId, StringComparer.Ordinal)],
            [.. disposals.OrderBy(d => d.RecordedAt).ThenBy(d => d.AssetId, StringComparer.Ordinal)]
        );
    }
}
