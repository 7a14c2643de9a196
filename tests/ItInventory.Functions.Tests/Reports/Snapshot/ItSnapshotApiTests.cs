using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Reports.Snapshot;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Reports.Snapshot;

/// <summary>The weekly IT snapshot through the app: timer, Blob files and index row, downloads by role,
/// rerun.</summary>
public sealed class ItSnapshotApiTests : IAsyncLifetime
{
    private const string Week = "2026-W45";
    private static readonly DateTimeOffset WeekEnd = new(2026, 11, 9, 0, 0, 0, TimeSpan.Zero);
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<byte[]> DownloadBytesAsync(string file, Persona persona)
    {
        var request = app.Request("GET", $"/api/reports/it-snapshot/{Week}/{file}", [], null, Auth(persona));
        var result = await app.Create<ReportFunctions>()
            .DownloadReport(request, ItSnapshotService.Kind, Week, file, CancellationToken.None);
        return Assert.IsType<BytesResult>(result).Body;
    }

    private async Task<int> DownloadStatusAsync(string file, Persona persona)
    {
        var request = app.Request("GET", $"/api/reports/it-snapshot/{Week}/{file}", [], null, Auth(persona));
        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<ReportFunctions>()
                .DownloadReport(request, ItSnapshotService.Kind, Week, file, CancellationToken.None)
        );
        return answer.Status;
    }

    private async Task<HttpAnswer> GenerateAsync(string period)
    {
        var request = app.Request(
            "POST",
            "/api/reports/it-snapshot",
            Encoding.UTF8.GetBytes($"{{\"period\":\"{period}\"}}"),
            "application/json",
            Auth(TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<ReportFunctions>().GenerateItSnapshot(request, CancellationToken.None)
        );
    }

    private Task RaiseAsync(string kind, string subjectType, string subjectId, string? department) =>
        app
            .Services.GetRequiredService<FindingService>()
            .RaiseAsync(
                new FindingCondition(kind, subjectType, subjectId, FindingSeverity.Medium, department, kind),
                "test",
                CancellationToken.None
            );

    /// <summary>The week: a Finance and an HR asset, the HR one offline since Wednesday, a sighting; KPI snapshots
    /// on Sunday and the Sunday before. After the week ends, the HR asset moves to Finance and its offline finding
    /// is resolved.</summary>
    private async Task<(string Finance, string Hr)> SeedWeekAsync()
    {
        var kpis = app.Services.GetRequiredService<KpiSnapshotService>();
        await kpis.SnapshotAsync(new DateOnly(2026, 11, 1), KpiSnapshotService.TimerSource, CancellationToken.None);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero));
        var (finance, _) = await CreatePeripheralAsync(app, serial: "FIN00001");
        var (hr, _) = await CreatePeripheralAsync(app, serial: "HRR00001", department: "HR");
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero));
        await RaiseAsync(FindingKinds.Offline, FindingSubjects.Asset, hr, "HR");
        await RaiseAsync(FindingKinds.UnregisteredDevice, FindingSubjects.Sighting, "mac-0a0000000001", null);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 0, 10, 0, TimeSpan.Zero));
        await kpis.SnapshotAsync(new DateOnly(2026, 11, 8), KpiSnapshotService.TimerSource, CancellationToken.None);

        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 1, 0, 0, TimeSpan.Zero));
        var etag = (await GetAssetAsync(hr)).Headers.ETag.ToString();
        var patch = app.Request(
            "PATCH",
            $"/api/assets/{hr}",
            Encoding.UTF8.GetBytes("{\"department\":\"Finance\"}"),
            "application/json",
            Auth(TestTokens.Admin, etag)
        );
        var patched = await TestApp.ExecuteAsync(
            patch,
            app.Create<AssetFunctions>().UpdateAsset(patch, hr, CancellationToken.None)
        );
        Assert.True(patched.Status == 200, patched.Body);
        await app
            .Services.GetRequiredService<FindingService>()
            .ReconcileAsync([FindingKinds.Offline], [], "after", CancellationToken.None);
        return (finance, hr);
    }

    private async Task<HttpAnswer> GetAssetAsync(string id)
    {
        var request = app.Request("GET", $"/api/assets/{id}", [], null, Auth(TestTokens.Admin));
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, id, CancellationToken.None)
        );
    }

    /// <summary>The figures of a stored snapshot without the moment it was generated.</summary>
    private async Task<string> FiguresAsync()
    {
        var report = await app.Services.GetRequiredService<ItSnapshotService>().LoadAsync(Week, CancellationToken.None);
        return JsonSerializer.Serialize(
            report! with
            {
                GeneratedAt = default,
            },
            ApiJsonContext.Default.ItSnapshotReport
        );
    }

    [Fact]
    public async Task The_monday_timer_writes_last_weeks_snapshot_as_of_its_end_once_and_the_api_serves_it_by_role()
    {
        var (_, hr) = await SeedWeekAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 9, 5, 30, 0, TimeSpan.Zero));
        var functions = app.Create<ReportFunctions>();

        await functions.ItSnapshotTimer(
            TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(7)),
            CancellationToken.None
        );

        var index = await app.Store.ReportIndex.GetEntityAsync<ReportIndexEntity>(ItSnapshotService.Kind, Week);
        foreach (var file in new[] { "data.json", "summary.xlsx", "summary.html", "inventory.csv", "kpis.csv" })
        {
            Assert.Contains(file, index.Value.Files);
            Assert.True(await app.Store.Reports.GetBlobClient($"it-snapshot/{Week}/{file}").ExistsAsync());
        }
        var before = await app.SnapshotAsync();
        await functions.ItSnapshotTimer(
            TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(7)),
            CancellationToken.None
        );
        await app.AssertUnchangedSinceAsync(before);

        // As of the week's end: the HR asset is still in HR and offline, whatever happened on Monday.
        using (
            var workbook = new XLWorkbook(
                new MemoryStream(await DownloadBytesAsync("summary.xlsx", TestTokens.Auditor))
            )
        )
        {
            var inventory = workbook.Worksheet("inventory");
            Assert.Equal(1, inventory.SheetView.SplitRow);
            Assert.Equal(1, inventory.RowsUsed().Single(r => r.Cell(1).GetString() == "HR").Cell(4).GetValue<int>());
            var attention = workbook.Worksheet("attention");
            var offline = attention.RowsUsed().Single(r => r.Cell(2).GetString() == hr);
            Assert.Equal(("HR", "offline"), (offline.Cell(1).GetString(), offline.Cell(7).GetString()));
            var summary = workbook.Worksheet("Summary");
            Assert.Equal(
                (2, 1, 1),
                (
                    summary.RowsUsed().Single(r => r.Cell(1).GetString() == "Assets").Cell(2).GetValue<int>(),
                    summary.RowsUsed().Single(r => r.Cell(1).GetString() == "Offline assets").Cell(2).GetValue<int>(),
                    summary
                        .RowsUsed()
                        .Single(r => r.Cell(1).GetString() == "Unregistered sightings")
                        .Cell(2)
                        .GetValue<int>()
                )
            );
            var kpis = workbook.Worksheet("kpis");
            var assets = kpis.RowsUsed()
                .Single(r => r.Cell(1).GetString() == "all" && r.Cell(2).GetString() == "assets");
            Assert.Equal(
                ("2026-11-08", 2.0, 2.0),
                (assets.Cell(3).GetString(), assets.Cell(4).GetValue<double>(), assets.Cell(7).GetValue<double>())
            );
        }

        // The HR lead gets HR's cut, rendered from the figures; the Finance lead sees no offline asset.
        var hrCut = Encoding.UTF8.GetString(await DownloadBytesAsync("attention.csv", TestTokens.HrLead));
        Assert.Contains(hr, hrCut);
        var financeCut = Encoding.UTF8.GetString(await DownloadBytesAsync("attention.csv", TestTokens.FinanceLead));
        Assert.DoesNotContain(hr, financeCut);
        var financeInventory = Encoding.UTF8.GetString(
            await DownloadBytesAsync("inventory.csv", TestTokens.FinanceLead)
        );
        Assert.DoesNotContain("HR", financeInventory);
        Assert.Contains("Finance,Hardware,", financeInventory);
        var financeKpis = Encoding.UTF8.GetString(await DownloadBytesAsync("kpis.csv", TestTokens.FinanceLead));
        Assert.DoesNotContain("\nall,", financeKpis);
        Assert.Equal(403, await DownloadStatusAsync("inventory.csv", TestTokens.EndUser));
        Assert.Equal(404, await DownloadStatusAsync("nothing.csv", TestTokens.Admin));
    }

    [Fact]
    public async Task A_rerun_for_the_same_week_gives_the_same_numbers_and_an_unended_week_is_refused()
    {
        await SeedWeekAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero));
        var first = await GenerateAsync(Week);
        Assert.True(first.Status == 200, first.Body);
        var figures = await FiguresAsync();

        // More happens afterwards: a new asset, a new finding, a new KPI snapshot.
        var (later, _) = await CreatePeripheralAsync(app, serial: "LAT00001", department: "HR");
        await RaiseAsync(FindingKinds.Missing, FindingSubjects.Asset, later, "HR");
        await app
            .Services.GetRequiredService<KpiSnapshotService>()
            .SnapshotAsync(new DateOnly(2026, 11, 9), KpiSnapshotService.TimerSource, CancellationToken.None);
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 11, 12, 0, 0, TimeSpan.Zero));
        var second = await GenerateAsync(Week);
        Assert.True(second.Status == 200, second.Body);

        Assert.Equal(figures, await FiguresAsync());
        Assert.Equal(409, (await GenerateAsync("2026-W46")).Status);
        Assert.Equal(400, (await GenerateAsync("2026-11")).Status);
    }
}
