using ItInventory.Functions.Assets;

namespace ItInventory.Console.Services;

/// <summary>The asset page's history (<c>GET /api/assets/{id}/history</c>) in words (pure code).</summary>
public static class AssetHistoryText
{
    public const int PageSize = 20;

    public static string Query(string assetId, string? continuationToken) =>
        $"assets/{Uri.EscapeDataString(assetId)}/history?pageSize={PageSize}"
        + (continuationToken is null ? "" : "&continuationToken=" + Uri.EscapeDataString(continuationToken));

    /// <summary>The software a check-in changed: <c>added 2 (Visio, Git); removed 31 (Old tool and 30 more)</c>; when
    /// the software did not change, nothing.</summary>
    public static string Software(AssetHistoryEntryView entry)
    {
        var parts = new List<string>();
        void Add(string sign, int count, IReadOnlyList<string> names)
        {
            if (count == 0)
                return;
            var more = count > names.Count ? $" and {count - names.Count} more" : "";
            parts.Add(names.Count == 0 ? $"{sign}{count}" : $"{sign}{count} ({string.Join(", ", names)}{more})");
        }
        Add("added ", entry.SoftwareAddedCount, entry.SoftwareAdded);
        Add("removed ", entry.SoftwareRemovedCount, entry.SoftwareRemoved);
        Add("updated ", entry.SoftwareUpdatedCount, entry.SoftwareUpdated);
        return string.Join("; ", parts);
    }
}
