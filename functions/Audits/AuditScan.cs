using ItInventory.Functions.Findings;

namespace ItInventory.Functions.Audits;

/// <summary>What a scan run did: its id, the rows it read and what the findings store made of its conditions.</summary>
public sealed record AuditRunSummary(
    string RunId,
    string Scan,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long RowsRead,
    int Conditions,
    int Opened,
    int Reopened,
    int Confirmed,
    int AutoResolved,
    int MovedToIdle
);

/// <summary>Hands a scan's conditions to the findings store, one call per kind the scan decides (a kind with no
/// condition left is still reconciled: its open findings auto-resolve).</summary>
public static class AuditScan
{
    public static async Task<FindingReconciliation> ReconcileAsync(
        FindingService findings,
        IReadOnlyCollection<string> kinds,
        IReadOnlyCollection<FindingCondition> conditions,
        string runId,
        CancellationToken cancellationToken
    )
    {
        var byKind = conditions.ToLookup(c => c.Kind, StringComparer.Ordinal);
        var total = new FindingReconciliation(0, 0, 0, 0);
        foreach (var kind in kinds)
        {
            var result = await findings.ReconcileAsync([kind], byKind[kind].ToList(), runId, cancellationToken);
            total = new FindingReconciliation(
                total.Opened + result.Opened,
                total.Reopened + result.Reopened,
                total.Confirmed + result.Confirmed,
                total.AutoResolved + result.AutoResolved
            );
        }
        return total;
    }
}
