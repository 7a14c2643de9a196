using System.Text.Json;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>The audit report on demand: the request (202 + the status location), the status, and the queue worker
/// that generates it. The files are listed and downloaded through <c>GET /api/reports</c> and
/// <c>GET /api/reports/audit/{id}/{file}</c>.</summary>
public sealed class AuditReportFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    AuditReportService reports,
    ILogger<AuditReportFunctions> logger
)
{
    private const int MaxBodyBytes = 1024;

    [Function(nameof(RequestAuditReport))]
    public async Task<IActionResult> RequestAuditReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "reports/audit")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.RunAudit).OrThrow();
        // The body is optional: none asks for the month that ended last.
        var body =
            request.ContentLength is null or 0 && string.IsNullOrEmpty(request.ContentType)
                ? new AuditReportRequest()
                : await JsonBody
                    .ReadObjectAsync(
                        request,
                        MaxBodyBytes,
                        ApiJsonContext.Default.AuditReportRequest,
                        cancellationToken
                    )
                    .OrThrow();

        var view = await reports.RequestAsync(caller, body, cancellationToken).OrThrow();
        request.HttpContext.Response.Headers.Location = AuditReportService.Location(view.Id);
        return new JsonBodyResult<AuditReportView>(
            StatusCodes.Status202Accepted,
            view,
            ApiJsonContext.Default.AuditReportView
        );
    }

    [Function(nameof(GetAuditReport))]
    public async Task<IActionResult> GetAuditReport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "reports/audit/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var view = await reports.GetAsync(caller, id, cancellationToken).OrThrow();
        return new JsonBodyResult<AuditReportView>(
            StatusCodes.Status200OK,
            view,
            ApiJsonContext.Default.AuditReportView
        );
    }

    [Function(nameof(GenerateAuditReport))]
    public async Task GenerateAuditReport(
        [QueueTrigger("%" + AppSettingNames.AuditReportQueue + "%", Connection = AppSettingNames.StorageConnection)]
            QueueMessage message,
        CancellationToken cancellationToken
    )
    {
        AuditReportMessage? body;
        try
        {
            body = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.AuditReportMessage);
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            // A malformed message names no report: retrying it cannot help.
            logger.LogWarning("Dropped a malformed audit report message {MessageId}", message.MessageId);
            return;
        }
        await reports.ProcessAsync(body.Id, message.DequeueCount, cancellationToken);
    }
}
