namespace ItInventory.Functions.Findings;

/// <summary>
/// Every kind of finding the scans raise (kebab-case; docs/audits.md explains each kind, its setting and what clears
/// it). A finding's kind is the first part of its id and its table partition, so a kind name never changes once
/// findings of it exist.
/// </summary>
public static class FindingKinds
{
    // ---- reconciliation (issue 10 item 2) ----

    /// <summary>A retired, disposed or rejected asset still tried to check in (refused attempts were recorded).
    /// </summary>
    public const string RetiredCheckingIn = "retired-checking-in";

    /// <summary>A LAN sighting (MAC seen by agents) that matches no asset.</summary>
    public const string UnregisteredDevice = "unregistered-device";

    /// <summary>An asset still in the <c>Discovered</c> state N days after it was discovered (nobody reviewed it).
    /// </summary>
    public const string DiscoveredNotReviewed = "discovered-not-reviewed";

    /// <summary>An active, agent-managed asset silent for N days (default 30).</summary>
    public const string Missing = "missing";

    /// <summary>A deployed asset without owner, IT stakeholder or department (the facts name which).</summary>
    public const string OwnershipGap = "ownership-gap";

    /// <summary>The asset's owner has departed and the asset is still assigned to them.</summary>
    public const string DepartedOwner = "departed-owner";

    /// <summary>A licence seat is still assigned to a person who has departed.</summary>
    public const string DepartedSeatHolder = "departed-seat-holder";

    /// <summary>A licence product has more installations (or seats in use) than entitlements.</summary>
    public const string UnderLicensed = "under-licensed";

    /// <summary>A per-device licensed product is installed on an asset that holds no seat of it.</summary>
    public const string UnlicensedInstallation = "unlicensed-installation";

    /// <summary>An asset lacks category, location or criticality (the facts name which).</summary>
    public const string IncompleteClassification = "incomplete-classification";

    /// <summary>Two assets share a hardware identity (serial, SMBIOS UUID): a duplicate record or a cloned image.
    /// </summary>
    public const string DuplicateIdentity = "duplicate-identity";

    /// <summary>An enrollment or inventory reported identities that conflict with another asset's (a clone, a board
    /// with a shared UUID, a takeover attempt): the reporting asset was kept apart, not merged. Raised when it
    /// happens, never auto-resolved: a person decides (merge, reject, or resolve).</summary>
    public const string SuspectedDuplicate = "suspected-duplicate";

    /// <summary>A licence key (by its keyed hash) is installed on more than one asset: a retail or OEM key reused
    /// across machines. Volume keys (an allow-list of hashes, or a product with a site licence in force) are left out.
    /// </summary>
    public const string DuplicateLicenceKey = "duplicate-licence-key";

    /// <summary>An existing agent (GLPI, FusionInventory, OCS) other than the one pinned to a device credential used
    /// it: a cloned image or a copied configuration; its inventory was refused (functions/AgentProtocols).</summary>
    public const string AgentIdentityMismatch = "agent-identity-mismatch";

    // ---- idle assets and reclamation (item 3) ----

    /// <summary>An asset below the utilisation threshold for at least N days (default 60): reallocation candidate.
    /// </summary>
    public const string IdleAsset = "idle-asset";

    /// <summary>A deployed asset with no heartbeat utilisation data at all: no evidence either way.</summary>
    public const string NoUtilisationData = "no-utilisation-data";

    /// <summary>A licence seat whose holder has no matching installation: reclamation candidate.</summary>
    public const string UnusedSeat = "unused-seat";

    // ---- offline monitoring and threshold alerts (item 4) ----

    /// <summary>An asset's heartbeat is overdue by its expected interval × tolerance; its next check-in clears it.
    /// </summary>
    public const string Offline = "offline";

    /// <summary>A disk of the asset is fuller than the threshold (default 90 %).</summary>
    public const string DiskSpaceHigh = "disk-space-high";

    /// <summary>The asset's memory use has stayed above the threshold (sustained, not a spike).</summary>
    public const string MemorySustainedHigh = "memory-sustained-high";

    // ---- audit campaigns (item 5): discrepancies a closed campaign turns into findings ----

    /// <summary>An asset in the campaign's scope was marked missing by the auditor.</summary>
    public const string CampaignMissing = "campaign-missing";

    /// <summary>An asset was found somewhere other than its recorded location.</summary>
    public const string CampaignLocationMismatch = "campaign-location-mismatch";

    /// <summary>An asset was found in a condition that needs action (damaged, unusable).</summary>
    public const string CampaignConditionIssue = "campaign-condition-issue";

    /// <summary>A tag scanned during the campaign is outside its scope or unknown.</summary>
    public const string CampaignUnexpectedTag = "campaign-unexpected-tag";

    /// <summary>An asset of the campaign's sample was never recorded before the campaign closed.</summary>
    public const string CampaignNotAudited = "campaign-not-audited";

    // ---- reports (issue 13) ----

    /// <summary>A report's email (the monthly finance summary) was not accepted after its bounded retries; the next
    /// timer run or an admin's resend tries again, and a later successful send resolves it.</summary>
    public const string ReportDeliveryFailed = "report-delivery-failed";

    /// <summary>Every kind, in the order above: what the API accepts as <c>kind</c>.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RetiredCheckingIn,
        UnregisteredDevice,
        DiscoveredNotReviewed,
        Missing,
        OwnershipGap,
        DepartedOwner,
        DepartedSeatHolder,
        UnderLicensed,
        UnlicensedInstallation,
        IncompleteClassification,
        DuplicateIdentity,
        SuspectedDuplicate,
        DuplicateLicenceKey,
        AgentIdentityMismatch,
        IdleAsset,
        NoUtilisationData,
        UnusedSeat,
        Offline,
        DiskSpaceHigh,
        MemorySustainedHigh,
        CampaignMissing,
        CampaignLocationMismatch,
        CampaignConditionIssue,
        CampaignUnexpectedTag,
        CampaignNotAudited,
        ReportDeliveryFailed,
    ];

    private static readonly HashSet<string> Known = new(All, StringComparer.Ordinal);

    public static bool IsKnown(string? kind) => kind is not null && Known.Contains(kind);
}

/// <summary>What a finding is about (<c>FindingCondition.SubjectType</c>).</summary>
public static class FindingSubjects
{
    public const string Asset = "asset";
    public const string Person = "person";
    public const string Licence = "licence";
    public const string Sighting = "sighting";
    public const string Campaign = "campaign";

    /// <summary>A generated report, by <c>{kind}:{period}</c> (e.g. <c>finance:2026-10</c>).</summary>
    public const string Report = "report";

    public static IReadOnlyList<string> All { get; } = [Asset, Person, Licence, Sighting, Campaign, Report];

    public static bool IsKnown(string? type) => type is not null && All.Contains(type, StringComparer.Ordinal);
}
