using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Findings;

/// <summary>Management API: findings (list, summary, get, acknowledge, assign, snooze, resolve) and scan runs.
/// </summary>
public sealed class FindingFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    FindingQueries queries,
    FindingActions actions,
    ScanRunStore runs
)
{
    private const int MaxBodyBytes = 8 * 1024;

    [Function(nameof(ListFindings))]
    public async Task<IActionResult> ListFindings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "findings")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var q = request.Query;
        string? Get(string name) => q.TryGetValue(name, out var v) ? v.ToString() : null;
        var pageSize = Paging.PageSize(q, FindingQueries.DefaultPageSize, FindingQueries.MaxPageSize).OrThrow();
        var filter = new FindingListQuery(
            Get("kind"),
            Get("severity"),
            Get("status"),
            Get("department"),
            Get("raisedBefore"),
            Get("raisedAfter"),
            Get("subjectType"),
            Get("subjectId")
        );

        var page = await queries
            .ListAsync(caller, policy, filter, Get("continuationToken"), pageSize, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<FindingPage>(StatusCodes.Status200OK, page, ApiJsonContext.Default.FindingPage);
    }

    [Function(nameof(CountFindings))]
    public async Task<IActionResult> CountFindings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "findings/summary")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var department = request.Query.TryGetValue("department", out var d) ? d.ToString() : null;

        var summary = await queries.SummaryAsync(caller, policy, department, cancellationToken).OrThrow();
        return new JsonBodyResult<FindingSummary>(
            StatusCodes.Status200OK,
            summary,
            ApiJsonContext.Default.FindingSummary
        );
    }

    [Function(nameof(GetFinding))]
    public async Task<IActionResult> GetFinding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "findings/{findingId}")] HttpRequest request,
        string findingId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        return Finding(request, await queries.GetAsync(caller, findingId, policy, cancellationToken).OrThrow());
    }

    [Function(nameof(AcknowledgeFinding))]
    public async Task<IActionResult> AcknowledgeFinding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "findings/{findingId}/acknowledge")]
            HttpRequest request,
        string findingId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        return Finding(
            request,
            await actions
                .AcknowledgeAsync(
                    caller,
                    findingId,
                    request.Headers.IfMatch.ToString(),
                    request.HttpContext.TraceIdentifier,
                    cancellationToken
                )
                .OrThrow()
        );
    }

    [Function(nameof(AssignFinding))]
    public async Task<IActionResult> AssignFinding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "findings/{findingId}/assign")] HttpRequest request,
        string findingId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        policy.ActOnFindings(caller, null).ThrowIfAny();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.AssignFindingRequest, cancellationToken)
            .OrThrow();

        return Finding(
            request,
            await actions
                .AssignAsync(
                    caller,
                    findingId,
                    request.Headers.IfMatch.ToString(),
                    body,
                    request.HttpContext.TraceIdentifier,
                    cancellationToken
                )
                .OrThrow()
        );
    }

    [Function(nameof(SnoozeFinding))]
    public async Task<IActionResult> SnoozeFinding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "findings/{findingId}/snooze")] HttpRequest request,
        string findingId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        policy.ActOnFindings(caller, null).ThrowIfAny();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.SnoozeFindingRequest, cancellationToken)
            .OrThrow();

        return Finding(
            request,
            await actions
                .SnoozeAsync(
                    caller,
                    findingId,
                    request.Headers.IfMatch.ToString(),
                    body,
                    request.HttpContext.TraceIdentifier,
                    cancellationToken
                )
                .OrThrow()
        );
    }

    [Function(nameof(ResolveFinding))]
    public async Task<IActionResult> ResolveFinding(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "findings/{findingId}/resolve")] HttpRequest request,
        string findingId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        policy.ActOnFindings(caller, null).ThrowIfAny();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.ResolveFindingRequest, cancellationToken)
            .OrThrow();

        return Finding(
            request,
            await actions
                .ResolveAsync(
                    caller,
                    findingId,
                    request.Headers.IfMatch.ToString(),
                    body,
                    request.HttpContext.TraceIdentifier,
                    cancellationToken
                )
                .OrThrow()
        );
    }

    [Function(nameof(ListScanRuns))]
    public async Task<IActionResult> ListScanRuns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "scans/runs")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll).OrThrow();
        var q = request.Query;
        var pageSize = Paging.PageSize(q, ScanRunStore.DefaultPageSize, ScanRunStore.MaxPageSize).OrThrow();
        var scan = q.TryGetValue("scan", out var s) ? s.ToString() : null;
        var token = q.TryGetValue("continuationToken", out var t) ? t.ToString() : null;

        var page = await runs.ListPageAsync(scan, token, pageSize, cancellationToken).OrThrow();
        return new JsonBodyResult<ScanRunPage>(StatusCodes.Status200OK, page, ApiJsonContext.Default.ScanRunPage);
    }

    private static JsonBodyResult<FindingView> Finding(HttpRequest request, FindingEntity finding)
    {
        request.HttpContext.Response.Headers.ETag = finding.ETag.ToString("H");
        return new JsonBodyResult<FindingView>(
            StatusCodes.Status200OK,
            FindingView.From(finding, true),
            ApiJsonContext.Default.FindingView
        );
    }
}
