using ItInventory.Console.Services;
using ItInventory.Functions.Assets;

namespace ItInventory.Console.Tests.Pages;

public sealed class AssetFactsTests
{
    [Theory]
    [InlineData(null, null, "")]
    [InlineData(15734L, null, "15734 MB")]
    [InlineData(16384L, 16384L, "16384 MB")]
    [InlineData(15734L, 16384L, "15734 MB (16384 MB installed)")]
    [InlineData(null, 16384L, "16384 MB installed")]
    public void The_asset_page_shows_visible_memory_and_installed_memory_when_they_differ(
        long? visible,
        long? installed,
        string shown
    )
    {
        var asset = new AssetView
        {
            Id = "asset-1",
            Kind = "Hardware",
            Type = "Laptop",
            State = "InUse",
            Criticality = "Medium",
            MemoryMb = visible,
            MemoryInstalledMb = installed,
        };

        Assert.Equal(shown, AssetFacts.Memory(asset));
    }
}
