using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Assets;

/// <summary>Management API: assets.</summary>
public sealed class AssetFunctions(CallerAuthenticator authenticator, AccessPolicy policy, AssetReader assets)
{
    [Function(nameof(GetAsset))]
    public async Task<IActionResult> GetAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var found = await assets.FindAsync(assetId, cancellationToken);
        if (found is not { } asset) return new ProblemResult(Problem.NotFound($"There is no asset '{assetId}'."));
        if (policy.ReadAsset(caller.Value!, asset.Detail.Department, asset.Detail.Owner) is { } denied) return new ProblemResult(denied);

        request.HttpContext.Response.Headers.ETag = asset.Detail.ETag.ToString("H");
        return new JsonBodyResult<AssetView>(StatusCodes.Status200OK, AssetView.From(asset.Detail, asset.Summary), ApiJsonContext.Default.AssetView);
    }
}
