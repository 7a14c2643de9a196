using System.Collections;
using System.Text.Json;
using ItInventory.Agent.Configuration;
using ItInventory.Agent.Credentials;
using ItInventory.Agent.Logging;
using ItInventory.Agent.Net;
using ItInventory.Agent.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ItInventory.Agent;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        AgentOptions options;
        try
        {
            var environment = Environment
                .GetEnvironmentVariables()
                .Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
            options = AgentConfiguration.Load(args, environment);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or JsonException or InvalidDataException)
        {
            await Console.Error.WriteLineAsync("itinventory-agent: " + ex.Message);
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        if (options.PrintInventory)
            return PrintInventory(options);
        if (options.ServerUrl is null)
        {
            await Console.Error.WriteLineAsync("itinventory-agent: serverUrl is not configured.");
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }
        return options.Once ? await RunOnceAsync(options) : await RunServiceAsync(options);
    }

    private const string Usage =
        "usage: itinventory-agent [--once] [--server-url URL] [--enrollment-secret S] [--config FILE]\n"
        + "                         [--state-directory DIR] [--log-file FILE] [--print-inventory]\n"
        + "Settings also come from the config file (default /etc/itinventory-agent/agent.json) and "
        + "ITINVENTORY_AGENT_*.";

    /// <summary>One check-in without the generic host: the smallest footprint, for cron, tests and the
    /// benchmark.</summary>
    private static async Task<int> RunOnceAsync(AgentOptions options)
    {
        var logger = new MinimalLogger(
            "ItInventory.Agent",
            options.LogFile is null ? null : new FileLoggerProvider(options.LogFile)
        );
        using var http = ServerClient.CreateHttpClient();
        var client = new ServerClient(http, options.ServerUrl!);
        var cycle = CreateCycle(options, client, logger);
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var result = await cycle.RunAsync(cancel.Token);
        // The benchmark reads this line: request bytes on the wire for this run.
        logger.LogInformation(
            "Check-in {Outcome}: {Summary}; {Bytes} request body bytes",
            result.Succeeded ? "succeeded" : "failed",
            result.Summary,
            client.BytesSent
        );
        return result.Succeeded ? 0 : 1;
    }

    private static async Task<int> RunServiceAsync(AgentOptions options)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(s => s.ServiceName = "ItInventoryAgent");
        if (options.LogFile is not null)
            builder.Logging.AddProvider(new FileLoggerProvider(options.LogFile));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => ServerClient.CreateHttpClient());
        builder.Services.AddSingleton(sp => new ServerClient(sp.GetRequiredService<HttpClient>(), options.ServerUrl!));
        builder.Services.AddSingleton(sp =>
            CreateCycle(
                options,
                sp.GetRequiredService<ServerClient>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("ItInventory.Agent")
            )
        );
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(Random.Shared);
        builder.Services.AddHostedService<AgentService>();
        await builder.Build().RunAsync();
        return 0;
    }

    private static CheckinCycle CreateCycle(AgentOptions options, ServerClient client, ILogger logger) =>
        new(
            options,
            CredentialStores.ForThisPlatform(options.StateDirectory),
            new StateStore(options.StateDirectory),
            client,
            Platform.ForThisMachine(options),
            TimeProvider.System,
            Random.Shared,
            logger
        );

    private static int PrintInventory(AgentOptions options)
    {
        var cycle = new CheckinCycle(
            options,
            CredentialStores.ForThisPlatform(options.StateDirectory),
            new StateStore(options.StateDirectory),
            null!,
            Platform.ForThisMachine(options),
            TimeProvider.System,
            Random.Shared,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance
        );
        var inventory = cycle.Collect(CancellationToken.None);
        using var stdout = Console.OpenStandardOutput();
        JsonSerializer.Serialize(stdout, inventory, AgentJsonContext.Default.InventoryData);
        return 0;
    }
}
