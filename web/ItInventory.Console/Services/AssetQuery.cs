namespace ItInventory.Console.Services;

/// <summary>The Assets page's filters as the query of <c>GET /api/assets</c> (names as the API's filters).</summary>
public sealed class AssetQuery
{
    public const int PageSize = 50;

    public string? Tag { get; set; }
    public string? Department { get; set; }
    public string? Owner { get; set; }
    public string? State { get; set; }
    public bool NeedsReview { get; set; }

    public string ToQuery(string? continuationToken)
    {
        var parts = new List<string> { $"pageSize={PageSize}" };
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
                parts.Add($"{name}={Uri.EscapeDataString(value.Trim())}");
        }
        Add("tag", Tag);
        Add("department", Department);
        Add("owner", Owner);
        Add("state", State);
        if (NeedsReview)
            parts.Add("needsReview=true");
        Add("continuationToken", continuationToken);
        return "?" + string.Join('&', parts);
    }
}
