using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Tags;

/// <summary>Management API: asset tags and QR labels.</summary>
public sealed class TagFunctions(CallerAuthenticator authenticator, AccessPolicy policy, AssetTagService tags)
{
    [Function(nameof(AllocateAssetTag))]
    public async Task<IActionResult> AllocateAssetTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/tag")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var allocated = await tags.AllocateAsync(caller, assetId, cancellationToken).OrThrow();
        return new JsonBodyResult<AssetTagResponse>(
            StatusCodes.Status200OK,
            allocated,
            ApiJsonContext.Default.AssetTagResponse
        );
    }

    [Function(nameof(GetAssetByTag))]
    public async Task<IActionResult> GetAssetByTag(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tags/{tag}")] HttpRequest request,
        string tag,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        if (!AssetTagFormat.IsTag(tag))
        {
            throw new ProblemException(
                Problem.BadRequest(
                    "A tag is a prefix of 1–10 upper-case letters or digits, a hyphen and at least 6 digits (e.g. "
                        + "ITI-000123)."
                )
            );
        }

        if (await tags.ResolveAsync(tag, cancellationToken) is not { } asset)
            throw new ProblemException(Problem.NotFound($"There is no asset tagged '{tag}'."));
        policy.ReadAsset(caller, asset.Detail.Department, asset.Detail.Owner).ThrowIfAny();

        request.HttpContext.Response.Headers.ETag = asset.Detail.ETag.ToString("H");
        return new JsonBodyResult<AssetView>(
            StatusCodes.Status200OK,
            AssetView.From(asset.Detail, asset.Summary),
            ApiJsonContext.Default.AssetView
        );
    }

    [Function(nameof(GetAssetLabelSvg))]
    public Task<IActionResult> GetAssetLabelSvg(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/label.svg")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    ) =>
        LabelAsync(
            request,
            assetId,
            label => new BytesResult(
                StatusCodes.Status200OK,
                SvgContentType,
                Encoding.UTF8.GetBytes(QrLabels.Svg(label))
            ),
            cancellationToken
        );

    [Function(nameof(GetAssetLabelPng))]
    public Task<IActionResult> GetAssetLabelPng(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/label.png")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    ) =>
        LabelAsync(
            request,
            assetId,
            label => new BytesResult(StatusCodes.Status200OK, "image/png", QrLabels.Png(label)),
            cancellationToken
        );

    [Function(nameof(PrintLabelSheet))]
    public async Task<IActionResult> PrintLabelSheet(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "labels/sheet")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxSheetRequestBytes, ApiJsonContext.Default.LabelSheetRequest, cancellationToken)
            .OrThrow();

        var labels = await tags.SheetAsync(caller, body, BaseUrl(request), cancellationToken).OrThrow();
        return new BytesResult(StatusCodes.Status200OK, SvgContentType, Encoding.UTF8.GetBytes(QrLabels.Sheet(labels)));
    }

    private async Task<IActionResult> LabelAsync(
        HttpRequest request,
        string assetId,
        Func<LabelContent, IActionResult> render,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        return render(await tags.LabelAsync(caller, assetId, BaseUrl(request), cancellationToken).OrThrow());
    }

    private string BaseUrl(HttpRequest request) => tags.BaseUrl(request.Scheme, request.Host.Value ?? "localhost");

    private const string SvgContentType = "image/svg+xml; charset=utf-8";
    private const int MaxSheetRequestBytes = 16 * 1024;
}
