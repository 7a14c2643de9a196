using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Reports.Mail;

/// <summary>The send claim of a report's email (table <c>mailsends</c>, PartitionKey = report kind, RowKey =
/// period): taken (insert, or replace under the row's ETag) before a message leaves, marked sent after. Only the run
/// whose insert or conditional replace succeeds sends: a second timer firing, a retried function or another instance
/// finds the claim and stops.</summary>
public sealed class MailSendEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    /// <summary><see cref="MailSendStatus"/> as text.</summary>
    public string Status { get; set; } = nameof(MailSendStatus.Sending);

    /// <summary>Until when a "sending" claim belongs to its run; a later run may take over an expired one.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Messages accepted by the server so far (1 after the scheduled send, +1 per resend).</summary>
    public int Sends { get; set; }

    /// <summary>Attempts of the current (or last) send.</summary>
    public int Attempts { get; set; }

    public string? MessageId { get; set; }
    public string? Transport { get; set; }

    /// <summary><c>timer</c> or <c>resend</c>.</summary>
    public string? Trigger { get; set; }
    public string? Reason { get; set; }
    public string? RequestedBy { get; set; }
    public DateTimeOffset? ClaimedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public string? LastError { get; set; }
}

public enum MailSendStatus
{
    Sending,
    Sent,
    Failed,
}

public enum ClaimDecision
{
    /// <summary>This run may send: no claim yet, a failed one, an expired "sending" one, or a resend of a sent one.
    /// </summary>
    Claim,

    /// <summary>Sent already; only an admin's resend sends again.</summary>
    AlreadySent,

    /// <summary>Another run holds a live claim.</summary>
    InProgress,
}

/// <summary>The claim rules, pure.</summary>
public static class MailClaimRules
{
    public static ClaimDecision Decide(MailSendEntity? claim, DateTimeOffset now, bool resend) =>
        claim switch
        {
            null => ClaimDecision.Claim,
            { Status: nameof(MailSendStatus.Sending) } when claim.LeaseUntil > now => ClaimDecision.InProgress,
            { Status: nameof(MailSendStatus.Sent) } when !resend => ClaimDecision.AlreadySent,
            _ => ClaimDecision.Claim,
        };

    /// <summary>The wait after <paramref name="failedAttempts"/> failed attempts: what the server asked for
    /// (<paramref name="retryAfter"/>, Graph's <c>Retry-After</c> on 429/503) when it did, else doubling from the
    /// first delay; never more than <see cref="FinanceMailOptions.MaxRetryDelay"/>, so one attempt and one wait stay
    /// within the claim's lease.</summary>
    public static TimeSpan RetryDelay(int failedAttempts, FinanceMailOptions options, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } asked)
            return asked < TimeSpan.Zero ? TimeSpan.Zero
                : asked < options.MaxRetryDelay ? asked
                : options.MaxRetryDelay;
        var factor = Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(options.RetryDelay.Ticks * factor, TimeSpan.MaxValue.Ticks));
        return delay < options.MaxRetryDelay ? delay : options.MaxRetryDelay;
    }
}

/// <summary>Claims in the <c>mailsends</c> table.</summary>
public sealed class MailSendClaims(InventoryStore store, TimeProvider clock, IOptions<FinanceMailOptions> options)
{
    private TableClient Table => store.MailSends;

    public Task<MailSendEntity?> FindAsync(string kind, string period, CancellationToken cancellationToken) =>
        Table.GetEntityIfExistsAsync<MailSendEntity>(kind, period, cancellationToken: cancellationToken).OrNull();

