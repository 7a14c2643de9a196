using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Audits;

/// <summary>
/// The daily idle scan (docs/audits.md): one <c>$select</c> pass over the summary rows (the utilisation aggregate
/// each heartbeat folds in, <c>BelowThresholdSince</c>) for idle assets and Deployed assets without heartbeat data;
/// licence reclamation's dry run for unused seats (its rules, not a copy of them). Optionally moves idle Deployed
/// assets to the lifecycle state Idle through <see cref="LifecycleService"/> (the one asset write path, audited as the
/// system job <see cref="Job"/>).
/// </summary>
public sealed class IdleScanner(
    InventoryStore store,
    LicenceReclamationService reclamation,
    LifecycleService lifecycle,
    FindingService findings,
    ScanRunStore runs,
    IOptions<IdleOptions> options,
    IOptions<CheckinOptions> checkins,
    IOptions<LicenceOptions> licenceOptions,
    TimeProvider clock,
    ILogger<IdleScanner> logger
)
{
    public const string ScanName = "idle";
    public const string Job = "idle-scan";

    public static IReadOnlyList<string> Kinds { get; } = [.. IdleRules.AssetKinds, FindingKinds.UnusedSeat];

    private static readonly string[] Columns =
    [
        "RowKey",
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Kind),
        nameof(AssetSummaryEntity.Name),
        nameof(AssetSummaryEntity.Tag),
        nameof(AssetSummaryEntity.Owner),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.EnrolledAt),
        nameof(AssetSummaryEntity.LastHeartbeatAt),
        nameof(AssetSummaryEntity.UtilisationDay),
        nameof(AssetSummaryEntity.BelowThresholdSince),
    ];

    public async Task<AuditRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        var run = await runs.StartAsync(ScanName, cancellationToken);
        var startedAt = clock.GetUtcNow();
        long rows = 0;
        try
        {
            var conditions = new List<FindingCondition>();
            var toMove = new List<string>();
            var threshold = checkins.Value.IdleCpuThresholdPercent;
            await foreach (
                var asset in store.Summaries.QueryAsync<AssetSummaryEntity>(
                    select: Columns,
                    cancellationToken: cancellationToken
                )
            )
            {
                if (!TableKeys.IsSummaryRow(asset.RowKey))
                    continue;
                rows++;
                if (IdleRules.Idle(asset, startedAt, options.Value, threshold) is { } idle)
                {
                    conditions.Add(idle);
                    if (asset.State == nameof(LifecycleState.Deployed))
                        toMove.Add(asset.RowKey);
                }
                if (IdleRules.NoUtilisationData(asset) is { } none)
                    conditions.Add(none);
            }

            var seats = await reclamation.ReclaimAsync(
                dryRun: true,
                AuditActor.System(Job),
                run.RunId,
                cancellationToken
            );
            rows += seats.SeatsEvaluated;
            conditions.AddRange(
                seats
                    .Released.Select(seat => IdleRules.UnusedSeat(seat, licenceOptions.Value.ReclaimGraceDays))
                    .OfType<FindingCondition>()
            );

            var result = await AuditScan.ReconcileAsync(findings, Kinds, conditions, run.RunId, cancellationToken);
            var moved = options.Value.MoveToIdleState ? await MoveAsync(toMove, run.RunId, cancellationToken) : 0;
            await runs.CompleteAsync(run, rows, result, null, cancellationToken);
            logger.LogInformation(
                "Idle scan {RunId} read {Rows} row(s): {Conditions} condition(s), {Moved} moved to Idle",
                run.RunId,
                rows,
                conditions.Count,
                moved
            );
            return new AuditRunSummary(
                run.RunId,
                ScanName,
                startedAt,
                clock.GetUtcNow(),
                rows,
                conditions.Count,
                result.Opened,
                result.Reopened,
                result.Confirmed,
                result.AutoResolved,
                moved
            );
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Idle scan {RunId} failed after {Rows} row(s)", run.RunId, rows);
            await runs.CompleteAsync(
                run,
                rows,
                new FindingReconciliation(0, 0, 0, 0),
                ex.Message,
                CancellationToken.None
            );
            throw;
        }
    }

    /// <summary>Deployed → Idle for each idle asset, under the ETag just read (a concurrent change wins: the asset
    /// is moved on a later run if still idle). A refusal is logged, not fatal.</summary>
    private async Task<int> MoveAsync(IReadOnlyList<string> assetIds, string runId, CancellationToken cancellationToken)
    {
        var caller = Caller.System(Job);
        var moved = 0;
        foreach (var assetId in assetIds)
        {
            var row = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                assetId,
                TableKeys.AssetDetailRow,
                ["State"],
                cancellationToken
            );
            if (!row.HasValue || row.Value is not { } detail)
                continue;
            var etag = detail.ETag.ToString();
            var result = await lifecycle.TransitionAsync(
                caller,
                assetId,
                etag,
                new LifecycleTransitionRequest
                {
                    To = nameof(LifecycleState.Idle),
                    Reason =
                        $"idle scan {runId}: below the utilisation threshold for {options.Value.Days} days or more",
                },
                runId,
                cancellationToken
            );
            if (result.Failed)
            {
                logger.LogWarning(
                    "Idle scan could not move {AssetId} to Idle: {Problem}",
                    assetId,
                    result.Problem.Detail
                );
            }
            else
            {
                moved++;
            }
        }
        return moved;
    }
}
