using System.Text;
using ItInventory.Functions.Financials;

namespace ItInventory.Functions.Tests.Financials;

public sealed class DepreciationTests
{
    private static readonly Depreciation Laptop = new(new DateOnly(2026, 1, 15), 1200m, 200m, 36);

    [Fact]
    public void Monthly_charge_is_cost_less_residual_over_the_useful_life_starting_in_the_purchase_month()
    {
        Assert.Equal(0m, Laptop.InMonth(new DateOnly(2025, 12, 1)));
        Assert.Equal(27.77m, Laptop.InMonth(new DateOnly(2026, 1, 31)));
        Assert.Equal(27.77m, Laptop.InMonth(new DateOnly(2028, 11, 1)));
        Assert.Equal(0m, Laptop.InMonth(new DateOnly(2029, 1, 1)));
    }

    [Fact]
    public void The_last_month_takes_the_rounding_remainder_so_charges_sum_to_cost_less_residual()
    {
        var total = Enumerable.Range(0, 40).Sum(i => Laptop.InMonth(new DateOnly(2026, 1, 1).AddMonths(i)));

        Assert.Equal(1000m, total);
        Assert.Equal(1000m - 27.77m * 35, Laptop.InMonth(new DateOnly(2028, 12, 1)));
    }

    [Fact]
    public void Book_value_counts_only_months_that_have_ended()
    {
        Assert.Equal(0m, Laptop.BookValueAt(new DateOnly(2026, 1, 14)));
        Assert.Equal(1200m, Laptop.BookValueAt(new DateOnly(2026, 1, 15)));
        Assert.Equal(1200m - 27.77m, Laptop.BookValueAt(new DateOnly(2026, 1, 31)));
        Assert.Equal(1200m - 27.77m, Laptop.BookValueAt(new DateOnly(2026, 2, 27)));
        Assert.Equal(1200m - 2 * 27.77m, Laptop.BookValueAtEndOf(new DateOnly(2026, 2, 1)));
        Assert.Equal(200m, Laptop.BookValueAt(new DateOnly(2030, 6, 30)));
    }

    [Fact]
    public void Book_value_at_a_month_end_equals_cost_less_the_charges_so_far()
    {
        for (var i = 0; i < 40; i++)
        {
            var month = new DateOnly(2026, 1, 1).AddMonths(i);
            var charged = Enumerable.Range(0, i + 1).Sum(k => Laptop.InMonth(new DateOnly(2026, 1, 1).AddMonths(k)));
            Assert.Equal(1200m - charged, Laptop.BookValueAtEndOf(month));
        }
    }

    [Fact]
    public void The_useful_life_comes_from_the_asset_else_its_category_else_there_is_no_schedule()
    {
        var bought = new AssetFinancials
        {
            PurchaseDate = new DateOnly(2026, 3, 1),
            PurchaseCost = 600m,
            Currency = "EUR",
        };

        Assert.Equal(12, Depreciation.Of(bought with { UsefulLifeMonths = 12 }, 48)!.Value.LifeMonths);
        Assert.Equal(48, Depreciation.Of(bought, 48)!.Value.LifeMonths);
        Assert.Null(Depreciation.Of(bought, null));
        Assert.Null(Depreciation.Of(bought with { PurchaseCost = null }, 48));
        Assert.Equal(0m, Depreciation.Of(bought, 48)!.Value.Residual);
    }
}

public sealed class FinancialRulesTests
{
    [Fact]
    public void Amounts_need_a_currency_and_the_residual_cannot_exceed_the_cost()
    {
        var errors = new Dictionary<string, string[]>();
        FinancialRules.Normalise(
            new AssetFinancials
            {
                PurchaseCost = 10m,
                ResidualValue = 20m,
                UsefulLifeMonths = 0,
                WarrantyEnd = new DateOnly(2020, 1, 1),
                PurchaseDate = new DateOnly(2021, 1, 1),
            },
            "financials.",
            errors
        );

        Assert.Equal(
            [
                "financials.currency",
                "financials.residualValue",
                "financials.usefulLifeMonths",
                "financials.warrantyEnd",
            ],
            errors.Keys.Order().ToArray()
        );
    }