    /// <summary>Takes the claim when the rules allow it: the insert (no row yet) or the replace under the ETag read
    /// (any other row) is the one write that decides; a run that loses the race reads again and decides again.
    /// </summary>
    public async Task<(ClaimDecision Decision, MailSendEntity? Claim)> TryClaimAsync(
        string kind,
        string period,
        MailSendEntity request,
        CancellationToken cancellationToken
    )
    {
        var resend = request.Trigger == MailTriggers.Resend;
        for (var round = 0; round < 3; round++)
        {
            var existing = await FindAsync(kind, period, cancellationToken);
            var now = clock.GetUtcNow();
            var decision = MailClaimRules.Decide(existing, now, resend);
            if (decision != ClaimDecision.Claim)
                return (decision, existing);
            var claim = new MailSendEntity
            {
                PartitionKey = kind,
                RowKey = period,
                Status = nameof(MailSendStatus.Sending),
                LeaseUntil = now + options.Value.ClaimLease,
                Sends = existing?.Sends ?? 0,
                Attempts = 0,
                Transport = request.Transport,
                Trigger = request.Trigger,
                Reason = request.Reason,
                RequestedBy = request.RequestedBy,
                ClaimedAt = now,
                SentAt = existing?.SentAt,
                LastError = existing?.LastError,
            };
            try
            {
                var response = existing is null
                    ? await Table.AddEntityAsync(claim, cancellationToken)
                    : await Table.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                claim.ETag = response.Headers.ETag ?? default;
                return (ClaimDecision.Claim, claim);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another run inserted or changed the row between our read and our write: read again.
            }
        }
        return (ClaimDecision.InProgress, null);
    }

    /// <summary>Extends the lease before another attempt; false when another run has taken the claim over.</summary>
    public async Task<bool> RenewAsync(MailSendEntity claim, int attempt, CancellationToken cancellationToken)
    {
        claim.LeaseUntil = clock.GetUtcNow() + options.Value.ClaimLease;
        claim.Attempts = attempt;
        try
        {
            var response = await Table.UpdateEntityAsync(claim, claim.ETag, TableUpdateMode.Replace, cancellationToken);
            claim.ETag = response.Headers.ETag ?? default;
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Records the accepted message. Unconditional: the message has left, whatever another run did since.
    /// </summary>
    public async Task MarkSentAsync(MailSendEntity claim, int attempts, CancellationToken cancellationToken)
    {
        claim.Status = nameof(MailSendStatus.Sent);
        claim.Sends++;
        claim.Attempts = attempts;
        claim.SentAt = clock.GetUtcNow();
        claim.LeaseUntil = null;
        claim.LastError = null;
        var response = await Table.UpsertEntityAsync(claim, TableUpdateMode.Replace, cancellationToken);
        claim.ETag = response.Headers.ETag ?? default;
    }

    /// <summary>Records that the send gave up, under the claim's ETag (a run that took over meanwhile owns the row);
    /// the next timer run or a resend claims it again.</summary>
    public async Task MarkFailedAsync(
        MailSendEntity claim,
        int attempts,
        string error,
        CancellationToken cancellationToken
    )
    {
        claim.Status = nameof(MailSendStatus.Failed);
        claim.Attempts = attempts;
        claim.FailedAt = clock.GetUtcNow();
        claim.LeaseUntil = null;
        claim.LastError = error.Length > 1000 ? error[..1000] : error;
        try
        {
            var response = await Table.UpdateEntityAsync(claim, claim.ETag, TableUpdateMode.Replace, cancellationToken);
            claim.ETag = response.Headers.ETag ?? default;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412) { }
    }

    /// <summary>Claims of <paramref name="kind"/> not sent: what a later timer run retries.</summary>
    public async Task<List<MailSendEntity>> UnsentAsync(string kind, CancellationToken cancellationToken)
    {
        var rows = new List<MailSendEntity>();
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey eq {kind} and Status ne {nameof(MailSendStatus.Sent)}"
        );
        await foreach (var row in Table.QueryAsync<MailSendEntity>(filter, cancellationToken: cancellationToken))
            rows.Add(row);
        return rows;
    }
}

public static class MailTriggers
{
    public const string Timer = "timer";
    public const string Resend = "resend";
}
