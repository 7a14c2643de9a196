using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Devices;

/// <summary>Management API: enrollment secrets (several valid at once for rotation; only their hashes are stored).</summary>
public sealed class EnrollmentSecretFunctions(CallerAuthenticator authenticator, AccessPolicy policy, EnrollmentSecretStore secrets, AuditTrail audit, TimeProvider clock)
{
    private const int MaxBodyBytes = 4 * 1024;

    [Function(nameof(CreateEnrollmentSecret))]
    public async Task<IActionResult> CreateEnrollmentSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "enrollment-secrets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        if (policy.Administer(caller.Value!) is { } denied) return new ProblemResult(denied);
        var payload = await JsonBody.ReadAsync(request, MaxBodyBytes, MaxBodyBytes, cancellationToken);
        if (payload.Failed) return new ProblemResult(payload.Problem!);
        var parsed = JsonBody.Deserialize(payload.Value!.Json.Span, ApiJsonContext.Default.CreateEnrollmentSecretRequest);
        if (parsed.Failed) return new ProblemResult(parsed.Problem!);
        var body = parsed.Value!;

        var errors = new Dictionary<string, string[]>();
        if (body.Label is { Length: > 256 } || (body.Label is not null && CheckIns.CheckinValidator.HasControlCharacter(body.Label))) errors["label"] = ["At most 256 characters, no control characters."];
        if (body.DefaultDepartment is { Length: > 256 } || (body.DefaultDepartment is not null && CheckIns.CheckinValidator.HasControlCharacter(body.DefaultDepartment))) errors["defaultDepartment"] = ["At most 256 characters, no control characters."];
        if (body.ExpiresAt <= clock.GetUtcNow()) errors["expiresAt"] = ["Must be in the future."];
        if (errors.Count > 0) return new ProblemResult(Problem.BadRequest("The secret request is invalid; see 'errors'.", errors));

        var created = await secrets.CreateWithDetailsAsync(body.Label, body.ExpiresAt, body.DefaultDepartment, cancellationToken);
        await audit.AppendAsync(new AuditEvent(caller.Value!.AuditActor, "enrollment-secret", created.Details.Id, "create",
            [new("Label", null, body.Label), new("ExpiresAt", null, body.ExpiresAt?.ToString("O")), new("DefaultDepartment", null, body.DefaultDepartment)],
            request.HttpContext.TraceIdentifier), cancellationToken);
        return new JsonBodyResult<CreatedEnrollmentSecret>(StatusCodes.Status201Created, created, ApiJsonContext.Default.CreatedEnrollmentSecret);
    }

    [Function(nameof(ListEnrollmentSecrets))]
    public async Task<IActionResult> ListEnrollmentSecrets(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "enrollment-secrets")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        if (policy.ReadAll(caller.Value!) is { } denied) return new ProblemResult(denied);

        var items = await secrets.ListAsync(cancellationToken);
        return new JsonBodyResult<EnrollmentSecretList>(StatusCodes.Status200OK, new EnrollmentSecretList(items), ApiJsonContext.Default.EnrollmentSecretList);
    }

    [Function(nameof(RevokeEnrollmentSecret))]
    public async Task<IActionResult> RevokeEnrollmentSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "enrollment-secrets/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthenticateAsync(request);
        if (caller.Failed) return new ProblemResult(caller.Problem!);
        if (policy.Administer(caller.Value!) is { } denied) return new ProblemResult(denied);

        if (!await secrets.RevokeAsync(id, cancellationToken)) return new ProblemResult(Problem.NotFound($"There is no enrollment secret '{id}'."));
        await audit.AppendAsync(new AuditEvent(caller.Value!.AuditActor, "enrollment-secret", id, "revoke", [new("Revoked", "false", "true")],
            request.HttpContext.TraceIdentifier), cancellationToken);
        return new StatusCodeResult(StatusCodes.Status204NoContent);
    }
}
