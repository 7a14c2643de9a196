using System.Globalization;
using Azure;
using Azure.Data.Tables;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Financials;

/// <summary>The exchange-rate table: list, import from CSV (upsert by currency and day, audited through the outbox),
/// load for a report.</summary>
public sealed class ExchangeRateService(
    InventoryStore store,
    IOptions<FinancialsOptions> options,
    Events.Outbox outbox,
    ILogger<ExchangeRateService> logger
)
{
    public const int MaxImportBytes = 1024 * 1024;

    public string ReportingCurrency => options.Value.ReportingCurrency;

    public async Task<ExchangeRateList> ListAsync(CancellationToken cancellationToken) =>
        new(ReportingCurrency, await LoadAsync(cancellationToken));

    /// <summary>Every stored rate into the reporting currency.</summary>
    public async Task<List<ExchangeRateView>> LoadAsync(CancellationToken cancellationToken)
    {
        var rates = new List<ExchangeRateView>();
        await foreach (
            var e in store.ExchangeRates.QueryAsync<ExchangeRateEntity>(cancellationToken: cancellationToken)
        )
        {
            if (View(e) is { } view && view.To == ReportingCurrency)
                rates.Add(view);
        }
        return rates;
    }

    public async Task<RateTable> TableAsync(CancellationToken cancellationToken) =>
        new(ReportingCurrency, await LoadAsync(cancellationToken));

    public async Task<Outcome<ImportReport>> ImportAsync(
        Caller caller,
        ReadOnlyMemory<byte> csv,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        var (rows, rejections, error) = ExchangeRateCsv.Parse(csv, ReportingCurrency);
        if (rows is null)
            return Problem.BadRequest(error ?? "The file cannot be read.");
        var existing = (await LoadAsync(cancellationToken)).ToDictionary(r => (r.Currency, r.From));
        int created = 0,
            updated = 0,
            unchanged = 0;
        var writes = new List<ExchangeRateEntity>();
        var changes = new List<Assets.FieldChange>();
        foreach (var (_, rate) in rows)
        {
            var had = existing.GetValueOrDefault((rate.Currency, rate.From));
            if (had?.Rate == rate.Rate)
            {
                unchanged++;
                continue;
            }
            writes.Add(
                new ExchangeRateEntity
                {
                    PartitionKey = rate.Currency,
                    RowKey = rate.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    Rate = rate.Rate.ToString(CultureInfo.InvariantCulture),
                    To = rate.To,
                }
            );
            existing[(rate.Currency, rate.From)] = rate;
            if (had is null)
                created++;
            else
                updated++;
            changes.Add(
                new(
                    $"{rate.Currency}@{rate.From:yyyy-MM-dd}",
                    had?.Rate.ToString(CultureInfo.InvariantCulture),
                    rate.Rate.ToString(CultureInfo.InvariantCulture)
                )
            );
        }
        if (changes.Count > 0)
        {
            // Written ahead: the rows span a partition per currency, so no one transaction holds them and an outbox
            // row. A crash after this leaves the record of the attempted import (upserts of the same values: a retry
            // of the file completes it and records only what was still missing).
            var entry = outbox
                .Entry()
                .Audit(
                    new Audit.AuditEvent(
                        caller.AuditActor,
                        "fxrates",
                        ReportingCurrency,
                        "import",
                        changes,
                        correlationId
                    )
                );
            await entry.WriteAheadAsync(cancellationToken);
            foreach (var write in writes)
                await store.ExchangeRates.UpsertEntityAsync(write, TableUpdateMode.Replace, cancellationToken);
            await entry.CommittedAsync(cancellationToken);
        }
        logger.LogInformation(
            "Exchange rates imported by {Actor}: {Created} created, {Updated} updated, {Rejected} rejected",
            caller.Actor,
            created,
            updated,
            rejections.Count
        );
        return new ImportReport(created, updated, unchanged, rejections.Count, rejections);
    }

    private static ExchangeRateView? View(ExchangeRateEntity e) =>
        DateOnly.TryParseExact(e.RowKey, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
        && decimal.TryParse(e.Rate, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
            ? new ExchangeRateView(e.PartitionKey, from, rate, e.To)
            : null;
}
