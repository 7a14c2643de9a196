using System.Globalization;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Licences;

/// <summary>Field rules of products, rules and entitlements (pure). Each check adds messages keyed by JSON
/// path.</summary>
public static class LicenceValidation
{
    public const int MaxRules = 20;
    public const int MaxPatternLength = 128;
    public const int MaxWildcardsPerPattern = 8;
    public const int MaxReferenceLength = 128;
    public const int MaxSeats = 10_000_000;
    public const decimal MaxUnitCost = 100_000_000m;

    public static void Name(Dictionary<string, string[]> errors, string path, string? value, bool required)
    {
        if (value is null)
        {
            if (required)
                errors[path] = ["Required."];
            return;
        }
        if (value.Trim().Length == 0 || !ContractFormats.IsShortText(value))
            errors[path] = [$"1 to {CheckinLimits.MaxShortString} characters, no control characters."];
    }

    public static void ShortText(Dictionary<string, string[]> errors, string path, string? value)
    {
        if (!ContractFormats.IsShortText(value))
            errors[path] = [$"At most {CheckinLimits.MaxShortString} characters, no control characters."];
    }

    public static void Currency(Dictionary<string, string[]> errors, string path, string? value)
    {
        if (value is not null && !(value.Length == 3 && value.All(c => c is >= 'A' and <= 'Z')))
            errors[path] = ["An ISO 4217 code: three upper-case letters, e.g. EUR."];
    }

    public static bool TryMetric(string? value, out LicenceMetric metric) => TryEnum(value, out metric);

    public static bool TryEntitlementType(string? value, out EntitlementType type) => TryEnum(value, out type);

    /// <summary>Exact (case-sensitive) enum names only: no numbers, no other spellings.</summary>
    private static bool TryEnum<T>(string? value, out T result)
        where T : struct, Enum
    {
        result = default;
        return value is not null
            && Enum.GetNames<T>().Contains(value, StringComparer.Ordinal)
            && Enum.TryParse(value, out result);
    }

    public static void Rules(
        Dictionary<string, string[]> errors,
        string path,
        IReadOnlyList<LicenceRule>? rules,
        bool required
    )
    {
        if (rules is null)
        {
            if (required)
                errors[path] = ["At least one matching rule is required."];
            return;
        }
        if (rules.Count is 0 or > MaxRules)
        {
            errors[path] = [$"1 to {MaxRules} rules."];
            return;
        }
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i] is null)
            {
                errors[$"{path}[{i}]"] = ["A rule object is required."];
                continue;
            }
            Pattern(errors, $"{path}[{i}].name", rules[i].Name, required: true);
            Pattern(errors, $"{path}[{i}].publisher", rules[i].Publisher, required: false);
            if (
                rules[i].VersionPrefix is { } version
                && (
                    version.Length is 0 or > 64
                    || version.Any(char.IsControl)
                    || version.Contains('*')
                    || version.Contains('?')
                )
            )
            {
                errors[$"{path}[{i}].versionPrefix"] = ["1 to 64 characters, no wildcards or control characters."];
            }
        }
    }

    /// <summary>A wildcard pattern: 1–128 characters, no control characters, at most 8 <c>*</c>, not only
    /// wildcards.</summary>
    public static void Pattern(Dictionary<string, string[]> errors, string path, string? pattern, bool required)
    {
        if (pattern is null)
        {
            if (required)
                errors[path] = ["Required."];
            return;
        }
        if (pattern.Length is 0 or > MaxPatternLength || pattern.Any(char.IsControl))
        {
            errors[path] = [$"1 to {MaxPatternLength} characters, no control characters."];
        }
        else if (pattern.Count(c => c == '*') > MaxWildcardsPerPattern)
        {
            errors[path] = [$"At most {MaxWildcardsPerPattern} '*' wildcards."];
        }
        else if (pattern.All(c => c is '*' or '?'))
        {
            errors[path] =
            [
                "A pattern must contain some literal text (a pattern of wildcards alone matches everything).",
            ];
        }
    }

    /// <summary>Checks an entitlement's terms; null with errors added when invalid.</summary>
    public static EntitlementTerms? Entitlement(
        Dictionary<string, string[]> errors,
        string prefix,
        string? reference,
        string? type,
        int? seats,
        decimal? unitCost,
        DateOnly? start,
        DateOnly? end,
        DateOnly? renewal
    )
    {
        var before = errors.Count;
        if (
            string.IsNullOrWhiteSpace(reference)
            || reference.Length > MaxReferenceLength
            || reference.Any(char.IsControl)
        )
        {
            errors[prefix + "reference"] =
            [
                $"Required: 1 to {MaxReferenceLength} characters (purchase order or contract number), no control "
                    + "characters.",
            ];
        }
        if (!TryEntitlementType(type, out var parsed))
        {
            errors[prefix + "type"] = ["Must be Perpetual, Subscription or Site."];
        }
        else if (parsed == EntitlementType.Site)
        {
            if (seats is not null)
                errors[prefix + "seats"] = ["A site licence has no seat count (it is unlimited)."];
        }
        else if (seats is null or < 1 or > MaxSeats)
        {
            errors[prefix + "seats"] = [$"Required: a whole number from 1 to {MaxSeats}."];
        }
        if (parsed == EntitlementType.Subscription && end is null)
            errors[prefix + "endDate"] = ["A subscription needs its end date."];
        if (unitCost is < 0 or > MaxUnitCost || (unitCost is { } c && decimal.Round(c, 4) != c))
        {
            errors[prefix + "unitCost"] = ["From 0 to 100,000,000 with at most 4 decimals."];
        }
        if (start is not null && end is not null && end < start)
            errors[prefix + "endDate"] = ["Must not be before startDate."];
        _ = renewal;
        return errors.Count == before ? new EntitlementTerms(parsed, seats, unitCost, start, end) : null;
    }

    public static string? FormatDate(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static DateOnly? ParseStoredDate(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : null;

    public static string? FormatMoney(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static decimal? ParseStoredMoney(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;
}
