// TEMPORARY: the findings contract as PREAMBLE states it, until branch `findings` has its findings-core commit.
namespace ItInventory.Functions.Findings;

public enum FindingSeverity { Info, Low, Medium, High }

public sealed record FindingCondition(
    string Kind, string SubjectType, string SubjectId, FindingSeverity Severity, string? Department, string Text,
    IReadOnlyDictionary<string, string>? Facts = null);

public sealed record FindingReconciliation(int Opened, int Reopened, int Confirmed, int AutoResolved);

public static class FindingKinds
{
    public const string Missing = "missing";
    public const string OwnershipGap = "ownership-gap";
    public const string DepartedHolder = "departed-holder";
    public const string IncompleteClassification = "incomplete-classification";
    public const string DuplicateIdentity = "duplicate-identity";
    public const string DiscoveredUnreviewed = "discovered-unreviewed";
    public const string UnregisteredDevice = "unregistered-device";
    public const string UnderLicensed = "under-licensed";
    public const string UnlicensedInstallation = "unlicensed-installation";
    public const string RetiredCheckingIn = "retired-checking-in";
    public const string Idle = "idle";
    public const string NoHeartbeatData = "no-heartbeat-data";
    public const string UnusedSeat = "unused-seat";
}

public sealed class FindingService
{
    public Task<FindingReconciliation> ReconcileAsync(IReadOnlyCollection<string> kinds,
        IReadOnlyCollection<FindingCondition> current, string runId, CancellationToken cancellationToken,
        IReadOnlyCollection<string>? subjectScope = null) => throw new NotImplementedException();
}

public sealed record ScanRun(string RunId);

public sealed class ScanRunStore
{
    public Task<ScanRun> StartAsync(string scanName, CancellationToken cancellationToken) =>
        throw new NotImplementedException();

    public Task CompleteAsync(ScanRun run, long rowsRead, FindingReconciliation findings, string? error,
        CancellationToken cancellationToken) => throw new NotImplementedException();
}
