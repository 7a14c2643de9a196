using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Management.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Reports.Mail;

/// <summary>The send state of a period's finance email, as the resend endpoint answers it.</summary>
public sealed record FinanceMailStatus(
    string Period,
    string Status,
    int Sends,
    int Attempts,
    string? MessageId,
    DateTimeOffset? SentAt,
    string? LastError
)
{
    public static FinanceMailStatus Of(MailSendEntity claim) =>
        new(claim.RowKey, claim.Status, claim.Sends, claim.Attempts, claim.MessageId, claim.SentAt, claim.LastError);
}

/// <summary>Body of <c>POST /api/reports/finance/{period}/email/resend</c>.</summary>
public sealed record ResendFinanceMailRequest
{
    /// <summary>Why it is sent again (kept in the audit trail).</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// The monthly finance email: the stored report's summary page as the HTML body (charts inline by content id), its
/// workbook attached, sent <b>exactly once per period</b> through a claim in the <c>mailsends</c> table
/// (<see cref="MailSendClaims"/>): taken before the message leaves, marked sent after. Failed attempts are retried
/// with a doubling wait (bounded); when they give up, the claim records the failure, a
/// <c>report-delivery-failed</c> finding is raised, and the next timer run or an admin's resend tries again.
/// <para>The one gap no claim closes: a run that crashes after the server accepted the message and before it marked
/// the claim leaves it "sending"; once the lease ends, the next run sends again (at-least-once at that point, as with
/// any SMTP client). The repeat carries the same Message-ID, so mail systems can recognise it.</para>
/// </summary>
public sealed class FinanceMailService(
    IOptions<FinanceMailOptions> options,
    IEnumerable<IMailTransport> transports,
    MailSendClaims claims,
    FinanceReportService finance,
    ReportStore reports,
    FindingService findings,
    Events.Outbox outbox,
    AccessPolicy policy,
    TimeProvider clock,
    ILogger<FinanceMailService> logger
)
{
    public const string Kind = FinanceReportService.Kind;
    public const string WorkbookFile = "summary.xlsx";
    public const string AuditEntity = "report";
    public const int MaxReasonLength = 500;

    private IMailTransport? Transport =>
        options.Value.Transport == MailTransportKind.None
            ? null
            : transports.Single(t => t.Kind == options.Value.Transport);

    /// <summary>The timer's part, after the report of the month that ended is stored: email it unless it was sent,
    /// and retry earlier months whose send failed or was abandoned.</summary>
    public async Task DeliverScheduledAsync(CancellationToken cancellationToken)
    {
        var period = FinanceReportService.PreviousMonth(clock.GetUtcNow());
        if (Transport is null)
        {
            logger.LogInformation(
                "Finance mail is off (FinanceMail:Transport is None): report {Period} is stored, not emailed",
                period
            );
            return;
        }
        var now = clock.GetUtcNow();
        var periods = (await claims.UnsentAsync(Kind, cancellationToken))
            .Where(c => string.CompareOrdinal(c.RowKey, period) < 0)
            .Where(c => MailClaimRules.Decide(c, now, resend: false) == ClaimDecision.Claim)
            .Select(c => c.RowKey)
            .Order(StringComparer.Ordinal)
            .Append(period);
        foreach (var p in periods)
        {
            var request = new MailSendEntity { Trigger = MailTriggers.Timer, Transport = Transport.Kind.ToString() };
            await DeliverAsync(p, request, null, cancellationToken);
        }
    }

    /// <summary>An admin sends a period's email again, with a reason (audited before the message leaves).</summary>
    public async Task<Outcome<FinanceMailStatus>> ResendAsync(
        Caller caller,
        string? period,
        string? reason,
        CancellationToken cancellationToken
    )
    {
        if (policy.Administer(caller) is { } denied)
            return denied;
        var errors = new Dictionary<string, string[]>();
        if (!FinanceReportService.IsPeriod(period))
            errors["period"] = ["A month, yyyy-MM."];
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
            errors["reason"] = [$"Why the email is sent again: 1 to {MaxReasonLength} characters."];
        if (errors.Count > 0)
            return Problem.BadRequest("A resend needs a month and a reason.", errors);
        if (Transport is null)
            return Problem.NotConfigured("Finance mail is off: FinanceMail:Transport is None.");
        var request = new MailSendEntity
        {
            Trigger = MailTriggers.Resend,
            Transport = Transport.Kind.ToString(),
            Reason = reason!.Trim(),
            RequestedBy = caller.Actor,
        };
        (DeliveryResult result, MailSendEntity? claim) = await DeliverAsync(
            period!,
            request,
            async (c, ct) =>
            {
                // Through the outbox, written ahead of the send (an external effect no transaction holds) and
                // committed at once: the record says the resend was started, as it did when appended directly; its
                // key is the send's Message-ID, so a retried delivery of the entry records it once.
                var entry = outbox
                    .Entry()
                    .Audit(
                        new AuditEvent(
                            AuditActor.Person(caller.ObjectId, caller.Upn),
                            AuditEntity,
                            $"{Kind}:{period}",
                            "email-resend",
                            [
                                new FieldChange("reason", null, request.Reason),
                                new FieldChange("messageId", null, c.MessageId),
                                new FieldChange("recipients", null, string.Join(", ", options.Value.RecipientList)),
                                new FieldChange("transport", null, request.Transport),
                            ],
                            null
                        ),
                        "email-resend|" + c.MessageId
                    );
                await entry.WriteAheadAsync(ct);
                await entry.CommittedAsync(ct);
            },
            cancellationToken
        );
        return result switch
        {
            DeliveryResult.NotGenerated => Problem.NotFound($"There is no finance report {period} to email."),
            DeliveryResult.InProgress => Problem.Conflict($"The finance email {period} is being sent right now."),
            DeliveryResult.Failed => Problem.Unavailable(
                $"The finance email {period} was not accepted: {claim?.LastError} "
                    + "A report-delivery-failed finding was raised; the claim allows another resend.",
                TimeSpan.FromMinutes(5)
            ),
            _ => FinanceMailStatus.Of(claim!),
        };
    }

    public enum DeliveryResult
    {
        NotGenerated,
        AlreadySent,
        InProgress,
        TakenOver,
        Sent,
        Failed,
    }

    /// <summary>Claims the period's send, then sends with bounded retries and records the outcome.
    /// <paramref name="beforeSend"/> runs once the claim is held (the resend's audit record).</summary>
    public async Task<(DeliveryResult Result, MailSendEntity? Claim)> DeliverAsync(
        string period,
        MailSendEntity request,
        Func<MailSendEntity, CancellationToken, Task>? beforeSend,
        CancellationToken cancellationToken
    )
    {
        var o = options.Value;
        var transport = Transport ?? throw new InvalidOperationException("Finance mail is off.");
        var report = await finance.LoadAsync(period, cancellationToken);
        var workbook = report is null ? null : await reports.ReadAsync(Kind, period, WorkbookFile, cancellationToken);
        if (report is null || workbook is null)
        {
            logger.LogWarning("Finance email {Period}: the report is not stored; nothing sent", period);
            return (DeliveryResult.NotGenerated, null);
        }
        var (decision, claim) = await claims.TryClaimAsync(Kind, period, request, cancellationToken);
        if (decision != ClaimDecision.Claim)
        {
            logger.LogInformation("Finance email {Period}: {Decision}; not sent again", period, decision);
            return (
                decision == ClaimDecision.AlreadySent ? DeliveryResult.AlreadySent : DeliveryResult.InProgress,
                claim
            );
        }
        claim!.MessageId = FinanceMailComposer.MessageIdFor(Kind, period, claim.Sends + 1, o.Sender!);
        try
        {
            if (beforeSend is not null)
                await beforeSend(claim, cancellationToken);
        }
        catch (Exception ex)
        {
            // Nothing left: release the claim at once rather than at the lease's end.
            await claims.MarkFailedAsync(claim, 0, "Not sent: " + ex.Message, CancellationToken.None);
            throw;
        }
        var message = FinanceMailComposer.Compose(report, ReportCharts.Of(report), workbook, o, claim.MessageId);
        var error = "";
        var attempt = 0;
        while (attempt < o.MaxAttempts)
        {
            attempt++;
            if (!await claims.RenewAsync(claim, attempt, cancellationToken))
            {
                logger.LogWarning("Finance email {Period}: another run took the claim over; stopping", period);
                return (DeliveryResult.TakenOver, claim);
            }
            try
            {
                await transport.SendAsync(message, cancellationToken);
                await claims.MarkSentAsync(claim, attempt, cancellationToken);
                logger.LogInformation(
                    "Finance email {Period} sent through {Transport} to {Recipients} recipients ({MessageId}, "
                        + "attempt {Attempt}, send {Sends})",
                    period,
                    transport.Kind,
                    message.To.Count,
                    message.MessageId,
                    attempt,
                    claim.Sends
                );
                await findings.ReconcileAsync(
                    [FindingKinds.ReportDeliveryFailed],
                    [],
                    RunId(period),
                    cancellationToken,
                    [SubjectId(period)]
                );
                return (DeliveryResult.Sent, claim);
            }
            catch (MailDeliveryException ex)
            {
                error = ex.Message;
                logger.LogWarning(
                    ex,
                    "Finance email {Period}: attempt {Attempt} of {MaxAttempts} failed ({Permanent})",
                    period,
                    attempt,
                    o.MaxAttempts,
                    ex.Permanent ? "permanent" : "transient"
                );
                if (ex.Permanent)
                    break;
                if (attempt < o.MaxAttempts)
                {
                    var wait = MailClaimRules.RetryDelay(attempt, o, ex.RetryAfter);
                    if (ex.RetryAfter is not null)
                    {
                        logger.LogWarning(
                            "Finance email {Period}: the server asked to retry after {RetryAfter}; waiting {Wait}",
                            period,
                            ex.RetryAfter,
                            wait
                        );
                    }
                    await Task.Delay(wait, clock, cancellationToken);
                }
            }
        }
        await claims.MarkFailedAsync(claim, attempt, error, cancellationToken);
        await findings.RaiseAsync(
            new FindingCondition(
                FindingKinds.ReportDeliveryFailed,
                FindingSubjects.Report,
                SubjectId(period),
                FindingSeverity.High,
                null,
                $"The finance summary {period} could not be emailed through {transport.Kind} "
                    + $"({attempt} attempts): {error}",
                new Dictionary<string, string>
                {
                    ["period"] = period,
                    ["transport"] = transport.Kind.ToString(),
                    ["attempts"] = attempt.ToString(CultureInfo.InvariantCulture),
                    ["error"] = error.Length > 500 ? error[..500] : error,
                }
            ),
            RunId(period),
            cancellationToken
        );
        logger.LogError("Finance email {Period} gave up after {Attempts} attempts: {Error}", period, attempt, error);
        return (DeliveryResult.Failed, claim);
    }

    /// <summary>The finding subject of a period's email: <c>finance:yyyy-MM</c>.</summary>
    public static string SubjectId(string period) => $"{Kind}:{period}";

    private static string RunId(string period) => $"mail:{Kind}:{period}";
}
