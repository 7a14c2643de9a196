using System.Globalization;
using System.Text.RegularExpressions;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Tags;

namespace ItInventory.Functions.Campaigns;

/// <summary>A validated campaign definition.</summary>
public sealed record CampaignDefinition(
    string Name,
    ScopeKind Scope,
    string? ScopeValue,
    CampaignMode Mode,
    int? SampleSize,
    StratifyBy? StratifyBy,
    long? Seed
);

/// <summary>A validated scan: exactly one of tag and asset id.</summary>
public sealed record ScanInput(
    string? Tag,
    string? AssetId,
    ScanResult Result,
    string? Location,
    AssetCondition? Condition,
    string? Note
);

/// <summary>A discrepancy found at close: what becomes a finding.</summary>
public sealed record CampaignDiscrepancy(
    string Kind,
    string SubjectType,
    string SubjectId,
    string? AssetId,
    string? Tag,
    string? Department,
    string Text,
    IReadOnlyDictionary<string, string> Facts
);

/// <summary>The kinds of finding a campaign raises (the findings store's <see cref="FindingKinds"/>).</summary>
public static class CampaignFindingKinds
{
    /// <summary>An expected asset recorded missing.</summary>
    public const string Missing = FindingKinds.CampaignMissing;

    /// <summary>An expected asset never recorded before the close (counted as missing in the accuracy rate).</summary>
    public const string NotAudited = FindingKinds.CampaignNotAudited;

    /// <summary>Found somewhere else than its recorded location (or it has no recorded location).</summary>
    public const string LocationMismatch = FindingKinds.CampaignLocationMismatch;

    /// <summary>Found damaged or unusable.</summary>
    public const string Damaged = FindingKinds.CampaignConditionIssue;

    /// <summary>A scanned tag that is unknown, or an asset that is not in the campaign.</summary>
    public const string Unexpected = FindingKinds.CampaignUnexpectedTag;

    public static FindingSeverity Severity(string kind) =>
        kind switch
        {
            Missing => FindingSeverity.High,
            NotAudited => FindingSeverity.Medium,
            Damaged => FindingSeverity.Medium,
            Unexpected => FindingSeverity.Medium,
            _ => FindingSeverity.Low,
        };
}

/// <summary>The rules of audit campaigns, decided without I/O.</summary>
public static partial class CampaignRules
{
    public const int MaxSampleSize = 10_000;
    public const int MaxNameLength = 100;
    public const int MaxNoteLength = 500;
    public const long MaxSeed = (1L << 53) - 1;

