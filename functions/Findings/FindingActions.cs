using System.Globalization;
using Azure;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;

namespace ItInventory.Functions.Findings;

/// <summary>
/// What people do with findings: acknowledge, assign, snooze, resolve. Each change is made to the version the caller
/// has seen (<c>If-Match</c>: 428 without, 412 when stale), recorded in the finding's history (same write) and in the
/// audit trail (entity <c>finding</c>). Checks run in this order, and nothing is written on any refusal: role (403),
/// body (400), <c>If-Match</c> present (428), finding exists (404), caller's department (403), ETag (412),
/// status allows the action (409), referenced person (422).
/// </summary>
public sealed class FindingActions(
    FindingService findings,
    PeopleService people,
    AccessPolicy policy,
    TimeProvider clock
)
{
    public const int MaxSnoozeDays = 366;
    public const int MaxReasonLength = 1000;
    private const string EtagSource = "the ETag from GET /api/findings/{findingId}";

    public Task<Outcome<FindingEntity>> AcknowledgeAsync(
        Caller caller,
        string id,
        string? ifMatch,
        string? correlationId,
        CancellationToken cancellationToken
    ) =>
        ChangeAsync(
            caller,
            id,
            ifMatch,
            "acknowledge",
            null,
            (finding, now) =>
            {
                if (finding.StatusValue == FindingStatus.Acknowledged)
                    return Problem.Conflict("The finding is already acknowledged.");
                var next = FindingTransitions.Copy(finding);
                next.Status = nameof(FindingStatus.Acknowledged);
                next.SnoozedUntil = null;
                next.LastChangedAt = now;
                FindingTransitions.AppendHistory(
                    next,
                    new(now, "acknowledged", FindingStatus.Acknowledged, caller.Actor)
                );
                return Outcome<FindingEntity>.Of(next);
            },
            correlationId,
            cancellationToken
        );

    public async Task<Outcome<FindingEntity>> AssignAsync(
        Caller caller,
        string id,
        string? ifMatch,
        AssignFindingRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (string.IsNullOrWhiteSpace(request.Assignee))
            return Problem.BadRequest(
                "assignee (the object id of an active person) is required.",
                new Dictionary<string, string[]> { ["assignee"] = ["Required."] }
            );
        return await ChangeAsync(
            caller,
            id,
            ifMatch,
            "assign",
            async ct =>
            {
                var person = await people.FindAsync(request.Assignee.Trim(), ct);
                return TaxonomyService.PersonError(request.Assignee.Trim(), person) is { } error
                    ? TaxonomyService.ReferenceProblem(new Dictionary<string, string[]> { ["assignee"] = [error] })
                    : Outcome<PersonEntity?>.Of(person);
            },
            (finding, now, person) =>
            {
                var next = FindingTransitions.Copy(finding);
                next.Assignee = person!.ObjectId;
                next.AssigneeName = person.DisplayName;
                next.LastChangedAt = now;
                FindingTransitions.AppendHistory(
                    next,
                    new(
                        now,
                        "assigned",
                        finding.StatusValue,
                        caller.Actor,
                        $"Assigned to {person.DisplayName} ({person.ObjectId})"
                    )
                );
                return Outcome<FindingEntity>.Of(next);
            },
            correlationId,
            cancellationToken
        );
    }

    public Task<Outcome<FindingEntity>> SnoozeAsync(
        Caller caller,
        string id,
        string? ifMatch,
        SnoozeFindingRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        if (request.Until is not { } until)
            return Task.FromResult<Outcome<FindingEntity>>(
                Problem.BadRequest(
                    "until (RFC 3339) is required.",
                    new Dictionary<string, string[]> { ["until"] = ["Required."] }
                )
            );
        if (until <= now || until > now.AddDays(MaxSnoozeDays))
            return Task.FromResult<Outcome<FindingEntity>>(
                Problem.BadRequest(
                    $"until must be in the future and at most {MaxSnoozeDays} days ahead.",
                    new Dictionary<string, string[]> { ["until"] = ["Out of range."] }
                )
            );
        if (ReasonError(request.Reason, required: false) is { } invalid)
            return Task.FromResult<Outcome<FindingEntity>>(invalid);
        return ChangeAsync(
            caller,
            id,
            ifMatch,
            "snooze",
            null,
            (finding, at) =>
            {
                var next = FindingTransitions.Copy(finding);
                next.Status = nameof(FindingStatus.Snoozed);
                next.SnoozedUntil = until.ToUniversalTime();
                next.LastChangedAt = at;
                var detail =
                    "Until "
                    + until.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)
                    + (string.IsNullOrWhiteSpace(request.Reason) ? "" : ": " + request.Reason.Trim());
                FindingTransitions.AppendHistory(next, new(at, "snoozed", FindingStatus.Snoozed, caller.Actor, detail));
                return Outcome<FindingEntity>.Of(next);
            },
            correlationId,
            cancellationToken
        );
    }

    public Task<Outcome<FindingEntity>> ResolveAsync(
        Caller caller,
        string id,
        string? ifMatch,
        ResolveFindingRequest request,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (ReasonError(request.Reason, required: true) is { } invalid)
            return Task.FromResult<Outcome<FindingEntity>>(invalid);
        var reason = request.Reason!.Trim();
        return ChangeAsync(
            caller,
            id,
            ifMatch,
            "resolve",
            null,
            (finding, now) =>
            {
                var next = FindingTransitions.Copy(finding);
                next.Status = nameof(FindingStatus.Resolved);
                next.SnoozedUntil = null;
                next.ResolvedAt = now;
                next.ResolvedBy = caller.ObjectId;
                next.ResolvedByName = caller.Upn;
                next.Resolution = reason;
                next.LastChangedAt = now;
                FindingTransitions.AppendHistory(
                    next,
                    new(now, "resolved", FindingStatus.Resolved, caller.Actor, reason)
                );
                return Outcome<FindingEntity>.Of(next);
            },
            correlationId,
            cancellationToken
        );
    }

    private static Problem? ReasonError(string? reason, bool required)
    {
        if (string.IsNullOrWhiteSpace(reason))
            return required
                ? Problem.BadRequest(
                    "reason is required: say why the finding is resolved.",
                    new Dictionary<string, string[]> { ["reason"] = ["Required."] }
                )
                : null;
        return reason.Trim().Length > MaxReasonLength || ContractFormats.HasControlCharacter(reason)
            ? Problem.BadRequest(
                $"reason must be at most {MaxReasonLength} characters without control characters.",
                new Dictionary<string, string[]> { ["reason"] = ["Too long or holds control characters."] }
            )
            : null;
    }

    private Task<Outcome<FindingEntity>> ChangeAsync(
        Caller caller,
        string id,
        string? ifMatch,
        string action,
        Func<CancellationToken, Task<Outcome<PersonEntity?>>>? reference,
        Func<FindingEntity, DateTimeOffset, Outcome<FindingEntity>> change,
        string? correlationId,
        CancellationToken cancellationToken
    ) =>
        ChangeAsync(
            caller,
            id,
            ifMatch,
            action,
            reference,
            (f, now, _) => change(f, now),
            correlationId,
            cancellationToken
        );

    private async Task<Outcome<FindingEntity>> ChangeAsync(
        Caller caller,
        string id,
        string? ifMatch,
        string action,
        Func<CancellationToken, Task<Outcome<PersonEntity?>>>? reference,
        Func<FindingEntity, DateTimeOffset, PersonEntity?, Outcome<FindingEntity>> change,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        if (policy.ActOnFindings(caller, null) is { } denied)
            return denied;
        if (string.IsNullOrWhiteSpace(ifMatch))
            return Problem.PreconditionRequired(EtagSource);
        var finding = await findings.FindAsync(id, cancellationToken);
        if (finding is null)
            return Problem.NotFound($"There is no finding '{id}'.");
        if (policy.ActOnFindings(caller, finding.Department) is { } outside)
            return outside;
        await findings.WithConfirmationsAsync([finding], cancellationToken);
        if (new ETag(ifMatch.Trim()) != finding.ETag)
            return Stale();
        if (finding.IsClosed)
            return Problem.Conflict(
                $"The finding is {finding.Status}: closed findings change only when a scan " + "reopens them."
            );
        PersonEntity? person = null;
        if (reference is not null)
        {
            var found = await reference(cancellationToken);
            if (found.Failed)
                return found.Problem;
            person = found.Value;
        }
        var decided = change(finding, clock.GetUtcNow(), person);
        if (decided.Failed)
            return decided.Problem;
        var next = decided.Value;
        try
        {
            // The audit record commits with the write (outbox): a change lost to a concurrent one is answered 412
            // and never audited as done.
            await findings.WriteAsync(
                next,
                finding,
                cancellationToken,
                new AuditEvent(caller.AuditActor, "finding", finding.Id, action, Changes(finding, next), correlationId)
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            return Stale();
        }
        return next;
    }

    private static List<FieldChange> Changes(FindingEntity before, FindingEntity after)
    {
        var changes = new List<FieldChange>();
        void Add(string field, string? from, string? to)
        {
            if (from != to)
                changes.Add(new FieldChange(field, from, to));
        }
        Add(nameof(FindingEntity.Status), before.Status, after.Status);
        Add(nameof(FindingEntity.SnoozedUntil), Iso(before.SnoozedUntil), Iso(after.SnoozedUntil));
        Add(nameof(FindingEntity.Assignee), before.Assignee, after.Assignee);
        Add(nameof(FindingEntity.Resolution), before.Resolution, after.Resolution);
        return changes;
    }

    private static string? Iso(DateTimeOffset? at) => at?.ToString("O", CultureInfo.InvariantCulture);

    private static Problem Stale() => Problem.PreconditionFailed("finding", "a scan or another person's change");
}
