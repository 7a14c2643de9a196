using System.Globalization;
using System.Text;
using System.Text.Json;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Reports;

/// <summary>
/// The monthly finance summary: generated (timer or on demand) from the state as of the period end, written to
/// <c>reports/finance/{period}/</c> — <c>data.json</c> (the report's figures, from which every format and every
/// department's cut is rendered), <c>summary.xlsx</c>, <c>summary.html</c>, one <c>{table}.csv</c> per table — then its
/// index row; listed and downloaded through the API (admins and auditors the whole report, department leads their
/// departments' cut, rendered from <c>data.json</c>).
/// </summary>
public sealed class FinanceReportService(
    FinanceReportSource source,
    ReportStore reports,
    AccessPolicy policy,
    TimeProvider clock,
    ILogger<FinanceReportService> logger
)
{
    public const string Kind = "finance";
    public const string DataFile = "data.json";

    /// <summary>The month before <paramref name="now"/> (the timer runs on the 1st for the month that ended).</summary>
    public static string PreviousMonth(DateTimeOffset now) =>
        new DateTime(now.UtcDateTime.Year, now.UtcDateTime.Month, 1)
            .AddMonths(-1)
            .ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static bool IsPeriod(string? period) =>
        period is { Length: 7 }
        && DateOnly.TryParseExact(
            period + "-01",
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out _
        );

    /// <summary>The timer's run: the month that ended, unless it was generated already (a second firing writes
    /// nothing).</summary>
    public async Task<ReportEntry?> RunScheduledAsync(CancellationToken cancellationToken)
    {
        var period = PreviousMonth(clock.GetUtcNow());
        if (await reports.FindAsync(Kind, period, cancellationToken) is not null)
        {
            logger.LogInformation("Finance report {Period} exists already; not generated again", period);
            return null;
        }
        return (await GenerateAsync(period, cancellationToken)).Entry;
    }

    public async Task<Outcome<ReportEntry>> GenerateAsync(Caller caller, string? period, CancellationToken ct)
    {
        if (!IsPeriod(period))
        {
            return Problem.BadRequest(
                "The period must be a month, yyyy-MM.",
                new Dictionary<string, string[]> { ["period"] = ["A month, yyyy-MM."] }
            );
        }
        var endExclusive = FinanceReportBuilder.PeriodStart(period!).AddMonths(1);
        if (endExclusive.ToDateTime(TimeOnly.MinValue) > clock.GetUtcNow().UtcDateTime)
            return Problem.Conflict($"The month {period} has not ended yet.");
        logger.LogInformation("Finance report {Period} generated on demand by {Actor}", period, caller.Actor);
        return (await GenerateAsync(period!, ct)).Entry;
    }

    /// <summary>Generates and stores the report of <paramref name="period"/> (overwriting an earlier run: the same
    /// state gives the same numbers).</summary>
    public async Task<(
        ReportEntry Entry,
        FinanceReport Report,
        IReadOnlyDictionary<string, byte[]> Charts
    )> GenerateAsync(string period, CancellationToken cancellationToken)
    {
        var started = clock.GetUtcNow();
        var start = FinanceReportBuilder.PeriodStart(period);
        var previousPeriod = start.AddMonths(-1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var earlier = (await reports.ListAsync(Kind, cancellationToken))
            .Where(r => string.CompareOrdinal(r.RowKey, period) < 0)
            .OrderBy(r => r.RowKey, StringComparer.Ordinal)
            .TakeLast(11)
            .ToList();
        var previous = ReportStore.Totals(earlier.LastOrDefault(r => r.RowKey == previousPeriod));
        var trend = earlier
            .Select(r => (r.RowKey, Totals: ReportStore.Totals(r)))
            .Where(r => r.Totals is not null)
            .Select(r => new TrendPoint(r.RowKey, r.Totals!.IdleBookValue))
            .ToList();
        var report = await source.BuildAsync(period, started, previous, trend, cancellationToken);
        var (files, charts) = Render(report);
        await reports.WriteAsync(Kind, period, files, report.Totals, started, cancellationToken);
        logger.LogInformation(
            "Finance report {Period}: {Assets} assets, book value {BookValue} {Currency}, in {Elapsed} ms",
            period,
            report.Totals.Assets,
            report.Totals.BookValue,
            report.ReportingCurrency,
            (clock.GetUtcNow() - started).TotalMilliseconds
        );
        return (new ReportEntry(Kind, period, started, [.. files.Select(f => f.Name)]), report, charts);
    }

    /// <summary>Every file of a report (or a cut of it).</summary>
    public static (
        List<(string Name, byte[] Content, string ContentType)> Files,
        IReadOnlyDictionary<string, byte[]> Charts
    ) Render(FinanceReport report)
    {
        var charts = ReportCharts.Of(report);
        List<(string, byte[], string)> files =
        [
            (
                DataFile,
                JsonSerializer.SerializeToUtf8Bytes(report, ApiJsonContext.Default.FinanceReport),
                "application/json"
            ),
            ("summary.xlsx", FinanceXlsx.Write(report), XlsxType),
            (
                "summary.html",
                Encoding.UTF8.GetBytes(FinanceHtml.Standalone(report, charts)),
                "text/html; charset=utf-8"
            ),
            .. FinanceCsv.Write(report).Select(c => (c.FileName, c.Content, "text/csv; charset=utf-8")),
        ];
        return (files, charts);
    }

    public const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public async Task<Outcome<ReportList>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (policy.ReadAll(caller) is { } denied && !caller.IsDepartmentLead)
            return denied;
        var rows = await reports.ListAsync(null, cancellationToken);
        return new ReportList([
            .. rows.OrderBy(r => r.PartitionKey, StringComparer.Ordinal)
                .ThenByDescending(r => r.RowKey, StringComparer.Ordinal)
                .Select(r => new ReportEntry(
                    r.PartitionKey,
                    r.RowKey,
                    r.GeneratedAt,
                    r.Files.Split(',', StringSplitOptions.RemoveEmptyEntries)
                )),
        ]);
    }

    /// <summary>A file of a report: as stored for admins and auditors; for a department lead, the same file rendered
    /// from the report's figures cut to their departments.</summary>
    public async Task<Outcome<(byte[] Content, string ContentType)>> DownloadAsync(
        Caller caller,
        string kind,
        string period,
        string file,
        CancellationToken cancellationToken
    )
    {
        var whole = policy.ReadAll(caller) is null;
        if (!whole && !caller.IsDepartmentLead)
            return policy.ReadAll(caller)!;
        // Audit reports (on demand) are filed under their id instead of a month.
        var entry =
            IsPeriod(period) || Audit.AuditReportRules.IsReportId(period)
                ? await reports.FindAsync(kind, period, cancellationToken)
                : null;
        if (entry is null || !entry.Files.Split(',').Contains(file))
            return Problem.NotFound($"There is no report file {kind}/{period}/{file}.");
        if (whole)
        {
            var stored = await reports.ReadAsync(kind, period, file, cancellationToken);
            return stored is null
                ? Problem.NotFound($"There is no report file {kind}/{period}/{file}.")
                : (stored, ContentTypeOf(file));
        }
        if (kind != Kind)
            return Problem.Forbidden("Department leads read the finance report's cut of their departments only.");
        var report = await LoadAsync(period, cancellationToken);
        if (report is null)
            return Problem.NotFound($"There is no report file {kind}/{period}/{file}.");
        var previousPeriod = FinanceReportBuilder
            .PeriodStart(period)
            .AddMonths(-1)
            .ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var cut = FinanceReports.Cut(report, caller.Departments, await LoadAsync(previousPeriod, cancellationToken));
        var (files, _) = Render(cut);
        var rendered = files.First(f => f.Name == file);
        return (rendered.Content, rendered.ContentType);
    }

    public async Task<FinanceReport?> LoadAsync(string period, CancellationToken cancellationToken) =>
        await reports.ReadAsync(Kind, period, DataFile, cancellationToken) is { } json
            ? JsonSerializer.Deserialize(json, ApiJsonContext.Default.FinanceReport)
            : null;

    private static string ContentTypeOf(string file) =>
        Path.GetExtension(file) switch
        {
            ".json" => "application/json",
            ".xlsx" => XlsxType,
            ".html" => "text/html; charset=utf-8",
            ".csv" => "text/csv; charset=utf-8",
            ".pdf" => "application/pdf",
            _ => "application/octet-stream",
        };
}
