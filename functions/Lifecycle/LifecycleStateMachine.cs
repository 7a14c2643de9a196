using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// The allowed lifecycle transitions of an asset: pure rules, no I/O. Every state change (API, import, review,
/// decommissioning, idle detection) asks this class first; what it refuses is a 409 with the allowed targets.
/// </summary>
public static class LifecycleStateMachine
{
    private static readonly Dictionary<LifecycleState, LifecycleState[]> Allowed = new()
    {
        // Review of what enrolled itself: approve into stock or straight into use, or reject.
        [LifecycleState.Discovered] = [LifecycleState.InStock, LifecycleState.Deployed, LifecycleState.Rejected],
        [LifecycleState.Ordered] = [LifecycleState.InStock, LifecycleState.Deployed, LifecycleState.Retired],
        [LifecycleState.InStock] = [LifecycleState.Deployed, LifecycleState.InRepair, LifecycleState.Retired],
        [LifecycleState.Deployed] =
        [
            LifecycleState.InStock,
            LifecycleState.InRepair,
            LifecycleState.Idle,
            LifecycleState.Retired,
        ],
        [LifecycleState.InRepair] = [LifecycleState.InStock, LifecycleState.Deployed, LifecycleState.Retired],
        [LifecycleState.Idle] =
        [
            LifecycleState.Deployed,
            LifecycleState.InStock,
            LifecycleState.InRepair,
            LifecycleState.Retired,
        ],
        // Retired → Disposed only through decommissioning (sanitisation and disposal records); un-retiring is allowed
        // until the asset's data has been sanitised (the decommissioning service enforces that part).
        [LifecycleState.Retired] = [LifecycleState.InStock, LifecycleState.Disposed],
        [LifecycleState.Disposed] = [],
        [LifecycleState.Rejected] = [],
    };

    /// <summary>States an asset created through the API (something without an agent) may start in.</summary>
    public static IReadOnlyList<LifecycleState> InitialStates { get; } =
    [LifecycleState.Ordered, LifecycleState.InStock, LifecycleState.Deployed];

    public static IReadOnlyList<LifecycleState> AllowedFrom(LifecycleState from) => Allowed[from];

    public static bool CanMove(LifecycleState from, LifecycleState to) => Allowed[from].Contains(to);

    /// <summary>The states <c>POST …/state</c> may move an asset to from <paramref name="from"/>: the allowed
    /// targets, without those that have their own endpoint (review: approve/reject; Disposed: the disposal record) and
    /// without InStock for a retired asset whose data has been sanitised. Pure, so the console offers the same.
    /// </summary>
    public static IReadOnlyList<LifecycleState> ManualTargets(LifecycleState from, bool sanitisationRecorded) =>
        from == LifecycleState.Discovered
            ? []
            : Allowed[from]
                .Where(to => to is not (LifecycleState.Rejected or LifecycleState.Disposed))
                .Where(to => !(from == LifecycleState.Retired && to == LifecycleState.InStock && sanitisationRecorded))
                .ToList();

    /// <summary>Terminal states: nothing changes an asset in them any more (check-ins are refused, edits
    /// too).</summary>
    public static bool IsTerminal(LifecycleState state) => Allowed[state].Length == 0;
}
