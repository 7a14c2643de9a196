using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.People;

/// <summary>Management API: the people directory, and what the signed-in person owns.</summary>
public sealed class PeopleFunctions(CallerAuthenticator authenticator, AccessPolicy policy, PeopleService people)
{
    [Function(nameof(ImportPeople))]
    public async Task<IActionResult> ImportPeople(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "people/import")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await TextBody
            .ReadAsync(request, "text/csv", PeopleService.MaxImportBytes, cancellationToken)
            .OrThrow();

        var report = await people
            .ImportAsync(body, caller.AuditActor, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<ImportReport>(StatusCodes.Status200OK, report, ApiJsonContext.Default.ImportReport);
    }

    [Function(nameof(ExportPeople))]
    public async Task<IActionResult> ExportPeople(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people/export")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll).OrThrow();

        return new CsvResult(await people.ExportAsync(cancellationToken), "people.csv");
    }

    [Function(nameof(GetPerson))]
    public async Task<IActionResult> GetPerson(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people/{objectId}")] HttpRequest request,
        string objectId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var person = await people.FindAsync(objectId, cancellationToken);
        if (person is null)
            throw new ProblemException(Problem.NotFound($"There is no person '{objectId}'."));
        policy.ReadPeople(caller, person.Department).ThrowIfAny();
        return new JsonBodyResult<PersonView>(
            StatusCodes.Status200OK,
            PersonView.From(person),
            ApiJsonContext.Default.PersonView
        );
    }

    [Function(nameof(ListPeople))]
    public async Task<IActionResult> ListPeople(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var query = request.Query;
        var department = query.TryGetValue("department", out var d) ? d.ToString() : null;
        policy.ReadPeople(caller, department).ThrowIfAny();

        var pageSize = Paging.PageSize(query, PeopleService.DefaultPageSize, PeopleService.MaxPageSize).OrThrow();
        var status = query.TryGetValue("status", out var s) ? s.ToString() : null;
        var token = query.TryGetValue("continuationToken", out var t) ? t.ToString() : null;

        var page = await people.ListAsync(department, status, token, pageSize, cancellationToken).OrThrow();
        return new JsonBodyResult<PeoplePage>(StatusCodes.Status200OK, page, ApiJsonContext.Default.PeoplePage);
    }

    [Function(nameof(GetMyAssets))]
    public async Task<IActionResult> GetMyAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/assets")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();

        var assets = await people.AssetsOwnedByAsync(caller.ObjectId, cancellationToken);
        return new JsonBodyResult<MyAssets>(StatusCodes.Status200OK, assets, ApiJsonContext.Default.MyAssets);
    }
}