    /// <summary>Lifecycle states of the assets a campaign expects: hardware that is ours and physically somewhere.
    /// Discovered (not reviewed), Ordered (not arrived), Disposed and Rejected assets are not expected.</summary>
    public static readonly IReadOnlySet<string> AuditedStates = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(LifecycleState.InStock),
        nameof(LifecycleState.Deployed),
        nameof(LifecycleState.InRepair),
        nameof(LifecycleState.Idle),
        nameof(LifecycleState.Retired),
    };

    /// <summary>Conditions that are a discrepancy.</summary>
    public static bool IsDamaged(string? condition) =>
        condition is nameof(AssetCondition.Damaged) or nameof(AssetCondition.Unusable);

    public static bool IsCampaignId(string? id) => id is not null && CampaignIdRegex().IsMatch(id);

    /// <summary>The wire name of an enum value (camel case: <c>InStock</c> → <c>inStock</c>, <c>Full</c> →
    /// <c>full</c>).</summary>
    public static string Wire<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    public static string? Wire(string? storedEnumName) =>
        storedEnumName is { Length: > 0 } s ? char.ToLowerInvariant(s[0]) + s[1..] : null;

    private static bool TryEnum<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return text is { Length: > 0 }
            && !char.IsDigit(text[0])
            && Enum.TryParse(text, ignoreCase: true, out value)
            && Enum.IsDefined(value);
    }

    public static Outcome<CampaignDefinition> Validate(CreateCampaignRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            errors["name"] = [$"A name of 1 to {MaxNameLength} characters."];
        }
        var scope = ScopeKind.All;
        if (body.Scope is null) { }
        else if (!TryEnum(body.Scope, out scope))
            errors["scope"] = ["One of all, department, location, category."];
        var scopeValue = body.ScopeValue?.Trim();
        if (scope == ScopeKind.All && !string.IsNullOrEmpty(scopeValue))
        {
            errors["scopeValue"] = ["Not with scope 'all'."];
        }
        else if (scope != ScopeKind.All && (string.IsNullOrEmpty(scopeValue) || scopeValue.Length > 64))
        {
            errors["scopeValue"] = [$"The {Wire(scope)} (1 to 64 characters) the campaign covers."];
        }
        if (!TryEnum(body.Mode, out CampaignMode mode))
            errors["mode"] = ["One of full, sample."];
        StratifyBy? stratify = null;
        if (mode == CampaignMode.Sample)
        {
            if (body.SampleSize is not { } size || size < 1 || size > MaxSampleSize)
            {
                errors["sampleSize"] = [$"A sample of 1 to {MaxSampleSize} assets."];
            }
            if (body.StratifyBy is null)
                stratify = StratifyBy.Department;
            else if (TryEnum(body.StratifyBy, out StratifyBy by))
                stratify = by;
            else
                errors["stratifyBy"] = ["One of department, category."];
            if (body.Seed is < 0 or > MaxSeed)
                errors["seed"] = ["A whole number from 0 to 2^53 − 1."];
        }
        else
        {
            if (body.SampleSize is not null)
                errors["sampleSize"] = ["Only with mode 'sample'."];
            if (body.StratifyBy is not null)
                errors["stratifyBy"] = ["Only with mode 'sample'."];
            if (body.Seed is not null)
                errors["seed"] = ["Only with mode 'sample'."];
        }
        if (errors.Count > 0)
            return Problem.BadRequest("The campaign is not valid.", errors);
        return new CampaignDefinition(
            name!,
            scope,
            scope == ScopeKind.All ? null : scopeValue,
            mode,
            mode == CampaignMode.Sample ? body.SampleSize : null,
            stratify,
            body.Seed
        );
    }

    public static Outcome<ScanInput> Validate(CampaignScanRequest body)
    {
        var errors = new Dictionary<string, string[]>();
        var hasTag = !string.IsNullOrEmpty(body.Tag);
        var hasId = !string.IsNullOrEmpty(body.AssetId);
        if (hasTag == hasId)
            errors["tag"] = ["Send exactly one of tag (what the label says) and assetId."];
        else if (hasTag && !AssetTagFormat.IsTag(body.Tag))
        {
            errors["tag"] =
            [
                "A tag is a prefix of 1–10 upper-case letters or digits, a hyphen and at least 6 digits "
                    + "(e.g. ITI-000123).",
            ];
        }
        else if (hasId && body.AssetId!.Length > 64)
            errors["assetId"] = ["At most 64 characters."];
        if (!TryEnum(body.Result, out ScanResult result))
            errors["result"] = ["One of found, missing."];
        AssetCondition? condition = null;
        if (body.Condition is not null)
        {
            if (TryEnum(body.Condition, out AssetCondition parsed))
                condition = parsed;
            else
                errors["condition"] = ["One of good, fair, damaged, unusable."];
        }
        if (result == ScanResult.Missing && (body.Location is not null || body.Condition is not null))
        {
            errors["result"] = ["A missing asset has no location or condition."];
        }
        if (body.Location is { } location && (location.Length is 0 or > 64))
        {
            errors["location"] = ["A location code (1 to 64 characters)."];
        }
        if (body.Note is { Length: > MaxNoteLength })
            errors["note"] = [$"At most {MaxNoteLength} characters."];
        if (errors.Count > 0)
            return Problem.BadRequest("The scan is not valid.", errors);
        return new ScanInput(
            hasTag ? body.Tag : null,
            hasId ? body.AssetId : null,
            result,
            body.Location,
            result == ScanResult.Found ? condition ?? AssetCondition.Good : null,
            body.Note
        );
    }

    /// <summary>
    /// Whether a found asset is where the records say: the auditor confirmed it (sent no location) or sent the recorded
    /// location's code. An asset without a recorded location is never "as recorded": there is nothing to confirm.
    /// </summary>
    public static bool LocationMatches(string? expectedLocation, string? observedLocation) =>
        expectedLocation is { Length: > 0 }
        && (observedLocation is null || string.Equals(observedLocation, expectedLocation, StringComparison.Ordinal));

    /// <summary>Counts over the expected rows and the unexpected scans. "Found as recorded" = found at the recorded
    /// location, whatever its condition.</summary>
    public static CampaignProgress Progress(
        IReadOnlyCollection<CampaignAssetEntity> assets,
        IReadOnlyCollection<CampaignUnexpectedEntity> unexpected
    )
    {
        var found = assets.Count(a => a.Result == nameof(ScanResult.Found));
        var missing = assets.Count(a => a.Result == nameof(ScanResult.Missing));
        return new CampaignProgress(
            Expected: assets.Count,
            Recorded: found + missing,
            Found: found,
            FoundAsRecorded: assets.Count(a => a.Result == nameof(ScanResult.Found) && a.LocationMatches == true),
            Missing: missing,
            LocationDifferent: assets.Count(a => a.Result == nameof(ScanResult.Found) && a.LocationMatches != true),
            Damaged: assets.Count(a => a.Result == nameof(ScanResult.Found) && IsDamaged(a.Condition)),
            Unexpected: unexpected.Count,
            Remaining: assets.Count - found - missing
        );
    }

    /// <summary>The inventory accuracy rate: expected assets found at their recorded location ÷ expected assets
    /// (assets never recorded count as missing). Null for a campaign without assets.</summary>
    public static double? AccuracyRate(CampaignProgress progress) =>
        progress.Expected == 0 ? null : Math.Round((double)progress.FoundAsRecorded / progress.Expected, 4);

    /// <summary>Every discrepancy of a campaign at close, per expected asset in id order — missing or never recorded
    /// (not audited), else location different and/or damaged — then the unexpected scans.</summary>
    public static IReadOnlyList<CampaignDiscrepancy> Discrepancies(
        string campaignId,
        IEnumerable<CampaignAssetEntity> assets,
        IEnumerable<CampaignUnexpectedEntity> unexpected
    )
    {
        var list = new List<CampaignDiscrepancy>();
        foreach (var a in assets.OrderBy(a => a.AssetId, StringComparer.Ordinal))
        {
            var facts = new Dictionary<string, string> { ["campaignId"] = campaignId, ["assetId"] = a.AssetId };
            if (a.Tag is not null)
                facts["tag"] = a.Tag;
            if (a.ExpectedLocation is not null)
                facts["expectedLocation"] = a.ExpectedLocation;
            var label = a.Tag ?? a.AssetId;
            if (a.Result != nameof(ScanResult.Found))
            {
                var never = a.Result != nameof(ScanResult.Missing);
                facts["recorded"] = never ? "never" : "missing";
                list.Add(
                    new CampaignDiscrepancy(
                        never ? CampaignFindingKinds.NotAudited : CampaignFindingKinds.Missing,
                        "asset",
                        a.AssetId,
                        a.AssetId,
                        a.Tag,
                        a.Department,
                        never
                            ? $"{label} was not found in campaign {campaignId}: never recorded before the close"
                            : $"{label} was recorded missing in campaign {campaignId} by {a.RecordedBy}",
                        facts
                    )
                );
                continue;
            }
            if (a.LocationMatches != true)
            {
                var where = a.Location ?? "(no location given)";
                list.Add(
                    new CampaignDiscrepancy(
                        CampaignFindingKinds.LocationMismatch,
                        "asset",
                        a.AssetId,
                        a.AssetId,
                        a.Tag,
                        a.Department,
                        $"{label} found at {where}, recorded at {a.ExpectedLocation ?? "(no location)"} "
                            + $"(campaign {campaignId})",
                        new Dictionary<string, string>(facts) { ["location"] = where }
                    )
                );
            }
            if (IsDamaged(a.Condition))
            {
                list.Add(
                    new CampaignDiscrepancy(
                        CampaignFindingKinds.Damaged,
                        "asset",
                        a.AssetId,
                        a.AssetId,
                        a.Tag,
                        a.Department,
                        $"{label} found {Wire(a.Condition)} (campaign {campaignId})",
                        new Dictionary<string, string>(facts) { ["condition"] = Wire(a.Condition)! }
                    )
                );
            }
        }
        foreach (var u in unexpected.OrderBy(u => u.RowKey, StringComparer.Ordinal))
        {
            var facts = new Dictionary<string, string> { ["campaignId"] = campaignId, ["reason"] = u.Reason };
            if (u.Tag is not null)
                facts["tag"] = u.Tag;
            if (u.AssetId is not null)
                facts["assetId"] = u.AssetId;
            if (u.Location is not null)
                facts["location"] = u.Location;
            var label = u.Tag ?? u.AssetId;
            var text =
                u.Reason == UnexpectedReason.UnknownTag
                    ? $"Tag {label} is known to no asset; scanned at {u.Location ?? "(no location given)"} "
                        + $"(campaign {campaignId})"
                    : $"{label} was scanned at {u.Location ?? "(no location given)"} but is not in campaign "
                        + $"{campaignId}";
            // A known asset is the subject; an unknown tag is a subject of its own within the campaign.
            list.Add(
                u.AssetId is not null
                    ? new CampaignDiscrepancy(
                        CampaignFindingKinds.Unexpected,
                        "asset",
                        u.AssetId,
                        u.AssetId,
                        u.Tag,
                        u.Department,
                        text,
                        facts
                    )
                    : new CampaignDiscrepancy(
                        CampaignFindingKinds.Unexpected,
                        "campaign",
                        $"{campaignId}:{u.Tag}",
                        null,
                        u.Tag,
                        null,
                        text,
                        facts
                    )
            );
        }
        return list;
    }

    /// <summary>Parses a scope setting: <c>all</c>, or <c>department:Finance</c>, <c>location:hq</c>,
    /// <c>category:laptops</c>.</summary>
    public static bool TryParseScope(string? text, out ScopeKind scope, out string? value)
    {
        scope = ScopeKind.All;
        value = null;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var parts = text.Split(':', 2, StringSplitOptions.TrimEntries);
        if (!TryEnum(parts[0], out scope))
            return false;
        if (scope == ScopeKind.All)
            return parts.Length == 1;
        value = parts.Length == 2 && parts[1].Length is > 0 and <= 64 ? parts[1] : null;
        return value is not null;
    }

    /// <summary>Parses a months setting (<c>1,4,7,10</c>; empty = never).</summary>
    public static bool TryParseMonths(string? text, out IReadOnlySet<int> months)
    {
        var set = new HashSet<int>();
        months = set;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 12)
            {
                return false;
            }
            set.Add(m);
        }
        return true;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{2,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex CampaignIdRegex();
}

public static class UnexpectedReason
{
    public const string UnknownTag = "unknown-tag";
    public const string NotInCampaign = "not-in-campaign";
}
