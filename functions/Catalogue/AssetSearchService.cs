using Azure;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Catalogue;

/// <summary>Asset search over the summary table (filtered, access-scoped, paged) and the CSV export of the same
/// set.</summary>
public sealed class AssetSearchService(InventoryStore store)
{
    /// <summary>Storage pages a search reads at most to fill one answer page (a selective filter can leave pages
    /// empty).</summary>
    public const int MaxStoragePagesPerRequest = 20;

    public const int MaxExportRows = 100_000;

    public async Task<Outcome<AssetPage>> SearchAsync(
        Caller caller,
        IEnumerable<KeyValuePair<string, string[]>> query,
        CancellationToken cancellationToken
    )
    {
        var parameters = query.ToList();
        var errors = AssetSearch.Parse(parameters, ["pageSize", "continuationToken"], out var filter);
        var pageSize = AssetSearch.DefaultPageSize;
        if (
            parameters.FirstOrDefault(p => p.Key == "pageSize").Value is [var sizeText]
            && (
                !int.TryParse(
                    sizeText,
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out pageSize
                ) || pageSize is < 1 or > AssetSearch.MaxPageSize
            )
        )
        {
            errors["pageSize"] = [$"An integer from 1 to {AssetSearch.MaxPageSize}."];
        }
        if (errors.Count > 0)
            return Problem.BadRequest($"The search has {errors.Count} invalid parameter(s); see 'errors'.", errors);
        var scope = AssetSearch.Scope(caller, filter);
        if (scope.Failed)
            return scope.Problem;
        var odata = AssetSearch.BuildFilter(filter, scope.Value);

        string? storageToken = null;
        if (parameters.FirstOrDefault(p => p.Key == "continuationToken").Value is [{ Length: > 0 } token])
        {
            storageToken = Common.ContinuationTokens.Decode(token, "assets|" + odata);
            if (storageToken is null)
                return InvalidToken();
        }

        var items = new List<AssetListItem>();
        string? next = null;
        try
        {
            var pages = 0;
            await foreach (
                var page in store
                    .Summaries.QueryAsync<AssetSummaryEntity>(odata, pageSize, AssetSearch.Select, cancellationToken)
                    .AsPages(storageToken, pageSize)
            )
            {
                items.AddRange(page.Values.Where(r => TableKeys.IsSummaryRow(r.RowKey)).Select(AssetListItem.From));
                next = page.ContinuationToken;
                if (items.Count > 0 || ++pages >= MaxStoragePagesPerRequest)
                    break;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return InvalidToken();
        }
        return new AssetPage(
            items,
            string.IsNullOrEmpty(next) ? null : Common.ContinuationTokens.Encode(next, "assets|" + odata)
        );
    }

    /// <summary>Every asset the filters and the caller's scope select, with its detail row, as CSV.</summary>
    public async Task<Outcome<byte[]>> ExportAsync(
        Caller caller,
        IEnumerable<KeyValuePair<string, string[]>> query,
        CancellationToken cancellationToken
    )
    {
        var errors = AssetSearch.Parse(query, [], out var filter);
        if (errors.Count > 0)
            return Problem.BadRequest($"The export has {errors.Count} invalid parameter(s); see 'errors'.", errors);
        var scope = AssetSearch.Scope(caller, filter);
        if (scope.Failed)
            return scope.Problem;
        var odata = AssetSearch.BuildFilter(filter, scope.Value);

        var summaries = new List<AssetSummaryEntity>();
        await foreach (
            var row in store.Summaries.QueryAsync<AssetSummaryEntity>(
                odata,
                1000,
                AssetSearch.Select,
                cancellationToken
            )
        )
        {
            if (!TableKeys.IsSummaryRow(row.RowKey))
                continue;
            if (summaries.Count == MaxExportRows)
                return Problem.BadRequest($"More than {MaxExportRows} assets match: narrow the filters.");
            summaries.Add(row);
        }
        var details = new AssetDetailEntity?[summaries.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, summaries.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var found = await store.Assets.GetEntityIfExistsAsync<AssetDetailEntity>(
                    summaries[i].RowKey,
                    TableKeys.AssetDetailRow,
                    AssetCsv.DetailColumns,
                    ct
                );
                details[i] = found.HasValue ? found.Value : null;
            }
        );
        var rows = summaries
            .Zip(details)
            .Where(p => p.Second is not null)
            .OrderBy(p => p.First.RowKey, StringComparer.Ordinal)
            .Select(p => (p.Second!, p.First));
        return AssetCsv.Write(rows);
    }

    private static Problem InvalidToken() =>
        Problem.BadRequest(
            "The continuation token is not valid for this search: pass it back unchanged, with the same filters."
        );
}
