using System.Globalization;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Audit;

/// <summary>The daily sealed archive of the audit trail: the timer that writes it and the check of an archived
/// day.</summary>
public sealed class AuditArchiveFunctions(
    AuditArchiver archiver,
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    ILogger<AuditArchiveFunctions> logger
)
{
    [Function(nameof(ArchiveAuditTrail))]
    public async Task ArchiveAuditTrail(
        [TimerTrigger("%" + AppSettingNames.AuditArchiveSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var run = await archiver.RunAsync(cancellationToken);
        logger.LogInformation(
            "Audit archive run (past due: {PastDue}) archived {Days} day(s)",
            timer.IsPastDue,
            run.Archived.Count
        );
    }

    [Function(nameof(VerifyAuditArchive))]
    public async Task<IActionResult> VerifyAuditArchive(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit-trail/archive/{date}/verify")]
            HttpRequest request,
        string date,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.RunAudit).OrThrow();
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw new ProblemException(Problem.BadRequest("The date must be a UTC day, yyyy-MM-dd (e.g. 2026-11-02)."));
        }

        var verification = await archiver.VerifyAsync(day, cancellationToken);
        return verification is null
            ? throw new ProblemException(Problem.NotFound($"The audit trail of {date} is not archived (yet)."))
            : new JsonBodyResult<AuditArchiveVerification>(
                StatusCodes.Status200OK,
                verification,
                ApiJsonContext.Default.AuditArchiveVerification
            );
    }
}
