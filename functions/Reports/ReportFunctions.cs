using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Reports.Snapshot;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Reports;

/// <summary>Reports: the monthly finance summary's timer, generation on demand, the list and the downloads.</summary>
public sealed class ReportFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    FinanceReportService finance,
    ItSnapshotService snapshot,
    Mail.FinanceMailService financeMail,
    ILogger<ReportFunctions> logger
)
{
    private const int MaxBodyBytes = 1024;

    [Function(nameof(FinanceReportTimer))]
    public async Task FinanceReportTimer(
        [TimerTrigger("%" + AppSettingNames.FinanceReportSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var entry = await finance.RunScheduledAsync(cancellationToken);
        logger.LogInformation("Scheduled finance report: {Period}", entry?.Period ?? "already generated");
        // After the report is stored: the email, exactly once per period (Reports/Mail).
        await financeMail.DeliverScheduledAsync(cancellationToken);
    }

    [Function(nameof(GenerateFinanceReport))]
    public async Task<IActionResult> GenerateFinanceReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/finance")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.GenerateReportRequest, cancellationToken)
            .OrThrow();

        var entry = await finance.GenerateAsync(caller, body.Period, cancellationToken).OrThrow();
        return new JsonBodyResult<ReportEntry>(StatusCodes.Status200OK, entry, ApiJsonContext.Default.ReportEntry);
    }

    [Function(nameof(ItSnapshotTimer))]
    public async Task ItSnapshotTimer(
        [TimerTrigger("%" + AppSettingNames.ItSnapshotSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var entry = await snapshot.RunScheduledAsync(cancellationToken);
        logger.LogInformation("Scheduled IT snapshot: {Period}", entry?.Period ?? "already generated");
    }

    [Function(nameof(GenerateItSnapshot))]
    public async Task<IActionResult> GenerateItSnapshot(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/it-snapshot")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.GenerateReportRequest, cancellationToken)
            .OrThrow();

        var entry = await snapshot.GenerateAsync(caller, body.Period, cancellationToken).OrThrow();
        return new JsonBodyResult<ReportEntry>(StatusCodes.Status200OK, entry, ApiJsonContext.Default.ReportEntry);
    }

    [Function(nameof(ListReports))]
    public async Task<IActionResult> ListReports(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var list = await finance.ListAsync(caller, cancellationToken).OrThrow();
        return new JsonBodyResult<ReportList>(StatusCodes.Status200OK, list, ApiJsonContext.Default.ReportList);
    }

    [Function(nameof(DownloadReport))]
    public async Task<IActionResult> DownloadReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/{kind}/{period}/{file}")]
            HttpRequest request,
        string kind,
        string period,
        string file,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        // The IT snapshot renders its own departmental cuts; every other kind goes through the finance service.
        var (content, contentType) = await (
            kind == ItSnapshotService.Kind
                ? snapshot.DownloadAsync(caller, period, file, cancellationToken)
                : finance.DownloadAsync(caller, kind, period, file, cancellationToken)
        ).OrThrow();
        return new BytesResult(StatusCodes.Status200OK, contentType, content);
    }
}
