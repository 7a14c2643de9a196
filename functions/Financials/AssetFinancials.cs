using System.Globalization;
using System.Text.Json;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Financials;

/// <summary>The stored form of <see cref="AssetFinancials"/> (the contract itself is in
/// AssetFinancialsContract.cs, which the console links).</summary>
public sealed partial record AssetFinancials
{
    /// <summary>The stored form: JSON, or "" for none (a merge cannot remove a property).</summary>
    public static string Serialize(AssetFinancials? financials) =>
        financials is null || financials.IsEmpty
            ? ""
            : JsonSerializer.Serialize(financials, ApiJsonContext.Default.AssetFinancials);

    /// <summary>The stored form read back; null when there is none (or it cannot be read).</summary>
    public static AssetFinancials? Parse(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
            return null;
        try
        {
            return JsonSerializer.Deserialize(stored, ApiJsonContext.Default.AssetFinancials);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Field rules of <see cref="AssetFinancials"/> (pure).</summary>
public static class FinancialRules
{
    public const decimal MaxAmount = 1_000_000_000_000m;
    public const int MaxUsefulLifeMonths = 600;

    /// <summary>Errors keyed <c>{prefix}{field}</c> (JSON path); the normalised value when there are none.</summary>
    public static AssetFinancials Normalise(AssetFinancials input, string prefix, IDictionary<string, string[]> errors)
    {
        void Error(string field, string message) => errors.TryAdd(prefix + field, [message]);
        string? Text(string field, string? value)
        {
            var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
            if (!ContractFormats.IsShortText(trimmed))
                Error(field, $"At most {CheckinLimits.MaxShortString} characters, no control characters.");
            return trimmed;
        }
        void Amount(string field, decimal? value)
        {
            if (value is { } v && (v < 0 || v > MaxAmount || decimal.Round(v, 4) != v))
                Error(field, $"An amount from 0 to {MaxAmount} with at most 4 decimals.");
        }
        Amount("purchaseCost", input.PurchaseCost);
        Amount("residualValue", input.ResidualValue);
        if (input.ResidualValue > input.PurchaseCost)
            Error("residualValue", "Cannot exceed the purchase cost.");
        var currency = Text("currency", input.Currency)?.ToUpperInvariant();
        if (currency is not null && !IsCurrency(currency))
            Error("currency", "An ISO 4217 code: three letters (EUR, USD, GBP).");
        if (currency is null && (input.PurchaseCost is not null || input.ResidualValue is not null))
            Error("currency", "Required with an amount.");
        if (input.UsefulLifeMonths is { } life && (life < 1 || life > MaxUsefulLifeMonths))
            Error("usefulLifeMonths", $"From 1 to {MaxUsefulLifeMonths} months.");
        if (input.WarrantyEnd < input.PurchaseDate)
            Error("warrantyEnd", "Cannot be before the purchase date.");
        return new AssetFinancials
        {
            PurchaseDate = input.PurchaseDate,
            PurchaseCost = input.PurchaseCost,
            Currency = currency,
            Supplier = Text("supplier", input.Supplier),
            OrderReference = Text("orderReference", input.OrderReference),
            WarrantyEnd = input.WarrantyEnd,
            CostCentre = Text("costCentre", input.CostCentre),
            UsefulLifeMonths = input.UsefulLifeMonths,
            ResidualValue = input.ResidualValue,
        };
    }

    public static bool IsCurrency(string? code) => code is { Length: 3 } && code.All(char.IsAsciiLetterUpper);

    /// <summary>The CSV columns of the financial fields, in export order.</summary>
    public static readonly string[] CsvColumns =
    [
        "purchaseDate",
        "purchaseCost",
        "currency",
        "supplier",
        "orderReference",
        "warrantyEnd",
        "costCentre",
        "usefulLifeMonths",
        "residualValue",
    ];

    /// <summary>The financial fields of a CSV row (absent or empty cells are null); an unreadable cell is an error
    /// keyed by its column.</summary>
    public static AssetFinancials? FromCsv(Func<string, string?> field, IDictionary<string, string[]> errors)
    {
        if (CsvColumns.All(c => string.IsNullOrEmpty(field(c))))
            return null;
        DateOnly? Date(string column)
        {
            var text = field(column);
            if (string.IsNullOrEmpty(text))
                return null;
            if (
                DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            )
                return d;
            errors.TryAdd(column, ["A date yyyy-MM-dd."]);
            return null;
        }
        decimal? Number(string column)
        {
            var text = field(column);
            if (string.IsNullOrEmpty(text))
                return null;
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
                return n;
            errors.TryAdd(column, ["A number with '.' as the decimal point and no thousands separator."]);
            return null;
        }
        int? Months()
        {
            var text = field("usefulLifeMonths");
            if (string.IsNullOrEmpty(text))
                return null;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                return n;
            errors.TryAdd("usefulLifeMonths", ["A whole number of months."]);
            return null;
        }
        string? Text(string column) => field(column) is { Length: > 0 } text ? text : null;
        return new AssetFinancials
        {
            PurchaseDate = Date("purchaseDate"),
            PurchaseCost = Number("purchaseCost"),
            Currency = Text("currency"),
            Supplier = Text("supplier"),
            OrderReference = Text("orderReference"),
            WarrantyEnd = Date("warrantyEnd"),
            CostCentre = Text("costCentre"),
            UsefulLifeMonths = Months(),
            ResidualValue = Number("residualValue"),
        };
    }

    /// <summary>An import's update: the stored record with the columns the file has replaced (an empty cell clears
    /// its field).</summary>
    public static AssetFinancials MergeCsv(
        AssetFinancials? stored,
        AssetFinancials? incoming,
        IReadOnlySet<string> columns
    )
    {
        var s = stored ?? AssetFinancials.Empty;
        var i = incoming ?? AssetFinancials.Empty;
        T Pick<T>(string column, T current, T value) => columns.Contains(column) ? value : current;
        return new AssetFinancials
        {
            PurchaseDate = Pick("purchaseDate", s.PurchaseDate, i.PurchaseDate),
            PurchaseCost = Pick("purchaseCost", s.PurchaseCost, i.PurchaseCost),
            Currency = Pick("currency", s.Currency, i.Currency),
            Supplier = Pick("supplier", s.Supplier, i.Supplier),
            OrderReference = Pick("orderReference", s.OrderReference, i.OrderReference),
            WarrantyEnd = Pick("warrantyEnd", s.WarrantyEnd, i.WarrantyEnd),
            CostCentre = Pick("costCentre", s.CostCentre, i.CostCentre),
            UsefulLifeMonths = Pick("usefulLifeMonths", s.UsefulLifeMonths, i.UsefulLifeMonths),
            ResidualValue = Pick("residualValue", s.ResidualValue, i.ResidualValue),
        };
    }

    /// <summary>The CSV cells of a record, in <see cref="CsvColumns"/> order.</summary>
    public static string[] ToCsv(AssetFinancials? f) =>
        f is null
            ? [.. CsvColumns.Select(_ => "")]
            :
            [
                f.PurchaseDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                f.PurchaseCost?.ToString(CultureInfo.InvariantCulture) ?? "",
                f.Currency ?? "",
                f.Supplier ?? "",
                f.OrderReference ?? "",
                f.WarrantyEnd?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
                f.CostCentre ?? "",
                f.UsefulLifeMonths?.ToString(CultureInfo.InvariantCulture) ?? "",
                f.ResidualValue?.ToString(CultureInfo.InvariantCulture) ?? "",
            ];
}
