using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Reports.Mail;

/// <summary>The finance email's admin endpoint: send a period's email again, with a reason.</summary>
public sealed class FinanceMailFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    FinanceMailService mail
)
{
    private const int MaxBodyBytes = 2048;

    [Function(nameof(ResendFinanceEmail))]
    public async Task<IActionResult> ResendFinanceEmail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/finance/{period}/email/resend")]
            HttpRequest request,
        string period,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.ResendFinanceMailRequest, cancellationToken)
            .OrThrow();

        var status = await mail.ResendAsync(caller, period, body.Reason, cancellationToken).OrThrow();
        return new JsonBodyResult<FinanceMailStatus>(
            StatusCodes.Status200OK,
            status,
            ApiJsonContext.Default.FinanceMailStatus
        );
    }
}
