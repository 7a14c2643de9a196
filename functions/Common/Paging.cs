using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ItInventory.Functions.Common;

/// <summary>The <c>pageSize</c> query parameter every paged listing takes: a whole number from 1 to the listing's
/// maximum, its default when absent; anything else is a 400 naming the range.</summary>
public static class Paging
{
    public static Outcome<int> PageSize(IQueryCollection query, int defaultSize, int maxSize)
    {
        if (!query.TryGetValue("pageSize", out var text))
            return defaultSize;
        return
            int.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && size >= 1
            && size <= maxSize
            ? size
            : Problem.BadRequest($"pageSize must be a whole number from 1 to {maxSize}.");
    }
}
