using System.Text.Json;
using Azure.Storage.Blobs;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests;

/// <summary>Timers on their schedules: frequent runs, and a run missed while the host was down (past due).</summary>
public sealed class TimerScheduleTests
{
    private static async Task<(HostProcess Host, SampleQueues Queues)> StartTickAsync(
        string schedule,
        Func<string, string, Task>? before = null
    )
    {
        var azurite = await Azurite.SharedAsync();
        var suffix = Guid.NewGuid().ToString("N")[..10];
        var settings = SampleHostFixture.SampleSettings(azurite.ConnectionString, suffix);
        settings["TICK_SCHEDULE"] = schedule;
        settings["AzureFunctionsWebHost__hostid"] = "tick-" + suffix;
        if (before is not null)
            await before(azurite.ConnectionString, "tick-" + suffix);
        var host = await HostProcess.StartAsync(BuiltPaths.SampleApp, settings, extraArgs: ["--functions", "Tick"]);
        return (host, new SampleQueues(azurite.ConnectionString, settings["TIMER_LOG_QUEUE"]));
    }

    private sealed record SampleQueues(string ConnectionString, string TimerLog)
    {
        public async Task<JsonElement[]> TicksAsync()
        {
            var queue = new Azure.Storage.Queues.QueueClient(
                ConnectionString,
                TimerLog,
                new Azure.Storage.Queues.QueueClientOptions
                {
                    MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64,
                }
            );
            if (!await queue.ExistsAsync())
                return [];
            return (await queue.PeekMessagesAsync(32))
                .Value.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement.Clone())
                .ToArray();
        }
    }

    [Fact]
    public async Task Timer_fires_on_its_six_field_schedule()
    {
        var (host, queues) = await StartTickAsync("*/1 * * * * *");
        await using (host)
        {
            var ticks = await Eventually.ReturnsAsync(
                async () => await queues.TicksAsync() is { Length: >= 2 } t ? t : null,
                "two scheduled runs",
                TimeSpan.FromSeconds(30),
                () => host.Output
            );
            Assert.All(ticks, t => Assert.False(t.GetProperty("isPastDue").GetBoolean()));
            // Schedules more frequent than a minute run without the schedule monitor, as in the real host.
            Assert.All(ticks, t => Assert.False(t.GetProperty("hasStatus").GetBoolean()));
        }
    }

    [Fact]
    public async Task Run_missed_while_the_host_was_down_fires_at_start_up_as_past_due()
    {
        var (host, queues) = await StartTickAsync("0 0 0 1 1 *", async (connection, hostId) =>
        {
            // The status a previous run left behind: next run expected long ago.
            var container = new BlobContainerClient(connection, "azure-webjobs-hosts");
            await container.CreateIfNotExistsAsync();
            await container
                .GetBlobClient($"timers/{hostId}/Tick/status")
                .UploadAsync(
                    BinaryData.FromString(
                        "{\"Last\":\"2020-01-01T00:00:00Z\",\"Next\":\"2021-01-01T00:00:00Z\","
                            + "\"LastUpdated\":\"2020-01-01T00:00:00Z\"}"
                    ),
                    overwrite: true
                );
        });
        await using (host)
        {
            var ticks = await Eventually.ReturnsAsync(
                async () => await queues.TicksAsync() is { Length: >= 1 } t ? t : null,
                "the past-due run",
                TimeSpan.FromSeconds(30),
                () => host.Output
            );
            var tick = Assert.Single(ticks);
            Assert.True(tick.GetProperty("isPastDue").GetBoolean());
            Assert.True(tick.GetProperty("hasStatus").GetBoolean());
            Assert.Equal(new DateTime(2021, 1, 1), tick.GetProperty("next").GetDateTime().Date);
        }
    }
}
