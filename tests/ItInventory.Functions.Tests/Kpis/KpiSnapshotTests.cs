using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Lifecycle;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Kpis;

/// <summary>KPI snapshots against Azurite with a fake clock: the real lifecycle stamps what the KPIs measure, the
/// timer snapshots yesterday per department and in total, the API serves the latest with its month-over-month change
/// and any series, and the backfill recomputes past days the same way every time.</summary>
public sealed class KpiSnapshotTests : IAsyncLifetime
{
    private TestApp app = null!;
    private LifecycleClient client = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        client = new LifecycleClient(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private KpiStore Store => app.Services.GetRequiredService<KpiStore>();

    private async Task<HttpAnswer> GetAsync(string path, string query, Persona persona)
    {
        var request = app.Request("GET", path, [], null, LifecycleClient.Headers(persona));
        request.QueryString = new QueryString(query);
        var functions = app.Create<KpiFunctions>();
        return await TestApp.ExecuteAsync(
            request,
            path.EndsWith("latest", StringComparison.Ordinal)
                ? functions.GetLatestKpis(request, CancellationToken.None)
                : functions.GetKpiSeries(request, CancellationToken.None)
        );
    }

    private async Task<HttpAnswer> BackfillAsync(string body)
    {
        var request = app.Request(
            "POST",
            "/api/kpis/backfill",
            System.Text.Encoding.UTF8.GetBytes(body),
            "application/json",
            LifecycleClient.Headers(TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<KpiFunctions>().BackfillKpis(request, CancellationToken.None)
        );
    }

    [Fact]
    public async Task Time_to_discovery_starts_at_the_first_sighting_of_one_of_the_devices_macs_before_it_enrolled()
    {
        var sightedAt = app.Clock.GetUtcNow();
        app.Clock.Advance(TimeSpan.FromHours(10));
        var sighted = await client.EnrollAsync();
        var enrolledOnly = await client.EnrollAsync();
        // The sighting row another agent's neighbour report left while the device was unregistered (kept after it
        // enrolled), keyed by the normalised MAC the device later enrolled with.
        var mac = HardwareIdentity.NormaliseMac(sighted.Mac)!;
        await app.Store.Sightings.UpsertEntityAsync(
            new SightingEntity
            {
                PartitionKey = mac,
                FirstSeenAt = sightedAt,
                LastSeenAt = sightedAt.AddHours(9),
                FirstSeenBy = enrolledOnly.DeviceId,
            }
        );
        app.Clock.Advance(TimeSpan.FromHours(6));
        await client.ApproveAndMoveAsync(sighted.DeviceId);
        await client.ApproveAndMoveAsync(enrolledOnly.DeviceId);
        app.Clock.Advance(TimeSpan.FromDays(1));

        await app.Create<KpiFunctions>().KpiSnapshot(new TimerInfo(), CancellationToken.None);

        var total = await GetAsync("/api/kpis/latest", "", TestTokens.Admin);
        Assert.True(total.Status == 200, total.Body);
        var snapshot = total.Json.GetProperty("snapshot");
        // (10 + 6) hours from the sighting, 6 from the enrollment alone.
        Assert.Equal(2, snapshot.GetProperty("discoveryCount").GetInt32());
        Assert.Equal(11.0, snapshot.GetProperty("discoveryMeanHours").GetDouble());
        Assert.Equal(16.0, snapshot.GetProperty("discoveryP90Hours").GetDouble());
    }

    [Fact]
    public async Task The_daily_timer_measures_discovery_and_decommissioning_of_the_real_lifecycle_per_department()
    {
        var secret = await client.FinanceSecretAsync();
        var retired = await client.EnrollAsync(secret);
        var approved = await client.EnrollAsync(secret);
        app.Clock.Advance(TimeSpan.FromHours(6));
        await client.RetireAndSanitiseAsync(retired.DeviceId);
        app.Clock.Advance(TimeSpan.FromHours(6));
        await client.ApproveAndMoveAsync(approved.DeviceId, LifecycleState.Deployed);
        app.Clock.Advance(TimeSpan.FromDays(2));
        var disposal = await client.DisposalAsync(
            retired.DeviceId,
            LifecycleClient.Disposal,
            await client.ETagAsync(retired.DeviceId)
        );
        Assert.True(disposal.Status == 200, disposal.Body);
        app.Clock.Advance(TimeSpan.FromDays(1));

        await app.Create<KpiFunctions>().KpiSnapshot(new TimerInfo(), CancellationToken.None);

        // One itinventory.kpi.snapshot event (CloudEvents JSON on the local events queue) carries the total.
        var events = (await app.Store.EventsQueue.ReceiveMessagesAsync(32)).Value;
        var kpiEvent = System
            .Text.Json.JsonDocument.Parse(
                events
                    .Single(m => m.Body.ToString().Contains("itinventory.kpi.snapshot", StringComparison.Ordinal))
                    .Body
            )
            .RootElement;
        Assert.Equal(
            "kpis/" + app.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd"),
            kpiEvent.GetProperty("subject").GetString()
        );
        Assert.Equal(2, kpiEvent.GetProperty("data").GetProperty("assets").GetInt32());

        var finance = await GetAsync("/api/kpis/latest", "?department=Finance", TestTokens.FinanceLead);
        Assert.True(finance.Status == 200, finance.Body);
        var snapshot = finance.Json.GetProperty("snapshot");
        Assert.Equal(app.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd"), snapshot.GetProperty("day").GetString());
        Assert.Equal("Finance", snapshot.GetProperty("department").GetString());
        Assert.Equal(2, snapshot.GetProperty("discoveryCount").GetInt32());
        Assert.Equal(9.0, snapshot.GetProperty("discoveryMeanHours").GetDouble());
        Assert.Equal(12.0, snapshot.GetProperty("discoveryP90Hours").GetDouble());
        Assert.Equal(1, snapshot.GetProperty("decommissionCount").GetInt32());
        Assert.Equal(2.25, snapshot.GetProperty("decommissionMeanDays").GetDouble());
        Assert.Equal(1, snapshot.GetProperty("deployed").GetInt32());
        Assert.Equal(1, snapshot.GetProperty("assetsByState").GetProperty("Disposed").GetInt32());
        Assert.False(finance.Json.TryGetProperty("monthBefore", out _));

        Assert.Equal(403, (await GetAsync("/api/kpis/latest", "?department=Finance", TestTokens.HrLead)).Status);
        Assert.Equal(403, (await GetAsync("/api/kpis/latest", "", TestTokens.FinanceLead)).Status);
        var total = await GetAsync("/api/kpis/latest", "", TestTokens.Auditor);
        Assert.Equal(200, total.Status);
        Assert.False(total.Json.GetProperty("snapshot").TryGetProperty("department", out _));
        Assert.Equal(2, total.Json.GetProperty("snapshot").GetProperty("assets").GetInt32());
    }

    [Fact]
    public async Task Series_and_month_over_month_read_the_stored_snapshots_and_bad_queries_are_400()
    {
        var day = new DateOnly(2026, 10, 1);
        for (var i = 0; i <= 31; i++)
        {
            await Store.UpsertAsync(
                Snapshot(day.AddDays(i)) with
                {
                    UtilisationRate = 0.5 + i / 100.0,
                    Offline = i,
                },
                CancellationToken.None
            );
        }

        var series = await GetAsync(
            "/api/kpis/series",
            "?kpi=utilisationRate&from=2026-10-30&to=2026-11-05",
            TestTokens.Auditor
        );
        Assert.True(series.Status == 200, series.Body);
        var points = series.Json.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(["2026-10-30", "2026-10-31", "2026-11-01"], points.Select(p => p.GetProperty("day").GetString()));
        Assert.Equal(0.81, points[^1].GetProperty("value").GetDouble());

        var latest = await GetAsync("/api/kpis/latest", "", TestTokens.Admin);
        Assert.Equal("2026-11-01", latest.Json.GetProperty("snapshot").GetProperty("day").GetString());
        Assert.Equal("2026-10-01", latest.Json.GetProperty("monthBefore").GetProperty("day").GetString());
        var change = latest.Json.GetProperty("monthOverMonth");
        Assert.Equal(0.31, change.GetProperty("utilisationRate").GetDouble());
        Assert.Equal(31, change.GetProperty("offline").GetDouble());

        Assert.Equal(400, (await GetAsync("/api/kpis/series", "?kpi=happiness", TestTokens.Admin)).Status);
        Assert.Equal(
            400,
            (await GetAsync("/api/kpis/series", "?kpi=idle&from=2026-11-02&to=2026-11-01", TestTokens.Admin)).Status
        );
        Assert.Equal(404, (await GetAsync("/api/kpis/latest", "?department=Legal", TestTokens.Admin)).Status);
    }

    [Fact]
    public async Task Backfill_fills_missing_lifecycle_stamps_from_history_and_gives_the_same_numbers_when_rerun()
    {
        var device = await client.EnrollAsync(await client.FinanceSecretAsync());
        app.Clock.Advance(TimeSpan.FromHours(30));
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Deployed);
        var approvalDay = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        // A row written before the stamps existed: the summary row has no ApprovedAt.
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(device.DeviceId),
                device.DeviceId
            )
        ).Value;
        Assert.NotNull(summary.ApprovedAt);
        summary.ApprovedAt = null;
        await app.Store.Summaries.UpsertEntityAsync(summary, TableUpdateMode.Replace);
        app.Clock.Advance(TimeSpan.FromDays(3));
        var kpis = app.Services.GetRequiredService<KpiSnapshotService>();
        var yesterday = kpis.Yesterday;
        await kpis.SnapshotAsync(yesterday, "timer", CancellationToken.None);
        var body =
            $"{{\"from\":\"{KpiKeys.Row(approvalDay.AddDays(-1))}\",\"to\":\"{KpiKeys.Row(yesterday)}\","
            + "\"lifecycleTimestamps\":true}";

        var first = await BackfillAsync(body);
        Assert.True(first.Status == 200, first.Body);
        Assert.Equal(1, first.Json.GetProperty("timestampsFilled").GetInt32());
        var once = await RowsAsync();
        var second = await BackfillAsync(body);
        Assert.Equal(0, second.Json.GetProperty("timestampsFilled").GetInt32());
        Assert.Equal(once, await RowsAsync());

        var before = await Store.DayAsync("Finance", approvalDay.AddDays(-1), CancellationToken.None);
        Assert.Equal((false, 0), (before!.Live, before.DiscoveryCount));
        var onApproval = await Store.DayAsync("Finance", approvalDay, CancellationToken.None);
        Assert.Equal((false, 1, 30.0), (onApproval!.Live, onApproval.DiscoveryCount, onApproval.DiscoveryMeanHours));
        Assert.Null(onApproval.UtilisationRate);
        // The timer's live row keeps what it saw of the fleet; the backfill set its history figures.
        var live = await Store.DayAsync("Finance", yesterday, CancellationToken.None);
        Assert.Equal((true, 1, "timer", 1), (live!.Live, live.Deployed, live.Source, live.DiscoveryCount));

        Assert.Equal(400, (await BackfillAsync($"{{\"from\":\"{KpiKeys.Row(yesterday.AddDays(2))}\"}}")).Status);
        Assert.Equal(400, (await BackfillAsync("{\"from\":\"2020-01-01\",\"to\":\"2026-10-01\"}")).Status);
    }

    /// <summary>Every stored row's figures (not when it was computed).</summary>
    private async Task<List<string>> RowsAsync()
    {
        var rows = new List<string>();
        await foreach (var row in Store.Table.QueryAsync<KpiSnapshotEntity>())
        {
            row.ComputedAt = default;
            rows.Add(
                System.Text.Json.JsonSerializer.Serialize(
                    row.ToSnapshot(),
                    Functions.Common.ApiJsonContext.Default.KpiSnapshot
                )
            );
        }
        return rows;
    }

    private static KpiSnapshot Snapshot(DateOnly day) =>
        new(
            KpiKeys.Row(day),
            null,
            new DateTimeOffset(day.AddDays(1).ToDateTime(default), TimeSpan.Zero),
            "test",
            true,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            null,
            0,
            null,
            null,
            null,
            null,
            null,
            null,
            null
        );
}
