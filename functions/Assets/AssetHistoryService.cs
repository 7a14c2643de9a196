using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Assets;

/// <summary>
/// An asset's change history (<c>GET /api/assets/{assetId}/history</c>): the <c>h|</c> rows of its partition, newest
/// first (their RowKeys invert the time), one storage page per API page. Readable by whoever may read the asset.
/// </summary>
public sealed class AssetHistoryService(InventoryStore store, AssetReader reader, AccessPolicy policy)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    // The first key after every "h|…" RowKey ('}' follows '|').
    private const string HistoryRangeEnd = "h}";

    public async Task<Outcome<AssetHistoryPage>> ListAsync(
        Caller caller,
        string assetId,
        int pageSize,
        string? continuationToken,
        CancellationToken cancellationToken
    )
    {
        if (await reader.CheckReadAsync(policy, caller, assetId, cancellationToken) is { } refused)
            return refused;

        var filter =
            TableClient.CreateQueryFilter($"PartitionKey eq {assetId} and RowKey ge {TableKeys.HistoryRowPrefix}")
            + " and "
            + TableClient.CreateQueryFilter($"RowKey lt {HistoryRangeEnd}");
        string? storageToken = null;
        if (
            !string.IsNullOrEmpty(continuationToken)
            && (storageToken = ContinuationTokens.Decode(continuationToken, "history|" + filter)) is null
        )
        {
            return Problem.BadRequest("The continuation token is not valid: pass it back unchanged.");
        }
        try
        {
            var pages = store
                .Assets.QueryAsync<AssetHistoryEntity>(filter, pageSize, cancellationToken: cancellationToken)
                .AsPages(storageToken, pageSize);
            await foreach (var page in pages)
            {
                return new AssetHistoryPage(
                    [.. page.Values.Select(View)],
                    string.IsNullOrEmpty(page.ContinuationToken)
                        ? null
                        : ContinuationTokens.Encode(page.ContinuationToken, "history|" + filter)
                );
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 400)
        {
            return Problem.BadRequest("The continuation token is not valid: pass it back unchanged.");
        }
        return new AssetHistoryPage([], null);
    }

    /// <summary>A row as the API shows it; a row whose changes cannot be read still shows its summary.</summary>
    public static AssetHistoryEntryView View(AssetHistoryEntity row)
    {
        AssetChanges? changes = null;
        if (!string.IsNullOrEmpty(row.ChangesJson))
        {
            try
            {
                changes = JsonSerializer.Deserialize(row.ChangesJson, ApiJsonContext.Default.AssetChanges);
            }
            catch (JsonException)
            {
                // Written by an older version or cut short: the summary says what happened.
            }
        }
        changes ??= new AssetChanges();
        return new AssetHistoryEntryView(
            row.At,
            row.Source,
            row.CheckinId,
            row.Summary,
            changes.Fields,
            changes.SoftwareAddedCount,
            changes.SoftwareRemovedCount,
            changes.SoftwareUpdatedCount,
            changes.SoftwareAdded,
            changes.SoftwareRemoved,
            changes.SoftwareUpdated
        );
    }
}
