namespace ItInventory.Functions.Licences;

/// <summary>
/// Matches installed software against a product's rules (pure: no I/O, no regular expressions). Patterns are
/// case-insensitive wildcards: <c>*</c> any run of characters, <c>?</c> one character, everything else literal. The
/// matcher is the classic two-pointer algorithm with one backtrack point: O(pattern × text) in the worst case and never
/// exponential, so no pattern can stall a scan (no ReDoS).
/// </summary>
public static class SoftwareMatcher
{
    public static bool Matches(IReadOnlyList<LicenceRule> rules, string name, string? publisher, string? version)
    {
        foreach (var rule in rules)
        {
            if (Matches(rule, name, publisher, version))
                return true;
        }
        return false;
    }

    public static bool Matches(LicenceRule rule, string name, string? publisher, string? version) =>
        Wildcard(rule.Name, name)
        && (rule.Publisher is null || Wildcard(rule.Publisher, publisher ?? ""))
        && (
            rule.VersionPrefix is null
            || (version ?? "").StartsWith(rule.VersionPrefix, StringComparison.OrdinalIgnoreCase)
        );

    /// <summary>Whole-text, case-insensitive wildcard match.</summary>
    public static bool Wildcard(string pattern, string text)
    {
        int p = 0,
            t = 0,
            star = -1,
            resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (
                p < pattern.Length
                && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t]))
            )
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
            p++;
        return p == pattern.Length;
    }
}
