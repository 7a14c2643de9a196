using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Audits;

/// <summary>The reconciliation and idle scans: daily timers (NCRONTAB app settings
/// <see cref="AppSettingNames.ReconciliationSchedule"/>, <see cref="AppSettingNames.IdleScanSchedule"/>) and "run now"
/// for administrators, which runs the scan in the request and answers 200 with the run's summary.</summary>
public sealed class ReconciliationFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    ReconciliationScanner reconciliation,
    IdleScanner idle,
    ILogger<ReconciliationFunctions> logger
)
{
    [Function(nameof(ReconciliationScan))]
    public async Task ReconciliationScan(
        [TimerTrigger("%" + AppSettingNames.ReconciliationSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var run = await reconciliation.RunAsync(cancellationToken);
        logger.LogInformation("Scheduled reconciliation {RunId}: {Conditions} condition(s)", run.RunId, run.Conditions);
    }

    [Function(nameof(IdleScan))]
    public async Task IdleScan(
        [TimerTrigger("%" + AppSettingNames.IdleScanSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var run = await idle.RunAsync(cancellationToken);
        logger.LogInformation("Scheduled idle scan {RunId}: {Conditions} condition(s)", run.RunId, run.Conditions);
    }

    [Function(nameof(RunReconciliation))]
    public async Task<IActionResult> RunReconciliation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "audits/reconciliation/run")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var run = await reconciliation.RunAsync(cancellationToken);
        return new JsonBodyResult<AuditRunSummary>(
            StatusCodes.Status200OK,
            run,
            ApiJsonContext.Default.AuditRunSummary
        );
    }

    [Function(nameof(RunIdleScan))]
    public async Task<IActionResult> RunIdleScan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "audits/idle/run")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var run = await idle.RunAsync(cancellationToken);
        return new JsonBodyResult<AuditRunSummary>(
            StatusCodes.Status200OK,
            run,
            ApiJsonContext.Default.AuditRunSummary
        );
    }
}
