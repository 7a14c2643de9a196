using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Licences;

namespace ItInventory.Functions.Audits;

/// <summary>The idle scan's rules (docs/audits.md): pure, one summary row (or reclamation candidate) in, the
/// condition it shows out.</summary>
public static class IdleRules
{
    public static IReadOnlyList<string> AssetKinds { get; } = [FindingKinds.IdleAsset, FindingKinds.NoUtilisationData];

    /// <summary>Days in a row below the utilisation threshold, or null while the asset is in use (or was never
    /// measured).</summary>
    public static int? DaysIdle(AssetSummaryEntity a, DateTimeOffset now) =>
        DateOnly.TryParseExact(
            a.BelowThresholdSince,
            "yyyy-MM-dd",
            CultureInfo.InvariantCulture,
            DateTimeStyles.None,
            out var since
        )
            ? DateOnly.FromDateTime(now.UtcDateTime).DayNumber - since.DayNumber
            : null;

    /// <summary>Deployed (or already Idle) and below the utilisation threshold for <see cref="IdleOptions.Days"/>
    /// days or more: a reallocation candidate.</summary>
    public static FindingCondition? Idle(
        AssetSummaryEntity a,
        DateTimeOffset now,
        IdleOptions options,
        double cpuThresholdPercent
    )
    {
        if (a.State is not (nameof(LifecycleState.Deployed) or nameof(LifecycleState.Idle)))
            return null;
        if (DaysIdle(a, now) is not { } days || days < options.Days)
            return null;
        var owner = string.IsNullOrEmpty(a.Owner) ? "no owner" : "owner " + a.Owner;
        var department = string.IsNullOrEmpty(a.Department) ? "no department" : a.Department;
        var threshold = cpuThresholdPercent.ToString("0.#", CultureInfo.InvariantCulture);
        return ReconciliationRules.Asset(
            FindingKinds.IdleAsset,
            a,
            FindingSeverity.Low,
            // The start date, not a day count: the text stays the same while the asset stays idle (see Missing).
            $"Idle since {a.BelowThresholdSince} (below {threshold} % CPU, no interactive use, {options.Days} days or "
                + $"more); {owner}, {department}",
            ("belowThresholdSince", a.BelowThresholdSince!)
        );
    }

    /// <summary>A Deployed device (hardware or IoT) with no heartbeat data at all: no evidence either way.</summary>
    public static FindingCondition? NoUtilisationData(AssetSummaryEntity a)
    {
        if (a.State != nameof(LifecycleState.Deployed) || a.Kind == nameof(AssetKind.CloudResource))
            return null;
        if (a.LastHeartbeatAt is not null || !string.IsNullOrEmpty(a.UtilisationDay))
            return null;
        var why = a.EnrolledAt is null ? "no agent has enrolled it" : "its agent has sent no heartbeat";
        return ReconciliationRules.Asset(
            FindingKinds.NoUtilisationData,
            a,
            FindingSeverity.Info,
            $"Deployed with no utilisation data ({why})",
            ("enrolled", a.EnrolledAt is null ? "false" : "true")
        );
    }

    /// <summary>Reasons of reclamation that make a seat unused (a departed holder is its own kind,
    /// departed-seat-holder).</summary>
    public static bool IsUnused(string reason) =>
        reason is ReclaimReason.NoInstallation or ReclaimReason.AssetInactive or ReclaimReason.AssetUnknown;

    /// <summary>A seat reclamation would release because nothing uses it (subject: the seat).</summary>
    public static FindingCondition? UnusedSeat(ReclaimedSeat seat, int graceDays)
    {
        if (!IsUnused(seat.Reason))
            return null;
        var why = seat.Reason switch
        {
            ReclaimReason.NoInstallation => $"no matching installation for {graceDays} days or more",
            ReclaimReason.AssetInactive => "the asset holding it is retired, disposed or rejected",
            _ => "the asset holding it is not in the inventory",
        };
        return new FindingCondition(
            FindingKinds.UnusedSeat,
            "licence",
            ReconciliationRules.SeatSubject(seat.ProductId, seat.SeatId),
            FindingSeverity.Low,
            null,
            $"{seat.ProductName} seat of {seat.AssigneeKind} {seat.AssigneeId} is unused: {why}",
            ReconciliationRules.Facts(
                ("productId", seat.ProductId),
                ("seatId", seat.SeatId),
                ("holder", seat.AssigneeId),
                ("reason", seat.Reason)
            )
        );
    }
}
