using System.Text.Json;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.Findings;

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

    /// <summary>The assets offline now: the open <c>offline</c> findings (the offline scan raises one per asset whose
    /// heartbeat is overdue), longest silent first, with when each was last seen.</summary>
    public static IReadOnlyList<OfflineAsset> Offline(IEnumerable<FindingView> findings) =>
        [
            .. findings
                .Where(f => f.Kind == FindingKinds.Offline && f.Status == FindingStatus.Open)
                .Select(f => new OfflineAsset(
                    f.SubjectId,
                    f.Text,
                    f.Facts?.GetValueOrDefault("lastSeenAt") is { } seen
                    && DateTimeOffset.TryParse(seen, System.Globalization.CultureInfo.InvariantCulture, out var at)
                        ? at
                        : null
                ))
                .OrderBy(a => a.LastSeenAt ?? DateTimeOffset.MinValue),
        ];
}

/// <summary>An asset the offline scan reports silent.</summary>
public sealed record OfflineAsset(string AssetId, string Text, DateTimeOffset? LastSeenAt);
