using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;

namespace ItInventory.Functions.Reports;

/// <summary>The index row of a generated report (table <c>reports</c>, PartitionKey = kind, RowKey = period).</summary>
public sealed class ReportIndexEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public DateTimeOffset GeneratedAt { get; set; }

    /// <summary>The blob names under <c>{kind}/{period}/</c>, comma-separated.</summary>
    public string Files { get; set; } = "";

    /// <summary>The headline figures as JSON (next month's "change against last month").</summary>
    public string? TotalsJson { get; set; }
}

/// <summary>Blobs <c>{kind}/{period}/{file}</c> in the reports container and their index rows.</summary>
public sealed class ReportStore(InventoryStore store)
{
    public async Task WriteAsync(
        string kind,
        string period,
        IReadOnlyList<(string Name, byte[] Content, string ContentType)> files,
        FinanceTotals? totals,
        DateTimeOffset generatedAt,
        CancellationToken cancellationToken
    )
    {
        foreach (var (name, content, contentType) in files)
        {
            await store
                .Reports.GetBlobClient($"{kind}/{period}/{name}")
                .UploadAsync(
                    new BinaryData(content),
                    new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } },
                    cancellationToken
                );
        }
        // The index row last: a listed report has every file.
        await store.ReportIndex.UpsertEntityAsync(
            new ReportIndexEntity
            {
                PartitionKey = kind,
                RowKey = period,
                GeneratedAt = generatedAt,
                Files = string.Join(",", files.Select(f => f.Name)),
                TotalsJson = totals is null
                    ? null
                    : JsonSerializer.Serialize(totals, ApiJsonContext.Default.FinanceTotals),
            },
            TableUpdateMode.Replace,
            cancellationToken
        );
    }

    public Task<ReportIndexEntity?> FindAsync(string kind, string period, CancellationToken cancellationToken) =>
        store
            .ReportIndex.GetEntityIfExistsAsync<ReportIndexEntity>(kind, period, cancellationToken: cancellationToken)
            .OrNull();

    public async Task<List<ReportIndexEntity>> ListAsync(string? kind, CancellationToken cancellationToken)
    {
        var rows = new List<ReportIndexEntity>();
        await foreach (
            var row in store.ReportIndex.QueryAsync<ReportIndexEntity>(
                kind is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {kind}"),
                cancellationToken: cancellationToken
            )
        )
        {
            rows.Add(row);
        }
        return rows;
    }

    public async Task<byte[]?> ReadAsync(string kind, string period, string file, CancellationToken cancellationToken)
    {
        try
        {
            var content = await store
                .Reports.GetBlobClient($"{kind}/{period}/{file}")
                .DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public static FinanceTotals? Totals(ReportIndexEntity? row) =>
        row?.TotalsJson is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, ApiJsonContext.Default.FinanceTotals)
            : null;
}
