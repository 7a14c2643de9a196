using System.Globalization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;

namespace ItInventory.Functions.Audits;

/// <summary>What the reconciliation rules know besides the row in hand: the time, the thresholds and the people who
/// left (object id → display name).</summary>
public sealed record ReconciliationContext(
    DateTimeOffset Now,
    ReconciliationOptions Options,
    IReadOnlyDictionary<string, string> Departed
)
{
    public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);
}

/// <summary>
/// The reconciliation's detection rules (docs/audits.md): pure, one summary row (or sighting, seat, product) in,
/// the conditions it shows out. The scanner feeds them and hands their output to the findings store, which opens,
/// confirms and auto-resolves.
/// </summary>
public static class ReconciliationRules
{
    /// <summary>The kinds <see cref="ForAsset"/> decides for every asset (a full pass reconciles all of
    /// them).</summary>
    public static IReadOnlyList<string> AssetKinds { get; } =
    [
        FindingKinds.Missing,
        FindingKinds.OwnershipGap,
        FindingKinds.IncompleteClassification,
        FindingKinds.DiscoveredNotReviewed,
        FindingKinds.RetiredCheckingIn,
        FindingKinds.DepartedOwner,
    ];

    /// <summary>States of an asset that is gone (no longer expected to check in or to be owned).</summary>
    public static bool IsGone(string state) =>
        state is nameof(LifecycleState.Retired) or nameof(LifecycleState.Disposed) or nameof(LifecycleState.Rejected);

    /// <summary>An agent put it in the inventory (it enrolled) and it can still check in.</summary>
    public static bool IsAgentManaged(AssetSummaryEntity a) =>
        a.EnrolledAt is not null && !string.IsNullOrEmpty(a.CredentialHash) && !a.CredentialRevoked;

    public static IEnumerable<FindingCondition> ForAsset(AssetSummaryEntity a, ReconciliationContext context)
    {
        if (Missing(a, context) is { } missing)
            yield return missing;
        if (OwnershipGap(a) is { } gap)
            yield return gap;
        if (IncompleteClassification(a) is { } incomplete)
            yield return incomplete;
        if (DiscoveredUnreviewed(a, context) is { } unreviewed)
            yield return unreviewed;
        if (RetiredCheckingIn(a, context) is { } calling)
            yield return calling;
        if (OwnerDeparted(a, context) is { } departed)
            yield return departed;
    }

    /// <summary>Deployed, Idle or Discovered, enrolled by an agent, and silent for
    /// <see cref="ReconciliationOptions.MissingAfterDays"/> days or more.</summary>
    public static FindingCondition? Missing(AssetSummaryEntity a, ReconciliationContext context)
    {
        if (
            a.State
                is not (
                    nameof(LifecycleState.Deployed)
                    or nameof(LifecycleState.Idle)
                    or nameof(LifecycleState.Discovered)
                )
            || !IsAgentManaged(a)
        )
        {
            return null;
        }
        var lastSeen = a.LastSeenAt ?? a.EnrolledAt!.Value;
        var days = (int)Math.Floor((context.Now - lastSeen).TotalDays);
        if (days < context.Options.MissingAfterDays)
            return null;
        return Asset(
            FindingKinds.Missing,
            a,
            FindingSeverity.Medium,
            // Dates, not day counts: a standing finding's text stays the same from one daily run to the next, so
            // confirming it writes nothing (FindingService); readers work out the age from the date.
            $"Not seen since {Day(lastSeen)} ({context.Options.MissingAfterDays} days or more); state {a.State}",
            ("lastSeenAt", lastSeen.ToString("O", CultureInfo.InvariantCulture))
        );
    }

    /// <summary>Deployed without an owner, an IT stakeholder or a department.</summary>
    public static FindingCondition? OwnershipGap(AssetSummaryEntity a)
    {
        if (a.State != nameof(LifecycleState.Deployed))
            return null;
        var missing = new List<string>();
        if (string.IsNullOrEmpty(a.Owner))
            missing.Add("owner");
        if (string.IsNullOrEmpty(a.ItStakeholder))
            missing.Add("IT stakeholder");
        if (string.IsNullOrEmpty(a.Department))
            missing.Add("department");
        if (missing.Count == 0)
            return null;
        return Asset(
            FindingKinds.OwnershipGap,
            a,
            FindingSeverity.Low,
            $"Deployed without {string.Join(", ", missing)}",
            ("missing", string.Join(',', missing))
        );
    }

