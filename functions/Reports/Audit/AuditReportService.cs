using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Reports.Audit;

/// <summary>
/// The audit report on demand. A request is validated, recorded (table <c>auditreports</c>, status Pending) and
/// queued; the worker claims it (Running, If-Match), generates it from the state as of the period end, writes its
/// files to <c>reports/audit/{id}/</c> with their index row (kind <c>audit</c>, period = the id, so the report list
/// and download endpoints serve it) and marks it Done. A request id makes a retry answer the same report; a queue
/// redelivery of a finished report writes nothing.
/// </summary>
public sealed class AuditReportService(
    TableServiceClient tables,
    InventoryStore store,
    IOptions<InventoryStorageOptions> options,
    AuditReportSource source,
    ReportStore reports,
    AccessPolicy policy,
    TimeProvider clock,
    ILogger<AuditReportService> logger
)
{
    public const string Kind = "audit";

    /// <summary>Deliveries of one message before the report is marked failed (host.json
    /// <c>queues.maxDequeueCount</c>).</summary>
    public const int MaxAttempts = 5;

    private readonly TableClient jobs = tables.GetTableClient(options.Value.AuditReportsTable);
    private readonly QueueClient queue = store.AuditReportQueue;

    public static string Location(string id) => $"/api/reports/audit/{id}";

    public async Task<Outcome<AuditReportView>> RequestAsync(
        Caller caller,
        AuditReportRequest request,
        CancellationToken cancellationToken
    )
    {
        if (policy.RunAudit(caller) is { } denied)
            return denied;
        var now = clock.GetUtcNow();
        var period = AuditReportRules.Period(request, DateOnly.FromDateTime(now.UtcDateTime));
        if (period.Failed)
            return period.Problem;
        var (from, to) = period.Value;
        var id = AuditReportRules.ReportId(caller.Actor, request.RequestId, now);
        var job = new AuditReportJobEntity
        {
            PartitionKey = id,
            From = AuditReportRules.Day(from),
            To = AuditReportRules.Day(to),
            RequestId = request.RequestId,
            RequestedAt = now,
            RequestedBy = caller.Actor,
        };
        try
        {
            await jobs.AddEntityAsync(job, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // The same request again (a retry): the report it asked for, never a second one.
            job = (
                await jobs.GetEntityAsync<AuditReportJobEntity>(id, AuditReportJobEntity.Row, null, cancellationToken)
            ).Value;
            if (job.From != AuditReportRules.Day(from) || job.To != AuditReportRules.Day(to))
            {
                return Problem.Conflict(
                    $"The request id '{request.RequestId}' was used for the report of {job.From} to {job.To}; "
                        + "use a new request id for another period."
                );
            }
            if (job.Status != nameof(AuditReportStatus.Pending))
                return View(job);
            // Still pending: the first attempt may have failed before its message was queued, so queue it again
            // (the worker does each report once whatever the number of messages).
        }
        await queue.SendMessageAsync(
            JsonSerializer.Serialize(new AuditReportMessage(id), ApiJsonContext.Default.AuditReportMessage),
            cancellationToken
        );
        logger.LogInformation(
            "Audit report {ReportId} ({From} to {To}) requested by {Actor}",
            id,
            job.From,
            job.To,
            caller.Actor
        );
        return View(job);
    }

    public async Task<Outcome<AuditReportView>> GetAsync(Caller caller, string id, CancellationToken cancellationToken)
    {
        if (policy.RunAudit(caller) is { } denied)
            return denied;
        var job = AuditReportRules.IsReportId(id) ? await FindAsync(id, cancellationToken) : null;
        return job is null ? Problem.NotFound($"There is no audit report '{id}'.") : View(job);
    }

    /// <summary>The worker: generates the report once. <paramref name="dequeueCount"/> is the message's delivery
    /// count; at the last one a failure is recorded as the report's status.</summary>
    public async Task ProcessAsync(string id, long dequeueCount, CancellationToken cancellationToken)
    {
        var job = AuditReportRules.IsReportId(id) ? await FindAsync(id, cancellationToken) : null;
        if (job is null)
        {
            logger.LogWarning("Audit report message names no requested report ({ReportId}); dropped", id);
            return;
        }
        if (job.Status is nameof(AuditReportStatus.Done) or nameof(AuditReportStatus.Failed))
        {
            logger.LogInformation("Audit report {ReportId} is {Status} already; nothing written", id, job.Status);
            return;
        }
        var started = clock.GetUtcNow();
        job.Status = nameof(AuditReportStatus.Running);
        job.Attempts++;
        job.StartedAt = started;
        try
        {
            var claimed = await jobs.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken);
            job.ETag = claimed.Headers.ETag ?? job.ETag;
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Another delivery claimed it first; that one finishes it (or is redelivered).
            logger.LogInformation("Audit report {ReportId} was claimed by another delivery", id);
            return;
        }

        try
        {
            var from = DateOnly.Parse(job.From, System.Globalization.CultureInfo.InvariantCulture);
            var to = DateOnly.Parse(job.To, System.Globalization.CultureInfo.InvariantCulture);
            var report = await source.BuildAsync(id, from, to, job.RequestedBy, started, cancellationToken);
            var files = AuditReportFiles.Render(report);
            // The blobs and the index row first: a crash after them redoes the same report (same names, same
            // numbers) on redelivery.
            await reports.WriteAsync(Kind, id, files, null, started, cancellationToken);
            job.Status = nameof(AuditReportStatus.Done);
            job.CompletedAt = clock.GetUtcNow();
            job.Error = null;
            job.Files = string.Join(",", files.Select(f => f.Name));
            await jobs.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken);
            logger.LogInformation(
                "Audit report {ReportId} ({From} to {To}) written: {Files} files in {Elapsed} ms",
                id,
                job.From,
                job.To,
                files.Count,
                (clock.GetUtcNow() - started).TotalMilliseconds
            );
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Audit report {ReportId} failed (delivery {DequeueCount})", id, dequeueCount);
            job.Status =
                dequeueCount >= MaxAttempts ? nameof(AuditReportStatus.Failed) : nameof(AuditReportStatus.Pending);
            job.Error = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
            try
            {
                await jobs.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException update)
            {
                logger.LogWarning(update, "Could not record the failure of audit report {ReportId}", id);
            }
            throw; // the queue redelivers it (until the poison queue)
        }
    }

    private Task<AuditReportJobEntity?> FindAsync(string id, CancellationToken cancellationToken) =>
        jobs.GetEntityIfExistsAsync<AuditReportJobEntity>(
                id,
                AuditReportJobEntity.Row,
                cancellationToken: cancellationToken
            )
            .OrNull();

    private static AuditReportView View(AuditReportJobEntity job) =>
        new(
            job.PartitionKey,
            job.Status,
            job.From,
            job.To,
            job.RequestedAt,
            job.RequestedBy,
            job.RequestId,
            job.Attempts,
            job.StartedAt,
            job.CompletedAt,
            job.Error,
            [
                .. job
                    .Files.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(f => new AuditReportFile(f, $"/api/reports/{Kind}/{job.PartitionKey}/{f}")),
            ]
        );
}
