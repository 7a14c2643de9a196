using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Assets;

/// <summary>Management API: assets.</summary>
public sealed class AssetFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    AssetReader assets,
    AssetUpdateService updates,
    AssetHistoryService history
)
{
    [Function(nameof(GetAsset))]
    public async Task<IActionResult> GetAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var found = await assets.FindViewAsync(assetId, cancellationToken);
        if (found is not { } asset)
            throw new ProblemException(Problem.NotFound($"There is no asset '{assetId}'."));
        policy.ReadAsset(caller, asset.Detail.Department, asset.Detail.Owner).ThrowIfAny();

        request.HttpContext.Response.Headers.ETag = asset.Detail.ETag.ToString("H");
        return new JsonBodyResult<AssetView>(StatusCodes.Status200OK, asset.View, ApiJsonContext.Default.AssetView);
    }

    [Function(nameof(UpdateAsset))]
    public async Task<IActionResult> UpdateAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "assets/{assetId}")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var patch = await JsonBody
            .ReadObjectAsync(request, MaxPatchBytes, ApiJsonContext.Default.AssetPatch, cancellationToken)
            .OrThrow();

        var updated = await updates
            .UpdateAsync(
                caller,
                assetId,
                request.Headers.IfMatch.ToString(),
                patch,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = updated.ETag.ToString("H");
        return new JsonBodyResult<AssetView>(StatusCodes.Status200OK, updated.Asset, ApiJsonContext.Default.AssetView);
    }

    [Function(nameof(ListAssetHistory))]
    public async Task<IActionResult> ListAssetHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/history")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var pageSize = Paging
            .PageSize(request.Query, AssetHistoryService.DefaultPageSize, AssetHistoryService.MaxPageSize)
            .OrThrow();
        var token = request.Query.TryGetValue("continuationToken", out var t) ? t.ToString() : null;

        var page = await history.ListAsync(caller, assetId, pageSize, token, cancellationToken).OrThrow();
        return new JsonBodyResult<AssetHistoryPage>(
            StatusCodes.Status200OK,
            page,
            ApiJsonContext.Default.AssetHistoryPage
        );
    }

    private const int MaxPatchBytes = 16 * 1024;
}
