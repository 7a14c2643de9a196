using System.Globalization;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Audit;

/// <summary>Management API: the audit trail (admins and auditors).</summary>
public sealed class AuditFunctions(CallerAuthenticator authenticator, AccessPolicy policy, AuditTrail trail)
{
    private const int MaxRecords = 1_000;

    [Function(nameof(QueryAuditTrail))]
    public async Task<IActionResult> QueryAuditTrail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit-trail")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.ReadAll);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var query = request.Query;
        var errors = new Dictionary<string, string[]>();
        DateTimeOffset? Time(string name)
        {
            if (!query.TryGetValue(name, out var text)) return null;
            if (CheckIns.ContractFormats.TryParseDateTime(text.ToString(), out var value)) return value;
            errors[name] = ["Must be an RFC 3339 date-time, e.g. 2026-11-02T00:00:00Z."];
            return null;
        }
        var from = Time("from");
        var to = Time("to");
        var max = MaxRecords;
        if (query.TryGetValue("max", out var maxText) && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > MaxRecords))
        {
            errors["max"] = [$"Must be a whole number from 1 to {MaxRecords}."];
        }
        string? entity = query["entity"], entityId = query["entityId"], actor = query["actor"];
        if (entityId is not null && entity is null) errors["entity"] = ["Required with entityId (e.g. asset, device)."];
        foreach (var (name, value) in new[] { ("entity", entity), ("entityId", entityId), ("actor", actor) })
        {
            if (value is { Length: > 256 }) errors[name] = ["At most 256 characters."];
        }
        if (errors.Count > 0) return new ProblemResult(Problem.BadRequest("The query is invalid; see 'errors'.", errors));

        var records = await trail.QueryAsync(entity, entityId, actor, from, to, max, cancellationToken);
        return new JsonBodyResult<AuditPage>(StatusCodes.Status200OK, new AuditPage(records), ApiJsonContext.Default.AuditPage);
    }

    [Function(nameof(VerifyAuditTrail))]
    public async Task<IActionResult> VerifyAuditTrail(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "audit-trail/verify")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.RunAudit);
        if (caller.Failed) return new ProblemResult(caller.Problem!);

        var verification = await trail.VerifyAsync(cancellationToken);
        return new JsonBodyResult<AuditVerification>(StatusCodes.Status200OK, verification, ApiJsonContext.Default.AuditVerification);
    }
}
