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
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var list = await taxonomy.ListAsync(kind, cancellationToken);
        if (list.Failed) return new ProblemResult(list.Problem!);
        return new JsonBodyResult<TaxonomyList>(StatusCodes.Status200OK, list.Value!, ApiJsonContext.Default.TaxonomyList);
    }

    [Function(nameof(PutTaxonomyEntry))]
    public async Task<IActionResult> PutTaxonomyEntry(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "taxonomy/{kind}/{code}")] HttpRequest request,
        string kind,
        string code,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var body = await JsonBody.ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.TaxonomyEntryRequest, cancellationToken);
        if (body.Failed) return new ProblemResult(body.Problem!);

        var put = await taxonomy.PutAsync(caller.Value!, kind, code, body.Value!, request.HttpContext.TraceIdentifier, cancellationToken);
        if (put.Failed) return new ProblemResult(put.Problem!);
        if (put.Value.Created) request.HttpContext.Response.Headers.Location = $"/api/taxonomy/{kind}/{code}";
        return new JsonBodyResult<TaxonomyEntryView>(put.Value.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK, put.Value.Entry, ApiJsonContext.Default.TaxonomyEntryView);
    }

    [Function(nameof(DeleteTaxonomyEntry))]
    public async Task<IActionResult> DeleteTaxonomyEntry(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "taxonomy/{kind}/{code}")] HttpRequest request,
        string kind,
        string code,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var problem = await taxonomy.DeleteAsync(caller.Value!, kind, code, request.HttpContext.TraceIdentifier, cancellationToken);
        return problem is null ? new NoContentResult() : new ProblemResult(problem);
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
    AssetImportService importer)
{
    [Function(nameof(CreateAsset))]
    public async Task<IActionResult> CreateAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var body = await JsonBody.ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.CreateAssetRequest, cancellationToken);
        if (body.Failed) return new ProblemResult(body.Problem!);

        var created = await creator.CreateAsync(caller.Value!, body.Value!, request.HttpContext.TraceIdentifier, cancellationToken);
        if (created.Failed) return new ProblemResult(created.Problem!);
        request.HttpContext.Response.Headers.ETag = created.Value.ETag.ToString("H");
        request.HttpContext.Response.Headers.Location = $"/api/assets/{created.Value.Asset.Id}";
        return new JsonBodyResult<AssetView>(StatusCodes.Status201Created, created.Value.Asset, ApiJsonContext.Default.AssetView);
    }

    [Function(nameof(SearchAssets))]
    public async Task<IActionResult> SearchAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var page = await search.SearchAsync(caller.Value!, Query(request), cancellationToken);
        if (page.Failed) return new ProblemResult(page.Problem!);
        return new JsonBodyResult<AssetPage>(StatusCodes.Status200OK, page.Value!, ApiJsonContext.Default.AssetPage);
    }

    [Function(nameof(ExportAssets))]
    public async Task<IActionResult> ExportAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/export")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var csv = await search.ExportAsync(caller.Value!, Query(request), cancellationToken);
        if (csv.Failed) return new ProblemResult(csv.Problem!);
        return new CsvResult(csv.Value!, "assets.csv");
    }

    [Function(nameof(ImportAssets))]
    public async Task<IActionResult> ImportAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/import")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var body = await TextBody.ReadAsync(request, "text/csv", AssetImportService.MaxImportBytes, cancellationToken);
        if (body.Failed) return new ProblemResult(body.Problem!);

        var report = await importer.ImportAsync(caller.Value!, body.Value, request.HttpContext.TraceIdentifier, cancellationToken);
        if (report.Failed) return new ProblemResult(report.Problem!);
        return new JsonBodyResult<ImportReport>(StatusCodes.Status200OK, report.Value!, ApiJsonContext.Default.ImportReport);
    }

    [Function(nameof(CheckOutAsset))]
    public async Task<IActionResult> CheckOutAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/checkout")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var body = await JsonBody.ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.AssetCheckOutRequest, cancellationToken);
        if (body.Failed) return new ProblemResult(body.Problem!);

        var done = await assignments.CheckOutAsync(caller.Value!, assetId, request.Headers.IfMatch.ToString(), body.Value!, request.HttpContext.TraceIdentifier, cancellationToken);
        if (done.Failed) return new ProblemResult(done.Problem!);
        request.HttpContext.Response.Headers.ETag = done.Value.ETag.ToString("H");
        return new JsonBodyResult<AssignmentView>(StatusCodes.Status200OK, done.Value.Assignment, ApiJsonContext.Default.AssignmentView);
    }

    [Function(nameof(CheckInAsset))]
    public async Task<IActionResult> CheckInAsset(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "assets/{assetId}/checkin")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        // The body is optional: no body (or an empty one) is a plain check-in.
        var body = new AssetCheckInRequest();
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var read = await JsonBody.ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.AssetCheckInRequest, cancellationToken);
            if (read.Failed) return new ProblemResult(read.Problem!);
            body = read.Value!;
        }

        var done = await assignments.CheckInAsync(caller.Value!, assetId, request.Headers.IfMatch.ToString(), body, request.HttpContext.TraceIdentifier, cancellationToken);
        if (done.Failed) return new ProblemResult(done.Problem!);
        request.HttpContext.Response.Headers.ETag = done.Value.ETag.ToString("H");
        return new JsonBodyResult<AssignmentView>(StatusCodes.Status200OK, done.Value.Assignment, ApiJsonContext.Default.AssignmentView);
    }

    [Function(nameof(ListAssetAssignments))]
    public async Task<IActionResult> ListAssetAssignments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{assetId}/assignments")] HttpRequest request,
        string assetId,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var pageSize = Paging.PageSize(request.Query, AssetSearch.DefaultPageSize, AssetSearch.MaxPageSize);
        if (pageSize.Failed) return new ProblemResult(pageSize.Problem!);
        var token = request.Query.TryGetValue("continuationToken", out var t) ? t.ToString() : null;

        var page = await assignments.ListAsync(caller.Value!, assetId, pageSize.Value, token, cancellationToken);
        if (page.Failed) return new ProblemResult(page.Problem!);
        return new JsonBodyResult<AssignmentPage>(StatusCodes.Status200OK, page.Value!, ApiJsonContext.Default.AssignmentPage);
    }

    private static IEnumerable<KeyValuePair<string, string[]>> Query(HttpRequest request) =>
        request.Query.Select(q => new KeyValuePair<string, string[]>(q.Key, q.Value.Select(v => v ?? "").ToArray()));

    private const int MaxBodyBytes = 16 * 1024;
}
