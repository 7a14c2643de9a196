namespace ItInventory.Functions.Common;

/// <summary>
/// What checking a contract document found, keyed by JSON path (<c>inventory.software[3].name</c>): errors (the
/// document is refused with 400) and warnings (a bad optional value was dropped or its text cleaned; the rest is
/// accepted and the answer lists them). The helpers answer the value to keep: the cleaned one, or null when dropped.
/// </summary>
public sealed class ContractIssues
{
    private const int MaxErrors = 100;
    private readonly Dictionary<string, List<string>> errors = [];
    private readonly Dictionary<string, List<string>> warnings = [];
    private int unlistedWarnings;

    public int ErrorCount => errors.Count;

    public int WarningCount => warnings.Count + unlistedWarnings;

    /// <summary>Errors stop collecting at a hundred fields, so a bad 20,000-row list answers quickly.</summary>
    public bool Full => errors.Count >= MaxErrors;

    public void Error(string field, string message) => Add(errors, field, message, MaxErrors);

    public void Warn(string field, string message)
    {
        if (warnings.Count >= CheckinLimits.MaxWarnings && !warnings.ContainsKey(field))
        {
            unlistedWarnings++;
            return;
        }
        Add(warnings, field, message, int.MaxValue);
    }

    public void Require(bool condition, string field, string message)
    {
        if (!condition)
            Error(field, message);
    }

    /// <summary>The warnings for the answer, or null when there are none.</summary>
    public IReadOnlyDictionary<string, string[]>? Warnings
    {
        get
        {
            if (WarningCount == 0)
                return null;
            var listed = warnings.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            if (unlistedWarnings > 0)
                listed["$"] = [$"{unlistedWarnings} more warning(s) not listed."];
            return listed;
        }
    }

    public Problem BadRequest(string what) =>
        Problem.BadRequest(
            $"The {what} has {errors.Count} invalid field(s); see 'errors'.",
            errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray())
        );

    /// <summary>Optional free text: control, format and separator characters removed (warning); longer than
    /// <paramref name="max"/> code points is an error; with <paramref name="placeholders"/>, a placeholder such as
    /// <c>N/A</c> is dropped (warning).</summary>
    public string? Text(string field, string? value, bool placeholders = false, int max = CheckinLimits.MaxShortString)
    {
        if (value is null)
            return null;
        if (ContractFormats.NeedsCleaning(value))
        {
            value = ContractFormats.Clean(value);
            Warn(field, "Control, format or separator characters (e.g. U+202E, U+FEFF) removed.");
        }
        if (value.Length > max && ContractFormats.Characters(value) is var length && length > max)
        {
            Error(field, $"At most {max} characters (got {length}).");
            return value;
        }
        if (placeholders && ContractFormats.IsPlaceholder(value))
        {
            Warn(field, $"'{value.Trim()}' is a placeholder, not a value: dropped.");
            return null;
        }
        return value;
    }

    /// <summary>Text that must be present and not blank (after cleaning).</summary>
    public string? RequiredText(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Error(field, "Required.");
            return value;
        }
        var cleaned = Text(field, value);
        Require(
            !string.IsNullOrWhiteSpace(cleaned),
            field,
            "Required: nothing is left after removing control characters."
        );
        return cleaned;
    }

    /// <summary>An optional number outside its range is dropped (warning).</summary>
    public T? Range<T>(string field, T? value, T min, T max)
        where T : struct, IComparable<T>
    {
        if (value is not { } v || (v.CompareTo(min) >= 0 && v.CompareTo(max) <= 0))
            return value;
        Warn(field, $"Must be between {min} and {max}: dropped.");
        return null;
    }

    public const string MacFormats = "aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff or aabbccddeeff";

    /// <summary>An optional MAC address that is not one is dropped (warning).</summary>
    public string? Mac(string field, string? value)
    {
        if (value is null || ContractFormats.IsMacAddress(value))
            return value;
        Warn(field, $"Not a MAC address ({MacFormats}): dropped.");
        return null;
    }

    /// <summary>A list of IP addresses: more than the limit is an error; an item that is not an address is dropped
    /// (warning).</summary>
    public IReadOnlyList<string>? IpAddresses(string field, IReadOnlyList<string>? values)
    {
        if (!Count(field, values, CheckinLimits.MaxIpAddresses))
            return values;
        List<string>? kept = null;
        for (var i = 0; i < values!.Count; i++)
        {
            if (values[i] is { } ip && ContractFormats.IsIpAddress(ip))
            {
                kept?.Add(ip);
                continue;
            }
            kept ??= values.Take(i).ToList();
            Warn($"{field}[{i}]", "Not an IPv4 (dotted quad) or IPv6 address: dropped.");
        }
        return kept ?? values;
    }

    /// <summary>Checks a list's length (an error above the limit); true when its items should be checked.</summary>
    public bool Count<T>(string field, IReadOnlyList<T>? values, int max)
    {
        if (values is null)
            return false;
        if (values.Count <= max)
            return true;
        Error(field, $"At most {max} items (got {values.Count}).");
        return false;
    }

    private static void Add(Dictionary<string, List<string>> into, string field, string message, int max)
    {
        if (into.Count >= max && !into.ContainsKey(field))
            return;
        if (!into.TryGetValue(field, out var list))
            into[field] = list = [];
        list.Add(message);
    }
}