    /// <summary>In the inventory (not gone, not awaiting review) without a category, a location or a
    /// criticality.</summary>
    public static FindingCondition? IncompleteClassification(AssetSummaryEntity a)
    {
        if (IsGone(a.State) || a.State == nameof(LifecycleState.Discovered))
            return null;
        var missing = new List<string>();
        if (string.IsNullOrEmpty(a.Category))
            missing.Add("category");
        if (string.IsNullOrEmpty(a.Location))
            missing.Add("location");
        if (string.IsNullOrEmpty(a.Criticality) || a.Criticality == nameof(Criticality.Unassigned))
        {
            missing.Add("criticality");
        }
        if (missing.Count == 0)
            return null;
        return Asset(
            FindingKinds.IncompleteClassification,
            a,
            FindingSeverity.Low,
            $"No {string.Join(", ", missing)}",
            ("missing", string.Join(',', missing))
        );
    }

    /// <summary>Discovered (enrolled itself) and neither approved nor rejected
    /// <see cref="ReconciliationOptions.DiscoveredReviewDays"/> days after enrolling.</summary>
    public static FindingCondition? DiscoveredUnreviewed(AssetSummaryEntity a, ReconciliationContext context)
    {
        if (a.State != nameof(LifecycleState.Discovered))
            return null;
        var since = a.EnrolledAt ?? a.LastSeenAt;
        if (since is null)
            return null;
        var days = (int)Math.Floor((context.Now - since.Value).TotalDays);
        if (days < context.Options.DiscoveredReviewDays)
            return null;
        return Asset(
            FindingKinds.DiscoveredNotReviewed,
            a,
            FindingSeverity.Low,
            $"Enrolled itself on {Day(since.Value)} and not reviewed within "
                + $"{context.Options.DiscoveredReviewDays} days",
            ("enrolledAt", since.Value.ToString("O", CultureInfo.InvariantCulture))
        );
    }

    /// <summary>Retired, disposed or rejected, and a check-in of it was refused within
    /// <see cref="ReconciliationOptions.RefusedCheckinWindowDays"/> days.</summary>
    public static FindingCondition? RetiredCheckingIn(AssetSummaryEntity a, ReconciliationContext context)
    {
        if (
            !IsGone(a.State)
            || !DateOnly.TryParseExact(
                a.RefusedCheckinOn,
                "yyyy-MM-dd",
                CultureInfo.InvariantCulture,
                DateTimeStyles.None,
                out var refused
            )
        )
        {
            return null;
        }
        if (context.Today.DayNumber - refused.DayNumber >= context.Options.RefusedCheckinWindowDays)
            return null;
        return Asset(
            FindingKinds.RetiredCheckingIn,
            a,
            FindingSeverity.High,
            $"{a.State} but still checking in (last refused check-in {a.RefusedCheckinOn})",
            ("refusedCheckinOn", a.RefusedCheckinOn!)
        );
    }

    /// <summary>Still assigned (not gone) to an owner who has left.</summary>
    public static FindingCondition? OwnerDeparted(AssetSummaryEntity a, ReconciliationContext context)
    {
        if (
            IsGone(a.State)
            || string.IsNullOrEmpty(a.Owner)
            || !context.Departed.TryGetValue(a.Owner.ToLowerInvariant(), out var name)
        )
        {
            return null;
        }
        return Asset(
            FindingKinds.DepartedOwner,
            a,
            FindingSeverity.High,
            $"{a.State}, assigned to {name}, who has left",
            ("holder", a.Owner)
        );
    }