    [Fact]
    public void Currency_is_upper_cased_and_texts_trimmed()
    {
        var errors = new Dictionary<string, string[]>();
        var f = FinancialRules.Normalise(
            new AssetFinancials
            {
                PurchaseCost = 10.5m,
                Currency = "usd",
                Supplier = " ACME ",
            },
            "",
            errors
        );

        Assert.Empty(errors);
        Assert.Equal(("USD", "ACME"), (f.Currency, f.Supplier));
    }

    [Fact]
    public void The_stored_form_round_trips_and_an_empty_record_is_stored_as_nothing()
    {
        var f = new AssetFinancials
        {
            PurchaseDate = new DateOnly(2026, 2, 3),
            PurchaseCost = 1234.5678m,
            Currency = "EUR",
            CostCentre = "CC-100",
            UsefulLifeMonths = 36,
        };

        Assert.Equal(f, AssetFinancials.Parse(AssetFinancials.Serialize(f)));
        Assert.Equal("", AssetFinancials.Serialize(new AssetFinancials()));
        Assert.Null(AssetFinancials.Parse(""));
    }

    [Fact]
    public void An_import_replaces_only_the_financial_columns_the_file_has()
    {
        var stored = new AssetFinancials
        {
            PurchaseCost = 100m,
            Currency = "EUR",
            Supplier = "ACME",
        };
        var incoming = new AssetFinancials { PurchaseCost = 150m };

        var merged = FinancialRules.MergeCsv(stored, incoming, new HashSet<string> { "purchaseCost", "supplier" });

        Assert.Equal((150m, "EUR", (string?)null), (merged.PurchaseCost, merged.Currency, merged.Supplier));
    }
}

public sealed class RateTableTests
{
    private static readonly RateTable Rates = new(
        "EUR",
        [
            new("USD", new DateOnly(2026, 1, 1), 0.9m, "EUR"),
            new("USD", new DateOnly(2026, 3, 1), 0.8m, "EUR"),
            new("GBP", new DateOnly(2026, 1, 1), 1.2m, "CHF"),
        ]
    );

    [Fact]
    public void The_rate_in_force_is_the_latest_from_the_day_or_before()
    {
        Assert.Null(Rates.RateOn("USD", new DateOnly(2025, 12, 31)));
        Assert.Equal(0.9m, Rates.RateOn("USD", new DateOnly(2026, 2, 28)));
        Assert.Equal(0.8m, Rates.RateOn("USD", new DateOnly(2026, 3, 1)));
        Assert.Equal(1m, Rates.RateOn("EUR", new DateOnly(2000, 1, 1)));
    }

    [Fact]
    public void A_currency_without_a_rate_into_the_reporting_currency_converts_to_nothing()
    {
        Assert.Null(Rates.Convert(100m, "GBP", new DateOnly(2026, 6, 1)));
        Assert.Null(Rates.Convert(100m, "JPY", new DateOnly(2026, 6, 1)));
        Assert.Equal(80m, Rates.Convert(100m, "USD", new DateOnly(2026, 6, 1)));
    }

    [Fact]
    public void The_rate_file_rejects_bad_rows_alone()
    {
        var (rows, rejections, error) = ExchangeRateCsv.Parse(
            Encoding.UTF8.GetBytes("currency,from,rate\nusd,2026-01-01,0.91\nEUR,2026-01-01,1\nGBP,1/1/26,1.1\n"),
            "EUR"
        );

        Assert.Null(error);
        var (row, rate) = Assert.Single(rows!);
        Assert.Equal((2, "USD", 0.91m), (row, rate.Currency, rate.Rate));
        Assert.Equal([(3, "currency"), (4, "from")], rejections.Select(r => (r.Row, r.Field)).ToArray());
    }
}
