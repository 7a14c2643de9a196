using System.Globalization;
using ItInventory.Functions.Assets;

namespace ItInventory.Console.Services;

/// <summary>How the asset page words an asset's facts.</summary>
public static class AssetFacts
{
    /// <summary>Memory as the OS sees it, and the installed modules' total when the agent reports it and it
    /// differs (firmware and integrated graphics reserve some): <c>15734 MB (16384 MB installed)</c>.</summary>
    public static string Memory(AssetView asset) =>
        (asset.MemoryMb, asset.MemoryInstalledMb) switch
        {
            (null, null) => "",
            ({ } visible, null) => Mb(visible),
            (null, { } installed) => $"{Mb(installed)} installed",
            ({ } visible, { } installed) when visible == installed => Mb(visible),
            ({ } visible, { } installed) => $"{Mb(visible)} ({Mb(installed)} installed)",
        };

    private static string Mb(long value) => string.Create(CultureInfo.InvariantCulture, $"{value} MB");
}
