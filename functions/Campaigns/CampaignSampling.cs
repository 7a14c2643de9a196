namespace ItInventory.Functions.Campaigns;

/// <summary>An asset a campaign may expect, as the summary rows describe it.</summary>
public sealed record CampaignCandidate(
    string AssetId,
    string? Tag,
    string? Name,
    string? Department,
    string? Category,
    string? Location,
    string State
);

/// <summary>
/// Stratified random sampling, reproducible from its seed. Pure: the same population (in any order), size, stratum
/// and seed always give the same sample, on any machine and .NET version (the generator is our own, not
/// <see cref="Random"/>, whose seeded sequence .NET does not promise to keep).
/// <para>Allocation: when the sample is at least the number of strata, every stratum gets one asset first, and the
/// rest is shared in proportion to the strata's remaining sizes (largest remainder, ties by stratum name); a smaller
/// sample is shared in proportion to the sizes. Within a stratum, assets sorted by id are drawn by a partial
/// Fisher–Yates shuffle.</para>
/// </summary>
public static class CampaignSampling
{
    /// <summary>The stratum of assets without a department or category.</summary>
    public const string NoStratum = "(none)";

    public static string StratumOf(CampaignCandidate candidate, StratifyBy by) =>
        (by == StratifyBy.Category ? candidate.Category : candidate.Department) is { Length: > 0 } key
            ? key
            : NoStratum;

    /// <summary>The sample: <paramref name="size"/> candidates (all of them when there are fewer), ordered by id.
    /// </summary>
    public static IReadOnlyList<CampaignCandidate> Sample(
        IEnumerable<CampaignCandidate> population,
        int size,
        StratifyBy by,
        long seed
    )
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var strata = population
            .GroupBy(c => StratumOf(c, by), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Key: g.Key, Members: g.OrderBy(c => c.AssetId, StringComparer.Ordinal).ToList()))
            .ToList();
        var total = strata.Sum(s => s.Members.Count);
        if (size >= total)
        {
            return strata.SelectMany(s => s.Members).OrderBy(c => c.AssetId, StringComparer.Ordinal).ToList();
        }

        var quotas = Allocate(strata.Select(s => s.Members.Count).ToList(), size);
        var random = new SplitMix64(seed);
        var sample = new List<CampaignCandidate>(size);
        for (var i = 0; i < strata.Count; i++)
        {
            var members = strata[i].Members;
            // Partial Fisher–Yates: the first quota positions become a uniform sample without replacement.
            for (var j = 0; j < quotas[i]; j++)
            {
                var k = j + (int)random.NextBelow((ulong)(members.Count - j));
                (members[j], members[k]) = (members[k], members[j]);
                sample.Add(members[j]);
            }
        }
        return sample.OrderBy(c => c.AssetId, StringComparer.Ordinal).ToList();
    }

    /// <summary>How many assets each stratum gives (sizes in stratum order; the quotas add up to
    /// min(<paramref name="size"/>, total) and none exceeds its stratum).</summary>
    public static IReadOnlyList<int> Allocate(IReadOnlyList<int> sizes, int size)
    {
        var total = sizes.Sum();
        if (size >= total)
            return sizes.ToList();
        var quotas = new int[sizes.Count];
        var rest = size;
        var weights = sizes.ToArray();
        if (size >= sizes.Count(s => s > 0))
        {
            // One each first, so that no stratum goes unaudited.
            for (var i = 0; i < sizes.Count; i++)
            {
                if (sizes[i] == 0)
                    continue;
                quotas[i] = 1;
                weights[i] = sizes[i] - 1;
                rest--;
            }
        }
        var weightTotal = weights.Sum();
        if (rest == 0 || weightTotal == 0)
            return quotas;
        var remainders = new (long Remainder, int Index)[sizes.Count];
        var given = 0;
        for (var i = 0; i < sizes.Count; i++)
        {
            var exact = (long)rest * weights[i];
            var whole = (int)(exact / weightTotal);
            quotas[i] += whole;
            given += whole;
            remainders[i] = (exact % weightTotal, i);
        }
        // Largest remainder first; equal remainders in stratum order.
        var byRemainder = remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Index);
        foreach (var (_, index) in byRemainder.Take(rest - given))
        {
            quotas[index]++;
        }
        return quotas;
    }

    /// <summary>SplitMix64 (Steele, Lea, Flood 2014): small, fast and fully specified, so a stored seed replays the
    /// same draw forever.</summary>
    public sealed class SplitMix64(long seed)
    {
        private ulong state = unchecked((ulong)seed);

        public ulong Next()
        {
            var z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>A uniform number in [0, bound), without modulo bias (rejection sampling).</summary>
        public ulong NextBelow(ulong bound)
        {
            ArgumentOutOfRangeException.ThrowIfZero(bound);
            var limit = ulong.MaxValue - ulong.MaxValue % bound;
            ulong value;
            do value = Next();
            while (value >= limit);
            return value % bound;
        }
    }
}
