using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests;

/// <summary>Start-up refusal and shutdown of the host process itself.</summary>
public sealed class LifecycleTests
{
    [Fact]
    public async Task Host_refuses_to_start_an_app_with_an_unsupported_trigger_and_names_it()
    {
        var azurite = await Azurite.SharedAsync();
        await using var host = await HostProcess.StartAsync(
            BuiltPaths.SampleApp,
            SampleHostFixture.SampleSettings(azurite.ConnectionString, Guid.NewGuid().ToString("N")[..10]),
            waitForStart: false
        );
        var exit = await host.WaitForExitAsync(TimeSpan.FromSeconds(120));
        Assert.Equal(1, exit);
        // The last lines may still be on their way from the process's output pipe when the exit is seen.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(host.Output.Contains("Function 'BlobWatcher' has trigger type 'blobTrigger'")),
            "the host naming the unsupported trigger",
            diagnostics: () => host.Output
        );
        Assert.DoesNotContain("Host started", host.Output);
    }

    [Fact]
    public async Task Stopping_the_host_stops_the_worker_and_leaves_no_process_behind()
    {
        var azurite = await Azurite.SharedAsync();
        await using var host = await HostProcess.StartAsync(
            BuiltPaths.SampleApp,
            SampleHostFixture.SampleSettings(azurite.ConnectionString, Guid.NewGuid().ToString("N")[..10]),
            extraArgs: ["--functions", "Echo,Work"]
        );
        var children = host.Descendants();
        Assert.NotEmpty(children); // the worker

        // Ctrl+C when this process lets its children receive it (a background job ignores SIGINT), else SIGTERM.
        host.Signal(HostProcess.SigIntIgnored() ? HostProcess.SIGTERM : HostProcess.SIGINT);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await Eventually.ReturnsAsync(
            () => Task.FromResult(children.All(pid => !HostProcess.IsAlive(pid))),
            "the worker to exit",
            TimeSpan.FromSeconds(10),
            () => host.Output
        );
        Assert.Contains("Host stopped.", host.Output);
    }
}
