using System.Text.Json.Nodes;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Monitoring;

/// <summary>Helpers of the monitoring tests: a 5-minute heartbeat interval (offline after 15 minutes at the default
/// tolerance of 3), heartbeats with chosen disk and memory use, and finding look-ups.</summary>
internal static class MonitoringTestApp
{
    public const int IntervalSeconds = 300;

    public static Task<TestApp> StartAsync(Action<IDictionary<string, string?>>? configure = null) =>
        TestApp.StartAsync(s =>
        {
            s["CheckIns:HeartbeatIntervalSeconds"] = IntervalSeconds.ToString(
                System.Globalization.CultureInfo.InvariantCulture
            );
            configure?.Invoke(s);
        });

    public static async Task<HttpAnswer> HeartbeatAsync(
        this TestApp app,
        EnrolledDevice device,
        double disk = 48.0,
        double memory = 61.2
    )
    {
        var payload = SamplePayloads.Heartbeat(device.DeviceId);
        var heartbeat = (JsonObject)payload["heartbeat"]!;
        heartbeat["diskUsedPercent"] = disk;
        heartbeat["memoryUsedPercent"] = memory;
        var answer = await app.CheckinAsync(payload.ToJsonString(), device.Authorization);
        Assert.True(answer.Status == 200, answer.Body);
        return answer;
    }

    public static async Task<FindingEntity?> FindingAsync(this TestApp app, string kind, string assetId) =>
        await app
            .Services.GetRequiredService<FindingService>()
            .FindAsync(
                FindingKeys.Id(kind, FindingKeys.RowKey(FindingSubjects.Asset, assetId)),
                CancellationToken.None
            );

    public static async Task<AssetSummaryEntity> SummaryAsync(this TestApp app, string assetId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(assetId), assetId)
        ).Value;
}
