using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Devices;

/// <summary>Management API: enrollment secrets (several valid at once for rotation; only their hashes are
/// stored).</summary>
public sealed class EnrollmentSecretFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    EnrollmentSecretStore secrets
)
{
    private const int MaxBodyBytes = 4 * 1024;

    [Function(nameof(CreateEnrollmentSecret))]
    public async Task<IActionResult> CreateEnrollmentSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enrollment-secrets")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var parsed = await JsonBody
            .ReadObjectAsync(
                request,
                MaxBodyBytes,
                ApiJsonContext.Default.CreateEnrollmentSecretRequest,
                cancellationToken
            )
            .OrThrow();
        var created = await secrets
            .CreateAsync(parsed, caller.AuditActor, request.HttpContext.TraceIdentifier, cancellationToken)
            .OrThrow();
        return new JsonBodyResult<CreatedEnrollmentSecret>(
            StatusCodes.Status201Created,
            created,
            ApiJsonContext.Default.CreatedEnrollmentSecret
        );
    }

    [Function(nameof(ListEnrollmentSecrets))]
    public async Task<IActionResult> ListEnrollmentSecrets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enrollment-secrets")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll).OrThrow();

        var items = await secrets.ListAsync(cancellationToken);
        return new JsonBodyResult<EnrollmentSecretList>(
            StatusCodes.Status200OK,
            new EnrollmentSecretList(items),
            ApiJsonContext.Default.EnrollmentSecretList
        );
    }

    [Function(nameof(RevokeEnrollmentSecret))]
    public async Task<IActionResult> RevokeEnrollmentSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "enrollment-secrets/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        return await secrets.RevokeAsync(id, caller.AuditActor, request.HttpContext.TraceIdentifier, cancellationToken)
            ? new StatusCodeResult(StatusCodes.Status204NoContent)
            : throw new ProblemException(Problem.NotFound($"There is no enrollment secret '{id}'."));
    }
}
