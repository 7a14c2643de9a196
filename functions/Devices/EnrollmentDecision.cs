using ItInventory.Functions.Assets;

namespace ItInventory.Functions.Devices;

/// <summary>What an enrollment does with the identities it was sent.</summary>
public enum EnrollmentPath
{
    /// <summary>No identity is known: a new asset claims them all.</summary>
    Create,

    /// <summary>The strong identities agree with one asset (a reimage): a new credential for it, the old one stops
    /// working.</summary>
    ReEnroll,

    /// <summary>The identities conflict with existing assets, or only a MAC matched: a new <c>Discovered</c> asset,
    /// marked as a suspected duplicate, claims only identities nobody holds; the existing assets are not
    /// touched.</summary>
    Review,
}

/// <param name="AssetId">The asset to re-enroll (<see cref="EnrollmentPath.ReEnroll"/> only).</param>
/// <param name="ClaimKeys">Index keys to claim: only identities no asset holds, most trusted first.</param>
/// <param name="SuspectedDuplicateOf">For <see cref="EnrollmentPath.Review"/>: the assets the new one may
/// duplicate, sorted.</param>
/// <param name="Reasons">Why, for people (history, audit, finding).</param>
public sealed record EnrollmentDecision(
    EnrollmentPath Path,
    string? AssetId,
    IReadOnlyList<IdentityKey> ClaimKeys,
    IReadOnlyList<string> SuspectedDuplicateOf,
    IReadOnlyList<string> Reasons
);

/// <summary>
/// The enrollment identity rules, pure (no I/O). Re-enrollment onto an existing asset happens only when the strong
/// identities sent all point at that one asset and agree with what it records:
/// <list type="bullet">
/// <item>no hardware identity (SMBIOS UUID, serial, cloud instance, disk serial) sent differs from the asset's;</item>
/// <item>the request carries the asset's SMBIOS UUID, serial and cloud instance id, where it has them — the agent
/// reads them from the same hardware, so a reimage sends them all, while someone who learned one of them (a UUID
/// from a report, a MAC from the LAN) cannot take the asset over with it;</item>
/// <item>machine-id and MachineGuid may differ (a reimage regenerates them) as long as a hardware identity matches;
/// when the match rests on them alone, every hardware identity both sides have must agree (a cloned image copies
/// them, its serial differs).</item>
/// </list>
/// A MAC alone never re-enrolls: it only suggests a duplicate for review. Anything else that matches goes to review.
/// </summary>
public static class EnrollmentRules
{
    /// <param name="sent">The normalised identity of the request.</param>
    /// <param name="holders">Index key → the asset holding it, for every key of <paramref name="sent"/> that is
    /// held.</param>
    /// <param name="stored">The identity recorded on the asset the strong identities point at, when they point at
    /// exactly one (null otherwise, or when it no longer exists).</param>
    public static EnrollmentDecision Decide(
        HardwareIdentity sent,
        IReadOnlyDictionary<string, string> holders,
        HardwareIdentity? stored
    )
    {
        var unheld = sent.Keys.Where(k => !holders.ContainsKey(k.Key)).ToList();
        var strongHolders = sent
            .StrongKeys.Where(k => holders.ContainsKey(k.Key))
            .GroupBy(k => holders[k.Key], StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var macHolders = sent
            .MacAddresses.Select(m => new IdentityKey(IdentityKind.Mac, m))
            .Where(k => holders.ContainsKey(k.Key))
            .GroupBy(k => holders[k.Key], StringComparer.Ordinal)
            .ToList();

        if (strongHolders.Count == 0)
        {
            if (macHolders.Count == 0)
                return new(EnrollmentPath.Create, null, unheld, [], []);
            return Review(
                unheld,
                macHolders.Select(g => g.Key),
                macHolders.Select(g =>
                    $"{Labels(g)} {(g.Count() == 1 ? "is" : "are")} held by asset {g.Key}, and no strong identity "
                    + "matched it: a MAC alone never re-enrolls onto an existing asset"
                )
            );
        }

        if (strongHolders.Count > 1)
        {
            return Review(
                unheld,
                strongHolders.Select(g => g.Key).Concat(macHolders.Select(g => g.Key)),
                [
                    "The identities sent point at different assets: "
                        + string.Join("; ", strongHolders.Select(g => $"{Labels(g)} → asset {g.Key}")),
                ]
            );
        }

        var assetId = strongHolders[0].Key;
        var matched = strongHolders[0].ToList();
        if (stored is null)
            return Review(unheld, [assetId], [$"{Labels(matched)} → asset {assetId}, whose record was not found"]);

        var reasons = Conflicts(sent, stored, matched).ToList();
        if (reasons.Count > 0)
        {
            var matchedText = $"{Labels(matched)} {(matched.Count == 1 ? "matches" : "match")} asset {assetId}";
            return Review(unheld, [assetId], reasons.Select(r => $"{matchedText}, but {r}"));
        }
        return new(EnrollmentPath.ReEnroll, assetId, unheld, [], []);
    }

    private static IEnumerable<string> Conflicts(
        HardwareIdentity sent,
        HardwareIdentity stored,
        IReadOnlyList<IdentityKey> matched
    )
    {
        var hardwareMatched = matched.Any(k => !k.IsOsInstall);
        foreach (
            var kind in new[]
            {
                IdentityKind.Uuid,
                IdentityKind.Serial,
                IdentityKind.CloudInstance,
                IdentityKind.DiskSerial,
                IdentityKind.MachineGuid,
                IdentityKind.MachineId,
            }
        )
        {
            var (mine, theirs) = (sent.ValueOf(kind), stored.ValueOf(kind));
            var label = new IdentityKey(kind, "").Label.TrimEnd();
            if (mine is not null && theirs is not null && mine != theirs)
            {
                // A reimage regenerates the OS install's ids; a matching hardware identity vouches for it.
                if (new IdentityKey(kind, mine).IsOsInstall && hardwareMatched)
                    continue;
                yield return $"its {label} {Display(kind, theirs)} differs from the one sent ({Display(kind, mine)})";
            }
            else if (
                mine is null
                && theirs is not null
                && kind is IdentityKind.Uuid or IdentityKind.Serial or IdentityKind.CloudInstance
            )
            {
                yield return $"the request does not carry its {label}, which a reimage would send";
            }
        }
    }

    private static string Display(IdentityKind kind, string value) =>
        kind == IdentityKind.CloudInstance ? value.Replace('|', ' ') : value;

    private static string Labels(IEnumerable<IdentityKey> keys) => string.Join(", ", keys.Select(k => k.Label));

    private static EnrollmentDecision Review(
        IReadOnlyList<IdentityKey> unheld,
        IEnumerable<string> duplicates,
        IEnumerable<string> reasons
    ) =>
        new(
            EnrollmentPath.Review,
            null,
            unheld,
            duplicates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            reasons.ToList()
        );
}
