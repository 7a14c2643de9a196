using System.Text;
using System.Text.Json;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Reports.Snapshot;

/// <summary>
/// The weekly IT snapshot: generated (Monday timer, or on demand) for an ISO week as of its end, written to
/// <c>reports/it-snapshot/{yyyy-Www}/</c> — <c>data.json</c> (the figures every format and every department's cut is
/// rendered from), <c>summary.xlsx</c>, <c>summary.html</c>, one <c>{table}.csv</c> per table — then its index row
/// (the same <see cref="ReportStore"/> as the finance summary, so the report API lists it).
/// </summary>
public sealed class ItSnapshotService(
    ItSnapshotSource source,
    ReportStore reports,
    AccessPolicy policy,
    TimeProvider clock,
    ILogger<ItSnapshotService> logger
)
{
    public const string Kind = "it-snapshot";
    public const string DataFile = "data.json";

    /// <summary>The timer's run: the week that ended, unless it was generated already (a second firing writes
    /// nothing).</summary>
    public async Task<ReportEntry?> RunScheduledAsync(CancellationToken cancellationToken)
    {
        var period = IsoWeeks.Previous(clock.GetUtcNow());
        if (await reports.FindAsync(Kind, period, cancellationToken) is not null)
        {
            logger.LogInformation("IT snapshot {Period} exists already; not generated again", period);
            return null;
        }
        return (await GenerateAsync(period, cancellationToken)).Entry;
    }

    public async Task<Outcome<ReportEntry>> GenerateAsync(Caller caller, string? period, CancellationToken ct)
    {
        if (!IsoWeeks.TryParse(period, out var monday))
        {
            return Problem.BadRequest(
                "The period must be an ISO week, yyyy-Www.",
                new Dictionary<string, string[]> { ["period"] = ["An ISO week, yyyy-Www (e.g. 2026-W49)."] }
            );
        }
        if (monday.AddDays(7).ToDateTime(TimeOnly.MinValue) > clock.GetUtcNow().UtcDateTime)
            return Problem.Conflict($"The week {period} has not ended yet.");
        logger.LogInformation("IT snapshot {Period} generated on demand by {Actor}", period, caller.Actor);
        return (await GenerateAsync(period!, ct)).Entry;
    }

    /// <summary>Generates and stores the snapshot of <paramref name="period"/> (overwriting an earlier run: the same
    /// history gives the same numbers).</summary>
    public async Task<(ReportEntry Entry, ItSnapshotReport Report)> GenerateAsync(
        string period,
        CancellationToken cancellationToken
    )
    {
        var started = clock.GetUtcNow();
        IsoWeeks.TryParse(period, out var monday);
        var previous = await LoadAsync(IsoWeeks.Of(monday.AddDays(-7)), cancellationToken);
        var report = await source.BuildAsync(period, started, previous?.Totals, cancellationToken);
        var files = Render(report);
        await reports.WriteAsync(Kind, period, files, null, started, cancellationToken);
        logger.LogInformation(
            "IT snapshot {Period}: {Assets} assets, {Findings} open findings, in {Elapsed} ms",
            period,
            report.Totals.Assets,
            report.Totals.OpenFindings,
            (clock.GetUtcNow() - started).TotalMilliseconds
        );
        return (new ReportEntry(Kind, period, started, [.. files.Select(f => f.Name)]), report);
    }

    /// <summary>Every file of a snapshot (or a cut of it).</summary>
    public static List<(string Name, byte[] Content, string ContentType)> Render(ItSnapshotReport report)
    {
        var charts = ItSnapshotCharts.Of(report);
        return
        [
            (
                DataFile,
                JsonSerializer.SerializeToUtf8Bytes(report, ApiJsonContext.Default.ItSnapshotReport),
                "application/json"
            ),
            ("summary.xlsx", ItSnapshotXlsx.Write(report), FinanceReportService.XlsxType),
            ("summary.html", Encoding.UTF8.GetBytes(ItSnapshotHtml.Write(report, charts)), "text/html; charset=utf-8"),
            .. ItSnapshotTables
                .Of(report)
                .Select(t => ($"{t.Name}.csv", FinanceCsv.Write(t), "text/csv; charset=utf-8")),
        ];
    }

    /// <summary>A file of a snapshot: as stored for admins and auditors; for a department lead, the same file
    /// rendered from the snapshot's figures cut to their departments.</summary>
    public async Task<Outcome<(byte[] Content, string ContentType)>> DownloadAsync(
        Caller caller,
        string period,
        string file,
        CancellationToken cancellationToken
    )
    {
        var denied = policy.ReadAll(caller);
        if (denied is not null && !caller.IsDepartmentLead)
            return denied;
        var missing = Problem.NotFound($"There is no report file {Kind}/{period}/{file}.");
        var entry = IsoWeeks.TryParse(period, out var monday)
            ? await reports.FindAsync(Kind, period, cancellationToken)
            : null;
        if (entry is null || !entry.Files.Split(',').Contains(file))
            return missing;
        if (denied is null)
        {
            var stored = await reports.ReadAsync(Kind, period, file, cancellationToken);
            return stored is null ? missing : (stored, ContentTypeOf(file));
        }
        if (await LoadAsync(period, cancellationToken) is not { } report)
            return missing;
        var previous = await LoadAsync(IsoWeeks.Of(monday.AddDays(-7)), cancellationToken);
        var rendered = Render(ItSnapshots.Cut(report, caller.Departments, previous)).First(f => f.Name == file);
        return (rendered.Content, rendered.ContentType);
    }

    public async Task<ItSnapshotReport?> LoadAsync(string period, CancellationToken cancellationToken) =>
        await reports.ReadAsync(Kind, period, DataFile, cancellationToken) is { } json
            ? JsonSerializer.Deserialize(json, ApiJsonContext.Default.ItSnapshotReport)
            : null;

    private static string ContentTypeOf(string file) =>
        Path.GetExtension(file) switch
        {
            ".json" => "application/json",
            ".xlsx" => FinanceReportService.XlsxType,
            ".html" => "text/html; charset=utf-8",
            ".csv" => "text/csv; charset=utf-8",
            _ => "application/octet-stream",
        };
}
