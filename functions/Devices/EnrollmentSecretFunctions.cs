using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Devices;

/// <summary>Management API: enrollment secrets (several valid at once for rotation; only their hashes are stored).</summary>
public sealed class EnrollmentSecretFunctions(CallerAuthenticator authenticator, AccessPolicy policy, EnrollmentSecretStore secrets)
{
    private const int MaxBodyBytes = 4 * 1024;

    [Function(nameof(CreateEnrollmentSecret))]
    public async Task<IActionResult> CreateEnrollmentSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enrollment-secrets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        var parsed = await JsonBody.ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.CreateEnrollmentSecretRequest, cancellationToken);
        if (parsed.Failed) return new ProblemResult(parsed.Problem!);
        var created = await secrets.CreateAsync(parsed.Value!, caller.Value!.AuditActor, request.HttpContext.TraceIdentifier, cancellationToken);
        if (created.Failed) return new ProblemResult(created.Problem!);
        return new JsonBodyResult<CreatedEnrollmentSecret>(StatusCodes.Status201Created, created.Value!, ApiJsonContext.Default.CreatedEnrollmentSecret);
    }

    [Function(nameof(ListEnrollmentSecrets))]
    public async Task<IActionResult> ListEnrollmentSecrets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enrollment-secrets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var items = await secrets.ListAsync(cancellationToken);
        return new JsonBodyResult<EnrollmentSecretList>(StatusCodes.Status200OK, new EnrollmentSecretList(items), ApiJsonContext.Default.EnrollmentSecretList);
    }

    [Function(nameof(RevokeEnrollmentSecret))]
    public async Task<IActionResult> RevokeEnrollmentSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "enrollment-secrets/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        return await secrets.RevokeAsync(id, caller.Value!.AuditActor, request.HttpContext.TraceIdentifier, cancellationToken)
            ? new StatusCodeResult(StatusCodes.Status204NoContent)
            : new ProblemResult(Problem.NotFound($"There is no enrollment secret '{id}'."));
    }
}