    /// <summary>A licence seat held by a person who has left (subject: the seat, <c>productId:seatId</c>).</summary>
    public static FindingCondition? SeatHolderDeparted(
        string productId,
        string productName,
        string seatId,
        string personId,
        ReconciliationContext context
    )
    {
        if (!context.Departed.TryGetValue(personId.ToLowerInvariant(), out var name))
            return null;
        return new FindingCondition(
            FindingKinds.DepartedSeatHolder,
            "licence",
            SeatSubject(productId, seatId),
            FindingSeverity.Medium,
            null,
            $"A {productName} seat is assigned to {name}, who has left",
            Facts(("productId", productId), ("seatId", seatId), ("holder", personId))
        );
    }

    /// <summary>A LAN neighbour no asset claims, seen within <see cref="ReconciliationOptions.SightingWindowDays"/>
    /// days (subject: the MAC).</summary>
    public static FindingCondition? UnregisteredDevice(
        string mac,
        DateTimeOffset lastSeenAt,
        string? lastIp,
        string? seenBy,
        bool knownAsset,
        ReconciliationContext context
    )
    {
        if (knownAsset || (context.Now - lastSeenAt).TotalDays >= context.Options.SightingWindowDays)
            return null;
        var where = lastIp is null ? "" : $" at {lastIp}";
        return new FindingCondition(
            FindingKinds.UnregisteredDevice,
            "sighting",
            mac,
            FindingSeverity.Medium,
            null,
            $"Unregistered device {mac}{where} seen on {Day(lastSeenAt)}",
            Facts(
                ("mac", mac),
                ("lastSeenAt", lastSeenAt.ToString("O", CultureInfo.InvariantCulture)),
                ("lastIp", lastIp ?? ""),
                ("seenBy", seenBy ?? "")
            )
        );
    }

    /// <summary>A licence product whose installations exceed its purchased seats (subject: the product).</summary>
    public static FindingCondition? UnderLicensed(
        string productId,
        string productName,
        string status,
        int installations,
        int? purchasedSeats,
        int shortfall
    )
    {
        if (status != nameof(Licences.ComplianceStatus.UnderLicensed))
            return null;
        return new FindingCondition(
            FindingKinds.UnderLicensed,
            "licence",
            productId,
            FindingSeverity.High,
            null,
            $"{productName}: {installations} installations for {purchasedSeats ?? 0} seats (short {shortfall})",
            Facts(
                ("installations", Number(installations)),
                ("purchasedSeats", Number(purchasedSeats ?? 0)),
                ("shortfall", Number(shortfall))
            )
        );
    }

    /// <summary>An active asset with per-device products installed that hold no seat for it (subject: the asset;
    /// one finding listing the products).</summary>
    public static FindingCondition? UnlicensedInstallation(AssetSummaryEntity a, IReadOnlyCollection<string> products)
    {
        if (products.Count == 0 || IsGone(a.State))
            return null;
        var names = products.Order(StringComparer.OrdinalIgnoreCase).ToList();
        return Asset(
            FindingKinds.UnlicensedInstallation,
            a,
            FindingSeverity.Medium,
            $"Installed without a seat: {string.Join(", ", names)}",
            ("products", string.Join('|', names))
        );
    }

    /// <summary>Subject id of a licence seat: product and seat.</summary>
    public static string SeatSubject(string productId, string seatId) => productId + ":" + seatId;

    internal static FindingCondition Asset(
        string kind,
        AssetSummaryEntity a,
        FindingSeverity severity,
        string text,
        params (string Key, string Value)[] facts
    )
    {
        var label =
            a.Tag is { Length: > 0 } tag ? tag
            : a.Name is { Length: > 0 } name ? name
            : a.RowKey;
        var all = facts.Append(("asset", label));
        if (a.Owner is { Length: > 0 } owner)
            all = all.Append(("owner", owner));
        return new FindingCondition(
            kind,
            "asset",
            a.RowKey,
            severity,
            NullIfEmpty(a.Department),
            $"{label}: {text}",
            Facts(all.ToArray())
        );
    }

    internal static IReadOnlyDictionary<string, string> Facts(params (string Key, string Value)[] facts) =>
        facts.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    internal static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Day(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
