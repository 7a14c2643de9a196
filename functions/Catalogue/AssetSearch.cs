using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;

namespace ItInventory.Functions.Catalogue;

/// <summary>The filters of <c>GET /api/assets</c> and <c>GET /api/assets/export</c>, parsed and normalised.</summary>
public sealed record AssetFilter
{
    public AssetKind? Kind { get; init; }
    public AssetType? Type { get; init; }
    public string? Category { get; init; }
    public string? Department { get; init; }
    public string? Owner { get; init; }
    public LifecycleState? State { get; init; }
    public string? Location { get; init; }
    public Criticality? Criticality { get; init; }
    public string? Tag { get; init; }
    public DateTimeOffset? LastSeenFrom { get; init; }
    public DateTimeOffset? LastSeenTo { get; init; }
    public bool? NeedsReview { get; init; }
}

public sealed partial record AssetListItem
{
    public static AssetListItem From(AssetSummaryEntity s) =>
        new(
            s.RowKey,
            s.Name,
            s.Tag,
            s.Kind,
            s.Type,
            NullIfEmpty(s.Category),
            s.State,
            NullIfEmpty(s.Owner),
            NullIfEmpty(s.Department),
            NullIfEmpty(s.Location),
            s.Criticality,
            s.LastSeenAt,
            s.NeedsReview
        );

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>
/// Query parsing, access scoping, Table filter building and continuation tokens of the asset search — pure code.
/// Filters are built only with <see cref="TableClient.CreateQueryFilter(FormattableString)"/>, which quotes every
/// value.
/// </summary>
public static class AssetSearch
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static readonly string[] FilterParameters =
    [
        "kind",
        "type",
        "category",
        "department",
        "owner",
        "state",
        "location",
        "criticality",
        "tag",
        "lastSeenFrom",
        "lastSeenTo",
        "needsReview",
    ];

    /// <summary>The summary columns a list shows ($select): a search never transfers credential or utilisation
    /// data.</summary>
    public static readonly string[] Select =
    [
        "RowKey",
        nameof(AssetSummaryEntity.Name),
        nameof(AssetSummaryEntity.Tag),
        nameof(AssetSummaryEntity.Kind),
        nameof(AssetSummaryEntity.Type),
        nameof(AssetSummaryEntity.Category),
        nameof(AssetSummaryEntity.State),
        nameof(AssetSummaryEntity.Owner),
        nameof(AssetSummaryEntity.Department),
        nameof(AssetSummaryEntity.Location),
        nameof(AssetSummaryEntity.Criticality),
        nameof(AssetSummaryEntity.LastSeenAt),
        nameof(AssetSummaryEntity.NeedsReview),
    ];

