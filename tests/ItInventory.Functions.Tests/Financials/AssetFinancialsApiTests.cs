using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Financials;

public sealed class AssetFinancialsApiTests : IAsyncLifetime
{
    private const string Bought =
        ",\"financials\":{\"purchaseDate\":\"2026-01-15\",\"purchaseCost\":1200.50,\"currency\":\"usd\","
        + "\"supplier\":\"ACME\",\"orderReference\":\"PO-7\",\"warrantyEnd\":\"2029-01-14\",\"usefulLifeMonths\":36,"
        + "\"residualValue\":100}";

    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpAnswer> PatchAsync(string id, string etag, string body)
    {
        var request = app.Request(
            "PATCH",
            $"/api/assets/{id}",
            Encoding.UTF8.GetBytes(body),
            "application/json",
            Auth(TestTokens.Admin, etag)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().UpdateAsset(request, id, CancellationToken.None)
        );
    }

    private async Task<(AssetDetailEntity Detail, AssetSummaryEntity Summary)> RowsAsync(string id) =>
        (
            (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(id, TableKeys.AssetDetailRow)).Value,
            (await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(id), id)).Value
        );

    [Fact]
    public async Task Create_stores_the_financial_record_on_the_detail_and_summary_rows_and_shows_it()
    {
        var answer = await CreateAsync(
            app,
            "{\"name\":\"Laptop\",\"type\":\"laptop\",\"department\":\"Finance\"" + Bought + "}"
        );

        Assert.True(answer.Status == 201, answer.Body);
        var financials = answer.Json.GetProperty("financials");
        Assert.Equal("USD", financials.GetProperty("currency").GetString());
        Assert.Equal(1200.50m, financials.GetProperty("purchaseCost").GetDecimal());
        Assert.Equal("2026-01-15", financials.GetProperty("purchaseDate").GetString());
        var (detail, summary) = await RowsAsync(answer.Json.GetProperty("id").GetString()!);
        Assert.Equal(detail.Financials, summary.Financials);
        Assert.Equal("PO-7", AssetFinancials.Parse(summary.Financials)!.OrderReference);
    }

    [Fact]
    public async Task Invalid_financials_are_400_with_errors_by_json_path_and_nothing_is_written()
    {
        var before = await app.SnapshotAsync();

        var answer = await CreateAsync(
            app,
            "{\"name\":\"Laptop\",\"type\":\"laptop\",\"department\":\"Finance\","
                + "\"financials\":{\"purchaseCost\":-1,\"usefulLifeMonths\":0}}"
        );

        Assert.Equal(400, answer.Status);
        var errors = answer.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty("financials.purchaseCost", out _), answer.Body);
        Assert.True(errors.TryGetProperty("financials.usefulLifeMonths", out _), answer.Body);
        await app.AssertUnchangedSinceAsync(before);
    }

    [Fact]
    public async Task Patch_replaces_the_record_mirrors_it_to_the_summary_and_records_the_change()
    {
        var (id, etag) = await CreatePeripheralAsync(app, extra: Bought);

        var answer = await PatchAsync(
            id,
            etag,
            "{\"financials\":{\"purchaseCost\":900,\"currency\":\"EUR\",\"costCentre\":\"CC-42\"}}"
        );

        Assert.True(answer.Status == 200, answer.Body);
        var (detail, summary) = await RowsAsync(id);
        var stored = AssetFinancials.Parse(summary.Financials)!;
        Assert.Equal(
            (900m, "EUR", "CC-42", (string?)null),
            (stored.PurchaseCost, stored.Currency, stored.CostCentre, stored.Supplier)
        );
        Assert.Equal(detail.Financials, summary.Financials);
        var audit = await AuditAsync(app, "asset", id);
        Assert.Contains(audit, r => r.Action == "update" && r.ChangesJson!.Contains("Financials"));

        var cleared = await PatchAsync(id, answer.Headers.ETag.ToString(), "{\"financials\":{}}");
        Assert.True(cleared.Status == 200, cleared.Body);
        Assert.False(cleared.Json.TryGetProperty("financials", out _));
        Assert.Equal("", (await RowsAsync(id)).Summary.Financials);
    }

    [Fact]
    public async Task Export_has_the_financial_columns_and_imports_back_unchanged_and_old_files_still_import()
    {
        var (id, _) = await CreatePeripheralAsync(app, serial: "DOCKF001", extra: Bought);

        var export = await ExportAsync(app);
        Assert.Equal(200, export.Status);
        Assert.Contains(
            "purchaseDate,purchaseCost,currency,supplier,orderReference,warrantyEnd,costCentre",
            export.Body
        );
        Assert.Contains(",2026-01-15,1200.50,USD,ACME,PO-7,2029-01-14,,36,100", export.Body);
        var before = await app.SnapshotAsync();
        var again = await ImportAsync(app, export.Body);
        Assert.True(again.Status == 200, again.Body);
        Assert.Equal(1, again.Json.GetProperty("unchanged").GetInt32());
        await app.AssertUnchangedSinceAsync(before);

        // A file of before financials: the record stays as it is.
        var old = await ImportAsync(app, $"id,name,type,model\n{id},Dock,peripheral,D-2\n");
        Assert.True(old.Status == 200, old.Body);
        Assert.Equal(1, old.Json.GetProperty("updated").GetInt32());
        Assert.Equal(1200.50m, AssetFinancials.Parse((await RowsAsync(id)).Summary.Financials)!.PurchaseCost);

        // One financial column: only that field changes; an empty cell clears it.
        var one = await ImportAsync(app, $"id,name,type,supplier,costCentre\n{id},Dock,peripheral,,CC-9\n");
        Assert.True(one.Status == 200, one.Body);
        var stored = AssetFinancials.Parse((await RowsAsync(id)).Summary.Financials)!;
        Assert.Equal(((string?)null, "CC-9", 36), (stored.Supplier, stored.CostCentre, stored.UsefulLifeMonths));
    }

    [Fact]
    public async Task An_unreadable_financial_cell_rejects_its_row_by_column()
    {
        var answer = await ImportAsync(
            app,
            "name,type,serialNumber,purchaseCost,currency\nA,peripheral,SERA001,12,EUR\n"
                + "B,peripheral,SERB001,\"1,200\",EUR\n"
                + "C,peripheral,SERC001,5,\n"
        );

        Assert.True(answer.Status == 200, answer.Body);
        Assert.True(answer.Json.GetProperty("created").GetInt32() == 1, answer.Body);
        var rejected = answer
            .Json.GetProperty("rejections")
            .EnumerateArray()
            .Select(r => (r.GetProperty("row").GetInt32(), r.GetProperty("field").GetString()))
            .ToArray();
        Assert.Equal([(3, "purchaseCost"), (4, "financials.currency")], rejected);
    }

    [Fact]
    public async Task A_category_carries_a_default_useful_life()
    {
        var put = await PutTaxonomyAsync(
            app,
            "category",
            "laptops",
            "{\"displayName\":\"Laptops\",\"usefulLifeMonths\":48}"
        );
        Assert.True(put.Status == 200, put.Body);
        Assert.Equal(48, put.Json.GetProperty("usefulLifeMonths").GetInt32());

        var wrong = await PutTaxonomyAsync(app, "location", "hq", "{\"displayName\":\"HQ\",\"usefulLifeMonths\":48}");
        Assert.Equal(400, wrong.Status);
    }

    private async Task<HttpAnswer> RatesAsync(string method, string? csv, Persona persona)
    {
        var request = app.Request(
            method,
            "/api/financials/rates",
            csv is null ? [] : Encoding.UTF8.GetBytes(csv),
            csv is null ? null : "text/csv",
            Auth(persona)
        );
        var functions = app.Create<FinancialsFunctions>();
        return await TestApp.ExecuteAsync(
            request,
            method == "GET"
                ? functions.ListExchangeRates(request, CancellationToken.None)
                : functions.ImportExchangeRates(request, CancellationToken.None)
        );
    }

    [Fact]
    public async Task Rates_import_from_csv_list_in_the_reporting_currency_and_re_import_changes_nothing()
    {
        const string csv = "currency,from,rate\nUSD,2026-01-01,0.92\nGBP,2026-01-01,1.17\nXX,2026-01-01,1\n";

        var imported = await RatesAsync("POST", csv, TestTokens.Admin);
        Assert.True(imported.Status == 200, imported.Body);
        Assert.Equal(
            (2, 1),
            (imported.Json.GetProperty("created").GetInt32(), imported.Json.GetProperty("rejected").GetInt32())
        );
        var before = await app.SnapshotAsync();
        var again = await RatesAsync("POST", csv, TestTokens.Admin);
        Assert.Equal(2, again.Json.GetProperty("unchanged").GetInt32());
        await app.AssertUnchangedSinceAsync(before);

        var list = await RatesAsync("GET", null, TestTokens.Auditor);
        Assert.Equal("EUR", list.Json.GetProperty("reportingCurrency").GetString());
        Assert.Equal(2, list.Json.GetProperty("items").GetArrayLength());
        Assert.Equal(403, (await RatesAsync("POST", csv, TestTokens.Auditor)).Status);
        Assert.Equal(403, (await RatesAsync("GET", null, TestTokens.FinanceLead)).Status);
    }
}
