using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Audit;

/// <summary>Management API: the audit trail (admins and auditors).</summary>
public sealed class AuditFunctions(CallerAuthenticator authenticator, AccessPolicy policy, AuditTrail trail)
{
    [Function(nameof(QueryAuditTrail))]
    public async Task<IActionResult> QueryAuditTrail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit-trail")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll).OrThrow();

        var page = await trail
            .QueryPageAsync(
                request.Query.Select(q => new KeyValuePair<string, string[]>(
                    q.Key,
                    q.Value.Select(v => v ?? "").ToArray()
                )),
                cancellationToken
            )
            .OrThrow();
        return new JsonBodyResult<AuditPage>(StatusCodes.Status200OK, page, ApiJsonContext.Default.AuditPage);
    }

    [Function(nameof(VerifyAuditTrail))]
    public async Task<IActionResult> VerifyAuditTrail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit-trail/verify")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.RunAudit).OrThrow();

        var verification = await trail.VerifyAsync(cancellationToken);
        return new JsonBodyResult<AuditVerification>(
            StatusCodes.Status200OK,
            verification,
            ApiJsonContext.Default.AuditVerification
        );
    }
}
