using ItInventory.Functions.Campaigns;

namespace ItInventory.Functions.Tests.Campaigns;

public sealed class CampaignSamplingTests
{
    /// <summary>60 Finance, 30 HR, 9 IT, 1 without a department.</summary>
    private static List<CampaignCandidate> Population() =>
        Enumerable
            .Range(0, 100)
            .Select(i => new CampaignCandidate(
                $"asset-{i:D3}",
                $"ITI-{i:D6}",
                null,
                i < 60 ? "Finance"
                    : i < 90 ? "HR"
                    : i < 99 ? "IT"
                    : null,
                i % 2 == 0 ? "laptops" : "monitors",
                "hq",
                "Deployed"
            ))
            .ToList();

    [Fact]
    public void The_same_seed_draws_the_same_sample_whatever_the_order_of_the_population()
    {
        var population = Population();
        var shuffled = population
            .OrderBy(c => c.Tag!.GetHashCode(StringComparison.Ordinal) % 7)
            .ThenByDescending(c => c.AssetId, StringComparer.Ordinal)
            .ToList();

        var first = CampaignSampling.Sample(population, 20, StratifyBy.Department, 4242);
        var again = CampaignSampling.Sample(shuffled, 20, StratifyBy.Department, 4242);

        Assert.Equal(first.Select(c => c.AssetId), again.Select(c => c.AssetId));
    }

    [Fact]
    public void Another_seed_draws_another_sample()
    {
        var population = Population();

        var a = CampaignSampling.Sample(population, 20, StratifyBy.Department, 1).Select(c => c.AssetId);
        var b = CampaignSampling.Sample(population, 20, StratifyBy.Department, 2).Select(c => c.AssetId);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void A_seed_replays_the_same_draw_on_any_machine()
    {
        // Pinned: SplitMix64 is fully specified, so a stored seed must give this sample forever.
        var sample = CampaignSampling.Sample(Population(), 5, StratifyBy.Department, 12345);

        Assert.Equal(5, sample.Count);
        Assert.Equal(
            sample.Select(c => c.AssetId),
            CampaignSampling.Sample(Population(), 5, StratifyBy.Department, 12345).Select(c => c.AssetId)
        );
        var generator = new CampaignSampling.SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, generator.Next());
        Assert.Equal(0x6E789E6AA1B965F4UL, generator.Next());
    }

    [Fact]
    public void Every_stratum_is_represented_and_the_rest_is_shared_in_proportion()
    {
        var sample = CampaignSampling.Sample(Population(), 20, StratifyBy.Department, 7);

        Assert.Equal(20, sample.Count);
        Assert.Equal(20, sample.Select(c => c.AssetId).Distinct().Count());
        var counts = sample
            .GroupBy(c => CampaignSampling.StratumOf(c, StratifyBy.Department))
            .ToDictionary(g => g.Key, g => g.Count());
        // One each (4), then 16 shared by the remaining sizes 59, 29, 8, 0 of 96: 9.83, 4.83, 1.33 → 10, 5, 1.
        Assert.Equal(
            new Dictionary<string, int>
            {
                ["(none)"] = 1,
                ["Finance"] = 11,
                ["HR"] = 6,
                ["IT"] = 2,
            },
            counts
        );
    }

    [Fact]
    public void Stratifying_by_category_uses_the_categories()
    {
        var sample = CampaignSampling.Sample(Population(), 10, StratifyBy.Category, 7);

        Assert.Equal(5, sample.Count(c => c.Category == "laptops"));
        Assert.Equal(5, sample.Count(c => c.Category == "monitors"));
    }

    [Fact]
    public void A_sample_as_large_as_the_population_is_the_whole_population()
    {
        var sample = CampaignSampling.Sample(Population(), 500, StratifyBy.Department, 7);

        Assert.Equal(100, sample.Count);
    }

    [Theory]
    [InlineData(new[] { 60, 30, 9, 1 }, 20, new[] { 11, 6, 2, 1 })]
    [InlineData(new[] { 60, 30, 9, 1 }, 3, new[] { 2, 1, 0, 0 })]
    [InlineData(new[] { 5, 5 }, 3, new[] { 2, 1 })]
    [InlineData(new[] { 1, 1, 1 }, 2, new[] { 1, 1, 0 })]
    [InlineData(new[] { 3, 0, 3 }, 4, new[] { 2, 0, 2 })]
    public void Allocation_adds_up_to_the_sample_and_never_exceeds_a_stratum(int[] sizes, int size, int[] expected)
    {
        var quotas = CampaignSampling.Allocate(sizes, size);

        Assert.Equal(expected, quotas);
        Assert.Equal(size, quotas.Sum());
        Assert.All(quotas.Zip(sizes), q => Assert.InRange(q.First, 0, q.Second));
    }
}
