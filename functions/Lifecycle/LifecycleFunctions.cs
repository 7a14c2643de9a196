using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Lifecycle;

/// <summary>Management API: lifecycle transitions, review of discovered devices, decommissioning.</summary>
public sealed class LifecycleFunctions(
    CallerAuthenticator authenticator,
    LifecycleService lifecycle,
    DecommissioningService decommissioning
)
{
    private const int MaxBodyBytes = 32 * 1024;

    [Function(nameof(ChangeLifecycleState))]
    public async Task<IActionResult> ChangeLifecycleState(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/state")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(
                request,
                MaxBodyBytes,
                ApiJsonContext.Default.LifecycleTransitionRequest,
                cancellationToken
            )
            .OrThrow();
        return Asset(
            request,
            await lifecycle.TransitionAsync(
                caller,
                assetId,
                request.Headers.IfMatch.ToString(),
                body,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
        );
    }

    [Function(nameof(ApproveAsset))]
    public async Task<IActionResult> ApproveAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/approve")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = new ApproveAssetRequest();
        if (request.ContentLength is > 0)
        {
            var parsed = await JsonBody
                .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.ApproveAssetRequest, cancellationToken)
                .OrThrow();
            body = parsed;
        }
        return Asset(
            request,
            await lifecycle.ApproveAsync(
                caller,
                assetId,
                request.Headers.IfMatch.ToString(),
                body,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
        );
    }

    [Function(nameof(RejectAsset))]
    public async Task<IActionResult> RejectAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/reject")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.RejectAssetRequest, cancellationToken)
            .OrThrow();
        return Asset(
            request,
            await lifecycle.RejectAsync(
                caller,
                assetId,
                request.Headers.IfMatch.ToString(),
                body,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
        );
    }

    [Function(nameof(GetDecommissioning))]
    public async Task<IActionResult> GetDecommissioning(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/decommissioning")]
            HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var record = await decommissioning.GetAsync(caller, assetId, cancellationToken).OrThrow();
        return new JsonBodyResult<DecommissioningView>(
            StatusCodes.Status200OK,
            record,
            ApiJsonContext.Default.DecommissioningView
        );
    }

    [Function(nameof(RecordSanitisation))]
    public async Task<IActionResult> RecordSanitisation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/decommissioning/sanitisation")]
            HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.SanitisationRequest, cancellationToken)
            .OrThrow();
        var recorded = await decommissioning.RecordSanitisationAsync(
            caller,
            assetId,
            request.Headers.IfMatch.ToString(),
            body,
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        return Record(request, recorded, StatusCodes.Status201Created);
    }

    [Function(nameof(RunDecommissioningSteps))]
    public async Task<IActionResult> RunDecommissioningSteps(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/decommissioning/steps")]
            HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var record = await decommissioning
            .RunStepsAsync(caller, assetId, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<DecommissioningView>(
            StatusCodes.Status200OK,
            record,
            ApiJsonContext.Default.DecommissioningView
        );
    }

    [Function(nameof(RecordDisposal))]
    public async Task<IActionResult> RecordDisposal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/decommissioning/disposal")]
            HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.DisposalRequest, cancellationToken)
            .OrThrow();
        var recorded = await decommissioning.RecordDisposalAsync(
            caller,
            assetId,
            request.Headers.IfMatch.ToString(),
            body,
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        return Record(request, recorded, StatusCodes.Status200OK);
    }

    [Function(nameof(GetSanitisationCertificate))]
    public async Task<IActionResult> GetSanitisationCertificate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/decommissioning/certificate")]
            HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        // HTML as stored, or PDF: ?format=pdf, or an Accept header that asks for application/pdf.
        var format = request.Query["format"].ToString();
        if (format is not ("" or "html" or "pdf"))
        {
            throw new ProblemException(
                Problem.BadRequest(
                    "Unknown certificate format.",
                    new Dictionary<string, string[]> { ["format"] = ["html or pdf"] }
                )
            );
        }
        var pdf =
            format == "pdf"
            || (
                format == "" && request.Headers.Accept.ToString().Contains("application/pdf", StringComparison.Ordinal)
            );
        var (content, contentType) = await decommissioning
            .GetCertificateAsync(caller, assetId, pdf, cancellationToken)
            .OrThrow();
        return new BytesResult(StatusCodes.Status200OK, contentType, content);
    }

    private static IActionResult Asset(HttpRequest request, Outcome<(AssetView Asset, Azure.ETag ETag)> outcome)
    {
        var (asset, etag) = outcome.OrThrow();
        request.HttpContext.Response.Headers.ETag = etag.ToString("H");
        return new JsonBodyResult<AssetView>(StatusCodes.Status200OK, asset, ApiJsonContext.Default.AssetView);
    }

    private static IActionResult Record(
        HttpRequest request,
        Outcome<(DecommissioningView Record, Azure.ETag ETag)> outcome,
        int status
    )
    {
        var (record, etag) = outcome.OrThrow();
        request.HttpContext.Response.Headers.ETag = etag.ToString("H");
        return new JsonBodyResult<DecommissioningView>(status, record, ApiJsonContext.Default.DecommissioningView);
    }
}
