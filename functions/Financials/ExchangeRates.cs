using System.Globalization;
using Azure;
using Azure.Data.Tables;
using CsvHelper;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Financials;

/// <summary>One exchange rate (table <c>fxrates</c>, PartitionKey = currency, RowKey = the day it applies from,
/// <c>yyyy-MM-dd</c>): one unit of the currency is worth <see cref="Rate"/> units of the reporting currency. The rate
/// is text so the decimal is kept exactly.</summary>
public sealed class ExchangeRateEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = "";
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string Rate { get; set; } = "";

    /// <summary>The reporting currency the rate converts into (a rate for another one is not used).</summary>
    public string To { get; set; } = "";
}

/// <summary>An exchange rate as the API shows it.</summary>
public sealed record ExchangeRateView(string Currency, DateOnly From, decimal Rate, string To);

/// <summary>The answer of <c>GET /api/financials/rates</c>.</summary>
public sealed record ExchangeRateList(string ReportingCurrency, IReadOnlyList<ExchangeRateView> Items);

/// <summary>
/// The rates a report converts with (pure): for each currency, the rate in force on a day is the latest one from that
/// day or before. The reporting currency converts at 1; a currency without a rate in force converts to nothing (the
/// caller reports the amount apart).
/// </summary>
public sealed class RateTable(string reportingCurrency, IEnumerable<ExchangeRateView> rates)
{
    private readonly Dictionary<string, List<ExchangeRateView>> byCurrency = rates
        .Where(r => r.To == reportingCurrency)
        .GroupBy(r => r.Currency, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.OrderBy(r => r.From).ToList(), StringComparer.Ordinal);

    public string ReportingCurrency => reportingCurrency;

    /// <summary>The rate of <paramref name="currency"/> on <paramref name="day"/>, or null when none is in
    /// force.</summary>
    public decimal? RateOn(string? currency, DateOnly day)
    {
        if (currency is null || currency == reportingCurrency)
            return 1m;
        if (!byCurrency.TryGetValue(currency, out var list))
            return null;
        ExchangeRateView? found = null;
        foreach (var rate in list)
        {
            if (rate.From > day)
                break;
            found = rate;
        }
        return found?.Rate;
    }

    /// <summary>The amount in the reporting currency, rounded to the cent; null without a rate.</summary>
    public decimal? Convert(decimal amount, string? currency, DateOnly day) =>
        RateOn(currency, day) is { } rate ? decimal.Round(amount * rate, 2, MidpointRounding.ToEven) : null;
}

/// <summary>The rate CSV (pure): header <c>currency,from,rate</c>; a bad row is rejected alone.</summary>
public static class ExchangeRateCsv
{
    public static readonly string[] Columns = ["currency", "from", "rate"];
    public const int MaxRows = 10_000;

    public static (List<(int Row, ExchangeRateView Rate)>? Rows, List<ImportRejection> Rejections, string? Error) Parse(
        ReadOnlyMemory<byte> utf8,
        string reportingCurrency
    )
    {
        var rows = new List<(int, ExchangeRateView)>();
        var rejections = new List<ImportRejection>();
        try
        {
            using var csv = CsvReader.Create(utf8, CsvImport.ReaderOptions);
            csv.ReadHeader();
            var headers = csv.Headers.ToArray();
            var (index, headerError) = CsvImport.IndexHeader(headers, Columns, string.Join(",", Columns));
            if (index is null)
                return (null, rejections, headerError);
            if (Columns.FirstOrDefault(c => !index.ContainsKey(c)) is { } missing)
                return (null, rejections, $"The header row lacks {missing}; expected {string.Join(",", Columns)}.");
            var count = 0;
            while (csv.Read())
            {
                if (++count > MaxRows)
                    return (null, rejections, $"The file has more than {MaxRows} rows.");
                var row = (int)csv.RowNumber + 1;
                string Field(string name) => csv.GetString(index[name])?.Trim() ?? "";
                var currency = Field("currency").ToUpperInvariant();
                if (!FinancialRules.IsCurrency(currency))
                {
                    rejections.Add(new(row, "currency", "An ISO 4217 code: three letters."));
                    continue;
                }
                if (currency == reportingCurrency)
                {
                    rejections.Add(new(row, "currency", $"{currency} is the reporting currency (rate 1)."));
                    continue;
                }
                if (
                    !DateOnly.TryParseExact(
                        Field("from"),
                        "yyyy-MM-dd",
                        CultureInfo.InvariantCulture,
                        DateTimeStyles.None,
                        out var from
                    )
                )
                {
                    rejections.Add(new(row, "from", "A date yyyy-MM-dd."));
                    continue;
                }
                if (
                    !decimal.TryParse(
                        Field("rate"),
                        NumberStyles.AllowDecimalPoint,
                        CultureInfo.InvariantCulture,
                        out var rate
                    )
                    || rate <= 0
                    || rate > 1_000_000m
                )
                {
                    rejections.Add(new(row, "rate", "A positive number with '.' as the decimal point."));
                    continue;
                }
                rows.Add((row, new ExchangeRateView(currency, from, rate, reportingCurrency)));
            }
        }
        catch (CsvFormatException ex)
        {
            return (null, rejections, $"Malformed CSV: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return (null, rejections, $"Malformed CSV: {ex.Message}");
        }
        return (rows, rejections, null);
    }
}
