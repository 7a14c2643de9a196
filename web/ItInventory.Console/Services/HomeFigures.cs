using System.Text.Json;
using ItInventory.Functions.Catalogue;

namespace ItInventory.Console.Services;

/// <summary>The Home page's figures, from the API's answers (pure code, tested without a browser).</summary>
public static class HomeFigures
{
    public static IReadOnlyList<(string State, int Count)> ByState(IEnumerable<AssetListItem> assets) =>
        [.. assets.GroupBy(a => a.State).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))];

    /// <summary>Open findings per kind from <c>GET /api/findings/summary</c> (<c>items</c>: kind, status, count).
    /// </summary>
    public static IReadOnlyList<(string Kind, int Count)> OpenFindingsByKind(JsonElement summary)
    {
        if (!summary.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            return [];
        return
        [
            .. items
                .EnumerateArray()
                .Where(i => i.TryGetProperty("status", out var s) && s.GetString() == "Open")
                .GroupBy(i => i.GetProperty("kind").GetString() ?? "")
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Sum(i => i.GetProperty("count").GetInt32()))),
        ];
    }
}
