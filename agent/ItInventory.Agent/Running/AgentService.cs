using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ItInventory.Agent.Running;

/// <summary>The long-running agent (systemd, Windows service, launchd): check-ins at the server's interval with
/// jitter, back-off after failures.</summary>
public sealed class AgentService(
    CheckinCycle cycle,
    Configuration.AgentOptions options,
    TimeProvider clock,
    Random random,
    ILogger<AgentService> logger
) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Devices that boot together (an office at 9:00) spread their first check-in over a minute.
        await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * options.StartupDelaySeconds), clock, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            CycleResult result;
            try
            {
                result = await cycle.RunAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The check-in failed unexpectedly");
                result = new CycleResult(
                    false,
                    Net.Backoff.Delay(3, null, random, TimeSpan.FromSeconds(options.RetryBaseSeconds)),
                    "error"
                );
            }
            logger.LogInformation(
                "Next check-in in {Minutes:0.0} min ({Summary})",
                result.NextDelay.TotalMinutes,
                result.Summary
            );
            await Task.Delay(result.NextDelay, clock, stoppingToken);
        }
    }
}
