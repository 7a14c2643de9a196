using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Kpis;

/// <summary>KPIs (docs/kpis.md): the daily snapshot timer (NCRONTAB app setting
/// <see cref="AppSettingNames.KpiSnapshotSchedule"/>; it snapshots the UTC day that ended last), the latest snapshot
/// with its month-over-month change, one KPI's series, and the administrators' backfill of past days.</summary>
public sealed class KpiFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    KpiQueries queries,
    KpiSnapshotService snapshots,
    ILogger<KpiFunctions> logger
)
{
    private const int MaxBodyBytes = 4 * 1024;

    [Function(nameof(KpiSnapshot))]
    public async Task KpiSnapshot(
        [TimerTrigger("%" + AppSettingNames.KpiSnapshotSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var run = await snapshots.SnapshotAsync(snapshots.Yesterday, KpiSnapshotService.TimerSource, cancellationToken);
        logger.LogInformation("Scheduled KPI snapshot of {Day}: {Scopes} scope(s)", run.Day, run.Scopes);
    }

    [Function(nameof(GetLatestKpis))]
    public async Task<IActionResult> GetLatestKpis(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kpis/latest")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        var department = request.Query.TryGetValue("department", out var d) ? d.ToString() : null;

        var latest = await queries.LatestAsync(caller, department, cancellationToken).OrThrow();
        return new JsonBodyResult<KpiLatest>(StatusCodes.Status200OK, latest, ApiJsonContext.Default.KpiLatest);
    }

    [Function(nameof(GetKpiSeries))]
    public async Task<IActionResult> GetKpiSeries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "kpis/series")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthenticateAsync(request).OrThrow();
        string? Get(string name) => request.Query.TryGetValue(name, out var v) ? v.ToString() : null;

        var series = await queries
            .SeriesAsync(caller, Get("kpi"), Get("from"), Get("to"), Get("department"), cancellationToken)
            .OrThrow();
        return new JsonBodyResult<KpiSeries>(StatusCodes.Status200OK, series, ApiJsonContext.Default.KpiSeries);
    }

    [Function(nameof(BackfillKpis))]
    public async Task<IActionResult> BackfillKpis(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "kpis/backfill")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();
        var body = await JsonBody
            .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.KpiBackfillRequest, cancellationToken)
            .OrThrow();

        var result = await snapshots.BackfillAsync(body, cancellationToken).OrThrow();
        return new JsonBodyResult<KpiBackfillResult>(
            StatusCodes.Status200OK,
            result,
            ApiJsonContext.Default.KpiBackfillResult
        );
    }
}
