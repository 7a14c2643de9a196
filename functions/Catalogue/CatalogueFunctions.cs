using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Catalogue;

/// <summary>Management API: the classification taxonomy.</summary>
public sealed class TaxonomyFunctions(CallerAuthenticator authenticator, AccessPolicy policy, TaxonomyService taxonomy)
{
    [Function(nameof(ListTaxonomy))]
    public async Task<IActionResult> ListTaxonomy(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "taxonomy/{kind}")] HttpRequest request,
        string kind,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var list = await taxonomy.ListAsync(kind, cancellationToken).OrThrow();
        return new JsonBodyResult<TaxonomyList>(StatusCodes.Status200OK, list, ApiJsonContext.Default.TaxonomyList);
    }

    [Function(nameof(PutTaxonomyEntry))]
    public async Task<IActionResult> PutTaxonomyEntry(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "taxonomy/{kind}/{code}")] HttpRequest request,
        string kind,
        string code,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.TaxonomyEntryRequest, cancellationToken)
            .OrThrow();

        var put = await taxonomy
            .PutAsync(caller, kind, code, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        if (put.Created)
            request.HttpContext.Response.Headers.Location = $"/api/taxonomy/{kind}/{code}";
        return new JsonBodyResult<TaxonomyEntryView>(
            put.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            put.Entry,
            ApiJsonContext.Default.TaxonomyEntryView
        );
    }

    [Function(nameof(DeleteTaxonomyEntry))]
    public async Task<IActionResult> DeleteTaxonomyEntry(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "taxonomy/{kind}/{code}")] HttpRequest request,
        string kind,
        string code,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        var problem = await taxonomy.DeleteAsync(
            caller,
            kind,
            code,
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        problem.ThrowIfAny();
        return new NoContentResult();
    }

    private const int MaxBodyBytes = 16 * 1024;
}

/// <summary>Management API: creating, searching, checking out/in, importing and exporting assets.</summary>
public sealed class CatalogueFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    AssetCreateService creator,
    AssetSearchService search,
    AssetAssignmentService assignments,
    AssetImportService importer
)
{
    [Function(nameof(CreateAsset))]
    public async Task<IActionResult> CreateAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.CreateAssetRequest, cancellationToken)
            .OrThrow();

        var created = await creator
            .CreateAsync(caller, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = created.ETag.ToString("H");
        request.HttpContext.Response.Headers.Location = $"/api/assets/{created.Asset.Id}";
        return new JsonBodyResult<AssetView>(
            StatusCodes.Status201Created,
            created.Asset,
            ApiJsonContext.Default.AssetView
        );
    }

    [Function(nameof(SearchAssets))]
    public async Task<IActionResult> SearchAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var page = await search.SearchAsync(caller, Query(request), cancellationToken).OrThrow();
        return new JsonBodyResult<AssetPage>(StatusCodes.Status200OK, page, ApiJsonContext.Default.AssetPage);
    }

    [Function(nameof(ExportAssets))]
    public async Task<IActionResult> ExportAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/export")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var csv = await search.ExportAsync(caller, Query(request), cancellationToken).OrThrow();
        return new CsvResult(csv, "assets.csv");
    }

    [Function(nameof(ImportAssets))]
    public async Task<IActionResult> ImportAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/import")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await TextBody
            .ReadAsync(request, "text/csv", AssetImportService.MaxImportBytes, cancellationToken)
            .OrThrow();

        var report = await importer
            .ImportAsync(caller, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<ImportReport>(StatusCodes.Status200OK, report, ApiJsonContext.Default.ImportReport);
    }

    [Function(nameof(CheckOutAsset))]
    public async Task<IActionResult> CheckOutAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/checkout")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.AssetCheckOutRequest, cancellationToken)
            .OrThrow();

        var done = await assignments
            .CheckOutAsync(
                caller,
                assetId,
                request.Headers.IfMatch.ToString(),
                body,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = done.ETag.ToString("H");
        return new JsonBodyResult<AssignmentView>(
            StatusCodes.Status200OK,
            done.Assignment,
            ApiJsonContext.Default.AssignmentView
        );
    }

    [Function(nameof(CheckInAsset))]
    public async Task<IActionResult> CheckInAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/checkin")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        // The body is optional: no body (or an empty one) is a plain check-in.
        var body = new AssetCheckInRequest();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var read = await JsonBody
                .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.AssetCheckInRequest, cancellationToken)
                .OrThrow();
            body = read;
        }

        var done = await assignments
            .CheckInAsync(
                caller,
                assetId,
                request.Headers.IfMatch.ToString(),
                body,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = done.ETag.ToString("H");
        return new JsonBodyResult<AssignmentView>(
            StatusCodes.Status200OK,
            done.Assignment,
            ApiJsonContext.Default.AssignmentView
        );
    }

    [Function(nameof(ListAssetAssignments))]
    public async Task<IActionResult> ListAssetAssignments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/assignments")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var pageSize = Paging.PageSize(request.Query, AssetSearch.DefaultPageSize, AssetSearch.MaxPageSize).OrThrow();
        var token = request.Query.TryGetValue("continuationToken", out var t) ? t.ToString() : null;

        var page = await assignments.ListAsync(caller, assetId, pageSize, token, cancellationToken).OrThrow();
        return new JsonBodyResult<AssignmentPage>(StatusCodes.Status200OK, page, ApiJsonContext.Default.AssignmentPage);
    }

    private static IEnumerable<KeyValuePair<string, string[]>> Query(HttpRequest request) =>
        request.Query.Select(q => new KeyValuePair<string, string[]>(q.Key, q.Value.Select(v => v ?? "").ToArray()));

    private const int MaxBodyBytes = 16 * 1024;
}
