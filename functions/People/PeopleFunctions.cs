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
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var body = await TextBody.ReadAsync(request, "text/csv", PeopleService.MaxImportBytes, cancellationToken);
        if (body.Failed) return new ProblemResult(body.Problem!);

        var report = await people.ImportAsync(body.Value, caller.Value!.AuditActor, request.HttpContext.TraceIdentifier, cancellationToken);
        if (report.Failed) return new ProblemResult(report.Problem!);
        return new JsonBodyResult<ImportReport>(StatusCodes.Status200OK, report.Value!, ApiJsonContext.Default.ImportReport);
    }

    [Function(nameof(ExportPeople))]
    public async Task<IActionResult> ExportPeople(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people/export")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        return new CsvResult(await people.ExportAsync(cancellationToken), "people.csv");
    }

    [Function(nameof(GetPerson))]
    public async Task<IActionResult> GetPerson(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people/{objectId}")] HttpRequest request,
        string objectId,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var person = await people.FindAsync(objectId, cancellationToken);
        if (person is null) return new ProblemResult(Problem.NotFound($"There is no person '{objectId}'."));
        if (policy.ReadPeople(caller.Value!, person.Department) is { } denied) return new ProblemResult(denied);
        return new JsonBodyResult<PersonView>(StatusCodes.Status200OK, PersonView.From(person), ApiJsonContext.Default.PersonView);
    }

    [Function(nameof(ListPeople))]
    public async Task<IActionResult> ListPeople(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "people")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var query = request.Query;
        var department = query.TryGetValue("department", out var d) ? d.ToString() : null;
        if (policy.ReadPeople(caller.Value!, department) is { } denied) return new ProblemResult(denied);

        var pageSize = Paging.PageSize(query, PeopleService.DefaultPageSize, PeopleService.MaxPageSize);
        if (pageSize.Failed) return new ProblemResult(pageSize.Problem!);
        var status = query.TryGetValue("status", out var s) ? s.ToString() : null;
        var token = query.TryGetValue("continuationToken", out var t) ? t.ToString() : null;

        var page = await people.ListAsync(department, status, token, pageSize.Value, cancellationToken);
        if (page.Failed) return new ProblemResult(page.Problem!);
        return new JsonBodyResult<PeoplePage>(StatusCodes.Status200OK, page.Value!, ApiJsonContext.Default.PeoplePage);
    }

    [Function(nameof(GetMyAssets))]
    public async Task<IActionResult> GetMyAssets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me/assets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var assets = await people.AssetsOwnedByAsync(caller.Value!.ObjectId, cancellationToken);
        return new JsonBodyResult<MyAssets>(StatusCodes.Status200OK, assets, ApiJsonContext.Default.MyAssets);
    }
}
