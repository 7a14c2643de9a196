using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Financials;

/// <summary>Management API: the reporting currency's exchange-rate table.</summary>
public sealed class FinancialsFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    ExchangeRateService rates
)
{
    [Function(nameof(ListExchangeRates))]
    public async Task<IActionResult> ListExchangeRates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "financials/rates")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        await authenticator.AuthorizeAsync(request, policy.ReadAll).OrThrow();

        var list = await rates.ListAsync(cancellationToken);
        return new JsonBodyResult<ExchangeRateList>(
            StatusCodes.Status200OK,
            list,
            ApiJsonContext.Default.ExchangeRateList
        );
    }

    [Function(nameof(ImportExchangeRates))]
    public async Task<IActionResult> ImportExchangeRates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "financials/rates")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await TextBody
            .ReadAsync(request, "text/csv", ExchangeRateService.MaxImportBytes, cancellationToken)
            .OrThrow();

        var report = await rates
            .ImportAsync(caller, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<ImportReport>(StatusCodes.Status200OK, report, ApiJsonContext.Default.ImportReport);
    }
}
