using System.Text;
using ClosedXML.Excel;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Tests.Infrastructure;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Reports;

/// <summary>The monthly finance summary through the app: timer, Blob files and index row, list and downloads.</summary>
public sealed class FinanceReportApiTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static string Financials(string cost) =>
        $",\"category\":\"laptops\",\"financials\":{{\"purchaseDate\":\"2026-10-01\",\"purchaseCost\":{cost},"
        + "\"currency\":\"EUR\",\"usefulLifeMonths\":12}";

    private async Task<HttpAnswer> GetAsync(
        string path,
        Persona persona,
        Func<ReportFunctions, Microsoft.AspNetCore.Http.HttpRequest, Task<Microsoft.AspNetCore.Mvc.IActionResult>> call
    )
    {
        var request = app.Request("GET", path, [], null, Auth(persona));
        return await TestApp.ExecuteAsync(request, call(app.Create<ReportFunctions>(), request));
    }

    private Task<HttpAnswer> DownloadAsync(string file, Persona persona) =>
        GetAsync($"/api/reports/finance/2026-11/{file}", persona, (f, r) =>
            f.DownloadReport(r, "finance", "2026-11", file, CancellationToken.None)
        );

    private async Task<byte[]> DownloadBytesAsync(string file, Persona persona)
    {
        var request = app.Request("GET", $"/api/reports/finance/2026-11/{file}", [], null, Auth(persona));
        var result = await app.Create<ReportFunctions>()
            .DownloadReport(request, "finance", "2026-11", file, CancellationToken.None);
        return Assert.IsType<Functions.Common.BytesResult>(result).Body;
    }

    [Fact]
    public async Task The_timer_writes_last_months_report_as_of_its_end_once_and_the_api_serves_it_by_role()
    {
        var (finance, _) = await CreatePeripheralAsync(app, serial: "FIN00001", extra: Financials("1200"));
        var (hr, hrEtag) = await CreatePeripheralAsync(
            app,
            serial: "HRR00001",
            department: "HR",
            extra: Financials("2400")
        );
        // After November ends, the HR asset moves to Finance: November's report still shows it in HR.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero));
        var patch = app.Request(
            "PATCH",
            $"/api/assets/{hr}",
            Encoding.UTF8.GetBytes("{\"department\":\"Finance\"}"),
            "application/json",
            Auth(TestTokens.Admin, hrEtag)
        );
        Assert.Equal(
            200,
            (
                await TestApp.ExecuteAsync(
                    patch,
                    app.Create<AssetFunctions>().UpdateAsset(patch, hr, CancellationToken.None)
                )
            ).Status
        );

        var functions = app.Create<ReportFunctions>();
        await functions.FinanceReportTimer(
            TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(30)),
            CancellationToken.None
        );

        var index = await app.Store.ReportIndex.GetEntityAsync<ReportIndexEntity>("finance", "2026-11");
        Assert.Contains("summary.xlsx", index.Value.Files);
        var blobs = new List<string>();
        await foreach (
            var blob in app.Store.Reports.GetBlobsAsync(
                Azure.Storage.Blobs.Models.BlobTraits.None,
                Azure.Storage.Blobs.Models.BlobStates.None,
                "finance/2026-11/",
                CancellationToken.None
            )
        )
            blobs.Add(blob.Name);
        Assert.Contains("finance/2026-11/summary.html", blobs);
        Assert.Contains("finance/2026-11/holdings.csv", blobs);

        // A second firing writes nothing.
        var snapshot = await app.SnapshotAsync();
        await functions.FinanceReportTimer(
            TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(30)),
            CancellationToken.None
        );
        await app.AssertUnchangedSinceAsync(snapshot);

        // Admins get the whole report: two months of depreciation on 12 months (Oct, Nov).
        using (
            var workbook = new XLWorkbook(
                new MemoryStream(await DownloadBytesAsync("summary.xlsx", TestTokens.Auditor))
            )
        )
        {
            var holdings = workbook.Worksheet("holdings");
            var hrRow = holdings.RowsUsed().Single(r => r.Cell(1).GetString() == "HR");
            Assert.Equal((2400m, 2000m), (hrRow.Cell(5).GetValue<decimal>(), hrRow.Cell(6).GetValue<decimal>()));
            Assert.Equal(
                1000m,
                holdings.RowsUsed().Single(r => r.Cell(1).GetString() == "Finance").Cell(6).GetValue<decimal>()
            );
        }
        // The Finance lead gets Finance's cut, rendered from the report's figures.
        var cut = Encoding.UTF8.GetString(await DownloadBytesAsync("holdings.csv", TestTokens.FinanceLead));
        Assert.Contains("Finance,Finance,laptops,1,1200.00,1000.00,100.00", cut);
        Assert.DoesNotContain("HR", cut);
        Assert.Equal(403, (await DownloadAsync("holdings.csv", TestTokens.EndUser)).Status);
        Assert.Equal(404, (await DownloadAsync("nothing.csv", TestTokens.Admin)).Status);

        var list = await GetAsync("/api/reports", TestTokens.Auditor, (f, r) =>
            f.ListReports(r, CancellationToken.None)
        );
        var entry = Assert.Single(list.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("2026-11", entry.GetProperty("period").GetString());
    }

    [Fact]
    public async Task Generating_on_demand_needs_an_ended_month()
    {
        var request = app.Request(
            "POST",
            "/api/reports/finance",
            Encoding.UTF8.GetBytes("{\"period\":\"2026-11\"}"),
            "application/json",
            Auth(TestTokens.Admin)
        );
        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<ReportFunctions>().GenerateFinanceReport(request, CancellationToken.None)
        );
        Assert.Equal(409, answer.Status);

        var bad = app.Request(
            "POST",
            "/api/reports/finance",
            Encoding.UTF8.GetBytes("{\"period\":\"11/2026\"}"),
            "application/json",
            Auth(TestTokens.Admin)
        );
        Assert.Equal(
            400,
            (
                await TestApp.ExecuteAsync(
                    bad,
                    app.Create<ReportFunctions>().GenerateFinanceReport(bad, CancellationToken.None)
                )
            ).Status
        );

        var october = app.Request(
            "POST",
            "/api/reports/finance",
            Encoding.UTF8.GetBytes("{\"period\":\"2026-10\"}"),
            "application/json",
            Auth(TestTokens.Admin)
        );
        var generated = await TestApp.ExecuteAsync(
            october,
            app.Create<ReportFunctions>().GenerateFinanceReport(october, CancellationToken.None)
        );
        Assert.True(generated.Status == 200, generated.Body);
        Assert.Contains("summary.xlsx", generated.Body);
    }
}
