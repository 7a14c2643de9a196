using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Licences;

/// <summary>Management API: software licences (products, entitlements, seats, compliance, reclamation, CSV).</summary>
public sealed class LicenceFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    LicenceService licences,
    LicenceComplianceService compliance,
    LicenceReclamationService reclamation,
    LicenceImportService imports
)
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Reading licences: admins, auditors and department leads (licences are not per department).</summary>
    private static Problem? ReadLicences(Caller caller) =>
        caller.IsAdmin || caller.IsAuditor || caller.IsDepartmentLead
            ? null
            : Problem.Forbidden(
                "Requires the Inventory.Admin, Inventory.Auditor or Inventory.DepartmentLead role; see GET "
                    + "/api/me/licences for your own seats."
            );

    [Function(nameof(CreateLicenceProduct))]
    public async Task<IActionResult> CreateLicenceProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licences")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(
                request,
                MaxBodyBytes,
                ApiJsonContext.Default.CreateLicenceProductRequest,
                cancellationToken
            )
            .OrThrow();

        var created = await licences
            .CreateProductAsync(caller, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = created.Product.ETag.ToString("H");
        request.HttpContext.Response.Headers.Location = $"/api/licences/{created.Product.ProductId}";
        return new JsonBodyResult<LicenceProductView>(
            StatusCodes.Status201Created,
            licences.View(created),
            ApiJsonContext.Default.LicenceProductView
        );
    }

    [Function(nameof(ListLicenceProducts))]
    public async Task<IActionResult> ListLicenceProducts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licences")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, ReadLicences).OrThrow();
        var pageSize = Paging
            .PageSize(request.Query, LicenceService.DefaultPageSize, LicenceService.MaxPageSize)
            .OrThrow();

        var page = await licences
            .ListProductsAsync(
                Query(request, "vendor"),
                Query(request, "metric"),
                Query(request, "continuationToken"),
                pageSize,
                cancellationToken
            )
            .OrThrow();
        return new JsonBodyResult<LicenceProductPage>(
            StatusCodes.Status200OK,
            page,
            ApiJsonContext.Default.LicenceProductPage
        );
    }

    [Function(nameof(GetLicenceProduct))]
    public async Task<IActionResult> GetLicenceProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licences/{productId}")] HttpRequest request,
        string productId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, ReadLicences).OrThrow();

        var state = await licences.LoadAsync(productId, cancellationToken);
        if (state is null)
            throw new ProblemException(Problem.NotFound($"There is no licence product '{productId}'."));
        request.HttpContext.Response.Headers.ETag = state.Product.ETag.ToString("H");
        return new JsonBodyResult<LicenceProductView>(
            StatusCodes.Status200OK,
            licences.View(state),
            ApiJsonContext.Default.LicenceProductView
        );
    }

    [Function(nameof(UpdateLicenceProduct))]
    public async Task<IActionResult> UpdateLicenceProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "licences/{productId}")] HttpRequest request,
        string productId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var patch = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.LicenceProductPatch, cancellationToken)
            .OrThrow();

        var updated = await licences
            .UpdateProductAsync(
                caller,
                productId,
                request.Headers.IfMatch.ToString(),
                patch,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = updated.Product.ETag.ToString("H");
        return new JsonBodyResult<LicenceProductView>(
            StatusCodes.Status200OK,
            licences.View(updated),
            ApiJsonContext.Default.LicenceProductView
        );
    }

    [Function(nameof(AddLicenceEntitlement))]
    public async Task<IActionResult> AddLicenceEntitlement(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licences/{productId}/entitlements")]
            HttpRequest request,
        string productId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.CreateEntitlementRequest, cancellationToken)
            .OrThrow();

        var added = await licences
            .AddEntitlementAsync(caller, productId, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = added.ETag;
        return new JsonBodyResult<EntitlementView>(
            StatusCodes.Status201Created,
            added,
            ApiJsonContext.Default.EntitlementView
        );
    }

    [Function(nameof(UpdateLicenceEntitlement))]
    public async Task<IActionResult> UpdateLicenceEntitlement(
        [HttpTrigger(
            AuthorizationLevel.Anonymous,
            "patch",
            Route = "licences/{productId}/entitlements/{entitlementId}"
        )]
            HttpRequest request,
        string productId,
        string entitlementId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var patch = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.EntitlementPatch, cancellationToken)
            .OrThrow();

        var updated = await licences
            .UpdateEntitlementAsync(
                caller,
                productId,
                entitlementId,
                request.Headers.IfMatch.ToString(),
                patch,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            .OrThrow();
        request.HttpContext.Response.Headers.ETag = updated.ETag;
        return new JsonBodyResult<EntitlementView>(
            StatusCodes.Status200OK,
            updated,
            ApiJsonContext.Default.EntitlementView
        );
    }

    [Function(nameof(DeleteLicenceEntitlement))]
    public async Task<IActionResult> DeleteLicenceEntitlement(
        [HttpTrigger(
            AuthorizationLevel.Anonymous,
            "delete",
            Route = "licences/{productId}/entitlements/{entitlementId}"
        )]
            HttpRequest request,
        string productId,
        string entitlementId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        var problem = await licences.DeleteEntitlementAsync(
            caller,
            productId,
            entitlementId,
            request.Headers.IfMatch.ToString(),
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        problem.ThrowIfAny();
        return new StatusCodeResult(StatusCodes.Status204NoContent);
    }

    [Function(nameof(AssignLicenceSeat))]
    public async Task<IActionResult> AssignLicenceSeat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licences/{productId}/seats")] HttpRequest request,
        string productId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.AssignSeatRequest, cancellationToken)
            .OrThrow();

        var seat = await licences
            .AssignSeatAsync(caller, productId, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<LicenceSeatView>(
            StatusCodes.Status201Created,
            seat,
            ApiJsonContext.Default.LicenceSeatView
        );
    }

    [Function(nameof(ListLicenceSeats))]
    public async Task<IActionResult> ListLicenceSeats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licences/{productId}/seats")] HttpRequest request,
        string productId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, ReadLicences).OrThrow();
        var pageSize = Paging
            .PageSize(request.Query, LicenceService.DefaultPageSize, LicenceService.MaxPageSize)
            .OrThrow();

        var page = await licences
            .ListSeatsAsync(
                productId,
                Query(request, "assigneeKind"),
                Query(request, "continuationToken"),
                pageSize,
                cancellationToken
            )
            .OrThrow();
        return new JsonBodyResult<LicenceSeatPage>(
            StatusCodes.Status200OK,
            page,
            ApiJsonContext.Default.LicenceSeatPage
        );
    }

    [Function(nameof(ReleaseLicenceSeat))]
    public async Task<IActionResult> ReleaseLicenceSeat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "licences/{productId}/seats/{seatId}")]
            HttpRequest request,
        string productId,
        string seatId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        if (!LicenceService.TryParseSeatId(seatId, out _, out _))
            throw new ProblemException(Problem.BadRequest("seatId must be person-<object id> or asset-<asset id>."));

        var released = await licences.ReleaseSeatAsync(
            productId,
            seatId,
            caller.AuditActor,
            "released by an administrator",
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        return released
            ? new StatusCodeResult(StatusCodes.Status204NoContent)
            : throw new ProblemException(Problem.NotFound($"Licence product '{productId}' has no seat '{seatId}'."));
    }

    [Function(nameof(GetLicenceCompliance))]
    public async Task<IActionResult> GetLicenceCompliance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licences/{productId}/compliance")]
            HttpRequest request,
        string productId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, ReadLicences).OrThrow();

        var view = await compliance.ForProductAsync(productId, cancellationToken).OrThrow();
        return new JsonBodyResult<LicenceComplianceView>(
            StatusCodes.Status200OK,
            view,
            ApiJsonContext.Default.LicenceComplianceView
        );
    }

    [Function(nameof(GetLicenceComplianceOverview))]
    public async Task<IActionResult> GetLicenceComplianceOverview(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licences/compliance")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, ReadLicences).OrThrow();
        var pageSize = Paging
            .PageSize(request.Query, LicenceService.DefaultPageSize, LicenceService.MaxPageSize)
            .OrThrow();

        var page = await compliance
            .ListAsync(Query(request, "status"), Query(request, "continuationToken"), pageSize, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<LicenceCompliancePage>(
            StatusCodes.Status200OK,
            page,
            ApiJsonContext.Default.LicenceCompliancePage
        );
    }

    [Function(nameof(RecomputeLicenceCompliance))]
    public async Task<IActionResult> RecomputeLicenceCompliance(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licences/compliance/recompute")]
            HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        var result = await compliance.RecomputeAllAsync(cancellationToken);
        return new JsonBodyResult<ComplianceRecomputeResult>(
            StatusCodes.Status200OK,
            result,
            ApiJsonContext.Default.ComplianceRecomputeResult
        );
    }

    [Function(nameof(ReclaimLicenceSeats))]
    public async Task<IActionResult> ReclaimLicenceSeats(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licences/reclaim")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var dryRunText = Query(request, "dryRun") ?? "true";
        if (dryRunText is not ("true" or "false"))
            throw new ProblemException(Problem.BadRequest("dryRun must be true or false."));
        var dryRun = dryRunText == "true";
        // A dry run changes nothing: admins and auditors; releasing seats: admins with MFA.
        var caller = await authenticator.AuthorizeAsync(request, dryRun ? policy.ReadAll : policy.Administer).OrThrow();

        var result = await reclamation.ReclaimAsync(
            dryRun,
            caller.AuditActor,
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        return new JsonBodyResult<LicenceReclaimResult>(
            StatusCodes.Status200OK,
            result,
            ApiJsonContext.Default.LicenceReclaimResult
        );
    }

    [Function(nameof(GetMyLicences))]
    public async Task<IActionResult> GetMyLicences(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/licences")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var mine = await licences.MyLicencesAsync(caller.ObjectId, cancellationToken);
        return new JsonBodyResult<MyLicences>(StatusCodes.Status200OK, mine, ApiJsonContext.Default.MyLicences);
    }

    [Function(nameof(ImportLicences))]
    public async Task<IActionResult> ImportLicences(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "licences/import")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await TextBody
            .ReadAsync(request, "text/csv", LicenceImportService.MaxImportBytes, cancellationToken)
            .OrThrow();

        var report = await imports
            .ImportAsync(caller, body, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<LicenceImportReport>(
            StatusCodes.Status200OK,
            report,
            ApiJsonContext.Default.LicenceImportReport
        );
    }

    [Function(nameof(ExportLicences))]
    public async Task<IActionResult> ExportLicences(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "licences/export")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll).OrThrow();

        return new CsvResult(await imports.ExportAsync(cancellationToken), "licences.csv");
    }

    private static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var value) ? value.ToString() : null;
}