    /// <summary>Parses the query string. Unknown or repeated parameters, bad values and an empty range are errors
    /// (keyed by parameter name).</summary>
    public static Dictionary<string, string[]> Parse(
        IEnumerable<KeyValuePair<string, string[]>> query,
        IReadOnlyCollection<string> extraParameters,
        out AssetFilter filter
    )
    {
        var errors = new Dictionary<string, string[]>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, given) in query)
        {
            if (!FilterParameters.Contains(name, StringComparer.Ordinal) && !extraParameters.Contains(name))
                errors[name] = ["Unknown parameter."];
            else if (given.Length != 1)
                errors[name] = ["Give the parameter once."];
            else if (given[0] is { Length: > 0 } value)
                values[name] = value;
        }
        string? Get(string name) => values.GetValueOrDefault(name);
        void Error(string name, string message) => errors[name] = [message];

        filter = new AssetFilter();
        if (Get("kind") is { } kind)
        {
            if (Enum.TryParse<AssetKind>(kind, false, out var k) && !char.IsAsciiDigit(kind[0]) && Enum.IsDefined(k))
                filter = filter with { Kind = k };
            else
                Error("kind", $"Must be one of: {string.Join(", ", Enum.GetNames<AssetKind>())}.");
        }
        if (Get("type") is { } type)
        {
            if (TaxonomyRules.TryParseType(type, out var t))
                filter = filter with { Type = t };
            else
                Error("type", $"Must be one of: {string.Join(", ", Enum.GetNames<AssetType>())}.");
        }
        if (Get("state") is { } state)
        {
            if (
                Enum.TryParse<LifecycleState>(state, false, out var s)
                && !char.IsAsciiDigit(state[0])
                && Enum.IsDefined(s)
            )
                filter = filter with { State = s };
            else
                Error("state", $"Must be one of: {string.Join(", ", Enum.GetNames<LifecycleState>())}.");
        }
        if (Get("criticality") is { } criticality)
        {
            if (TaxonomyRules.TryParseCriticality(criticality, out var c))
                filter = filter with { Criticality = c };
            else
                Error("criticality", $"Must be one of: {string.Join(", ", Enum.GetNames<Criticality>())}.");
        }
        if (Get("category") is { } category)
        {
            if (TaxonomyRules.IsCode(category))
                filter = filter with { Category = category };
            else
                Error("category", "Not a category code.");
        }
        if (Get("location") is { } location)
        {
            if (TaxonomyRules.IsCode(location))
                filter = filter with { Location = location };
            else
                Error("location", "Not a location code.");
        }
        if (Get("department") is { } department)
        {
            if (ContractFormats.IsShortText(department))
                filter = filter with { Department = department };
            else
                Error("department", "At most 256 characters, no control characters.");
        }
        if (Get("owner") is { } owner)
        {
            if (PeopleCsv.NormaliseObjectId(owner) is { } id)
                filter = filter with { Owner = id };
            else
                Error("owner", "Must be a person's Entra object id (GUID).");
        }
        if (Get("tag") is { } tag)
        {
            if (Tags.AssetTagFormat.IsTag(tag))
                filter = filter with { Tag = tag };
            else
                Error("tag", "Not an asset tag (PREFIX-000123).");
        }
        if (Get("needsReview") is { } review)
        {
            if (review is "true" or "false")
                filter = filter with { NeedsReview = review == "true" };
            else
                Error("needsReview", "Must be true or false.");
        }
        DateTimeOffset? Date(string name)
        {
            if (Get(name) is not { } text)
                return null;
            if (
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at)
                && HasOffset(text)
            )
                return at;
            Error(name, "Must be an RFC 3339 date-time with an offset (2026-11-02T09:00:00Z).");
            return null;
        }
        filter = filter with { LastSeenFrom = Date("lastSeenFrom"), LastSeenTo = Date("lastSeenTo") };
        if (filter.LastSeenFrom > filter.LastSeenTo)
            Error("lastSeenTo", "Must not be before lastSeenFrom.");
        return errors;
    }

    private static bool HasOffset(string text) =>
        text.Contains('T', StringComparison.OrdinalIgnoreCase)
        && (
            text.EndsWith('Z')
            || text.EndsWith('z')
            || text.LastIndexOfAny(['+', '-']) > text.IndexOf('T', StringComparison.OrdinalIgnoreCase)
        );

    /// <summary>
    /// Who sees what: admins and auditors everything; a department lead the departments they lead — a named department
    /// must be one of theirs (else 403), no department restricts the search to all of theirs; anyone else 403 (they
    /// have <c>GET /api/me/assets</c>). Answers the departments to restrict to (null: no restriction).
    /// </summary>
    /// <summary>No restriction: a successful scope whose value is null.</summary>
    private static readonly Outcome<IReadOnlyList<string>?> Unrestricted = Outcome<IReadOnlyList<string>?>.Of(null);

    public static Outcome<IReadOnlyList<string>?> Scope(Caller caller, AssetFilter filter)
    {
        if (caller.IsAdmin || caller.IsAuditor)
            return Unrestricted;
        if (!caller.IsDepartmentLead)
        {
            return Problem.Forbidden(
                "Searching assets requires the Inventory.Admin, Inventory.Auditor or Inventory.DepartmentLead role; "
                    + "GET /api/me/assets lists your own."
            );
        }
        if (filter.Department is { } department)
        {
            return caller.Departments.Contains(department)
                ? Unrestricted
                : Problem.Forbidden(
                    $"You lead {string.Join(", ", caller.Departments.Order(StringComparer.Ordinal))}, not "
                        + $"'{department}'."
                );
        }
        return Outcome<IReadOnlyList<string>?>.Of(caller.Departments.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>The OData filter of the summary table for a search (null: every row).</summary>
    public static string? BuildFilter(AssetFilter f, IReadOnlyList<string>? departments)
    {
        var clauses = new List<string>();
        if (f.Kind is { } kind)
            clauses.Add(TableClient.CreateQueryFilter($"Kind eq {kind.ToString()}"));
        if (f.Type is { } type)
            clauses.Add(TableClient.CreateQueryFilter($"Type eq {type.ToString()}"));
        if (f.State is { } state)
            clauses.Add(TableClient.CreateQueryFilter($"State eq {state.ToString()}"));
        if (f.Criticality is { } criticality)
            clauses.Add(TableClient.CreateQueryFilter($"Criticality eq {criticality.ToString()}"));
        if (f.Category is { } category)
            clauses.Add(TableClient.CreateQueryFilter($"Category eq {category}"));
        if (f.Location is { } location)
            clauses.Add(TableClient.CreateQueryFilter($"Location eq {location}"));
        if (f.Department is { } department)
            clauses.Add(TableClient.CreateQueryFilter($"Department eq {department}"));
        if (f.Owner is { } owner)
        {
            // PATCH stores the owner as sent: match either case of the GUID.
            var upper = owner.ToUpperInvariant();
            clauses.Add("(" + TableClient.CreateQueryFilter($"Owner eq {owner} or Owner eq {upper}") + ")");
        }
        if (f.Tag is { } tag)
            clauses.Add(TableClient.CreateQueryFilter($"Tag eq {tag}"));
        if (f.NeedsReview is { } review)
            clauses.Add(TableClient.CreateQueryFilter($"NeedsReview eq {review}"));
        if (f.LastSeenFrom is { } from)
            clauses.Add(TableClient.CreateQueryFilter($"LastSeenAt ge {from}"));
        if (f.LastSeenTo is { } to)
            clauses.Add(TableClient.CreateQueryFilter($"LastSeenAt le {to}"));
        if (departments is not null)
        {
            clauses.Add(
                "("
                    + string.Join(" or ", departments.Select(d => TableClient.CreateQueryFilter($"Department eq {d}")))
                    + ")"
            );
        }
        return clauses.Count == 0 ? null : string.Join(" and ", clauses);
    }
}
