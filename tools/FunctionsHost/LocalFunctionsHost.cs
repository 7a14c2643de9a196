using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FunctionsHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FunctionsHost;

/// <summary>Start-up, run and shutdown of the local host, in the order the real host does them.</summary>
internal static partial class LocalFunctionsHost
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WorkerGrace = TimeSpan.FromSeconds(5);

    /// <summary>The command: start, run until stopped (or the worker dies), stop. Exit code 0, 1 (start-up error) or 2
    /// (worker died).</summary>
    public static async Task<int> RunAsync(HostOptions options, CancellationToken stopping)
    {
        await using var host = new RunningHost();
        try
        {
            await StartAsync(host, options, stopping);
            await Task.WhenAny(host.WorkerExited, Task.Delay(Timeout.Infinite, stopping))
                .ContinueWith(_ => { }, TaskScheduler.Default);
            // Ctrl+C in a terminal reaches the worker too (same process group): its exit may come first.
            if (!stopping.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            if (!stopping.IsCancellationRequested)
            {
                HostConsole.Error(
                    $"The worker process exited unexpectedly (code {host.Worker.ExitCode}); stopping the host."
                );
                return 2;
            }
            HostConsole.Info("Stopping the host...");
            return 0;
        }
        catch (HostStartupException ex)
        {
            HostConsole.Error(ex.Message);
            return 1;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            HostConsole.Info("Stopped before start-up completed.");
            return 0;
        }
    }

    /// <summary>Starts everything and returns once the host listens and its triggers run; dispose the result to
    /// stop.</summary>
    public static async Task<RunningHost> StartAsync(HostOptions options, CancellationToken cancellationToken)
    {
        var host = new RunningHost();
        try
        {
            return await StartAsync(host, options, cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    private static async Task<RunningHost> StartAsync(
        RunningHost host,
        HostOptions options,
        CancellationToken cancellationToken
    )
    {
        HostConsole.Verbose = options.Verbose;
        {
            HostConsole.Line(
                "Azure Functions local host (development only; production runs on Azure Functions)",
                ConsoleColor.Cyan
            );
            var app = await FunctionApp.ResolveAsync(options, cancellationToken);
            HostConsole.Info($"Function app: {app.ScriptRoot}");

            var local = LoadLocalSettings(options, app);
            var settings = new AppSettings(local.Values);
            foreach (var (name, value) in options.Settings)
                settings.Set(name, value);
            var hostJson = HostJson.Load(app.ScriptRoot);

            if (
                !options.NoAzurite
                && StorageEmulator.IsLocalEmulator(settings.Get("AzureWebJobsStorage"), out var ports)
            )
            {
                host.Emulator = await StorageEmulator.EnsureAsync(
                    ports,
                    app.ProjectDirectory ?? app.ScriptRoot,
                    options.AzuriteLocation,
                    cancellationToken
                );
                settings.Set("AzureWebJobsStorage", host.Emulator.ConnectionString);
            }
            if (options.DevIdentity)
            {
                // Started before the worker, whose settings then name it (see ManagementSecurity:DevelopmentAuthority).
                host.DevIdentity = await DevIdentity.DevIdentityServer.StartAsync(
                    options.DevIdentityPort,
                    cancel: cancellationToken
                );
                foreach (var (name, value) in host.DevIdentity.FunctionAppSettings())
                    settings.Set(name, value);
                HostConsole.Info($"Development identity provider: {host.DevIdentity.Issuer}personas");
            }
            host.Settings = settings;

            var keys = HostKeys.From(options.MasterKey ?? local.MasterKey, local.FunctionKeys);
            // As the real host: AzureFunctionsWebHost__hostid overrides the id derived from the app.
            var hostId = settings.Get("AzureFunctionsWebHost__hostid")
                ?? settings.Get("AzureFunctionsWebHost:hostid")
                ?? HostId(app);
            var workerId = Guid.NewGuid().ToString();
            var channel = host.Channel = new WorkerChannel(workerId) { Logs = hostJson.Logs };

            host.RpcServer = await StartRpcServerAsync(channel, cancellationToken);
            var rpcAddresses = host
                .RpcServer.Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!
                .Addresses;
            var rpcUri = new Uri(rpcAddresses.First() + "/");
            HostConsole.Debug($"gRPC endpoint for the worker: {rpcUri}");

            var worker = host.Worker = WorkerProcess.Start(app, settings, rpcUri, workerId, Guid.NewGuid().ToString());
            HostConsole.Info($"Worker process started (pid {worker.Id}).");
            host.WorkerExited = worker.Exited.ContinueWith(
                _ => channel.Fail($"The worker process exited (code {worker.ExitCode})."),
                TaskScheduler.Default
            );

            var (functions, httpUri) = await InitializeWorkerAsync(
                channel,
                worker,
                app,
                options,
                hostJson,
                cancellationToken
            );
            host.Functions = functions;
            host.WorkerHttpUri = httpUri;

            var clock = TimeProvider.System;
            var queueClients = new QueueClients(settings, hostJson.Queues);
            var outputs = new QueueOutputBindings(queueClients, settings);
            var statusStore = ScheduleStatusStore.Create(settings.Get("AzureWebJobsStorage"), hostId);
            var timers = new TimerTriggers(channel, statusStore, clock);
            var queues = new QueueTriggers(channel, queueClients, settings, hostJson.Queues, clock);
            foreach (var function in functions)
            {
                if (function.Is(FunctionIndex.Timer))
                    timers.Add(function, settings);
                else if (function.Is(FunctionIndex.Queue))
                    queues.Add(function);
                outputs.Validate(function);
            }
            channel.ApplyOutputs = outputs.ApplyAsync;

            await LoadFunctionsAsync(channel, functions, cancellationToken);
            if (httpUri is not null)
                await WaitForWorkerHttpAsync(httpUri, worker, cancellationToken);

            var corsOrigins = new List<string>(options.CorsOrigins);
            if (options.Console is not null)
            {
                host.Console = await ConsoleSite.StartAsync(
                    options,
                    options.ConsolePort,
                    () => ConsoleSettings(host),
                    cancellationToken
                );
                corsOrigins.Add(host.Console.Origin);
            }
            host.FrontEnd = HttpFrontEnd.Create(
                new FrontEndContext(functions, hostJson.RoutePrefix, keys, channel, httpUri, timers, queues, hostId),
                options.Port ?? local.LocalHttpPort ?? 7071,
                corsOrigins
            );
            await host.FrontEnd.StartAsync(cancellationToken);

            PrintFunctions(host.FrontEnd, timers, queues);
            PrintKeys(keys, local);
            PrintWelcome(app, host.FrontEnd.BaseUri, hostJson, settings, keys);

            host.TriggerTasks.AddRange(timers.Start(host.TriggersStopping.Token));
            host.TriggerTasks.AddRange(queues.Start(host.TriggersStopping.Token));
            if (host.Console is not null)
                HostConsole.Success($"Console: {host.Console.BaseUri}");
            HostConsole.Success($"Host started: listening on {host.FrontEnd.BaseUri} (Ctrl+C to stop)");
            return host;
        }
    }

    /// <summary>What the console reads over its appsettings.json: this run's API and, when started, the development
    /// identity provider (otherwise its own appsettings.json decides, e.g. Entra ID).</summary>
    private static System.Text.Json.Nodes.JsonObject ConsoleSettings(RunningHost host)
    {
        var settings = new System.Text.Json.Nodes.JsonObject
        {
            ["Api"] = new System.Text.Json.Nodes.JsonObject
            {
                ["BaseUrl"] = host.FrontEnd?.BaseUri.ToString() + "api/",
            },
        };
        if (host.DevIdentity is { } identity)
        {
            settings["Oidc"] = new System.Text.Json.Nodes.JsonObject
            {
                ["Authority"] = identity.Issuer.ToString(),
                ["ClientId"] = identity.Options.ConsoleClientId,
                ["ApiScope"] = identity.Options.ApiScope,
            };
        }
        return settings;
    }

    /// <summary>A started host and what it owns; disposing it stops everything in order.</summary>
    internal sealed class RunningHost : IAsyncDisposable
    {
        public StorageEmulator? Emulator { get; set; }

        public AppSettings Settings { get; set; } = null!;

        public WebApplication? RpcServer { get; set; }

        public WorkerProcess Worker { get; set; } = null!;

        public Task WorkerExited { get; set; } = Task.CompletedTask;

        public WorkerChannel Channel { get; set; } = null!;

        public IReadOnlyList<FunctionDescriptor> Functions { get; set; } = [];

        public Uri? WorkerHttpUri { get; set; }

        public HttpFrontEnd? FrontEnd { get; set; }

        public DevIdentity.DevIdentityServer? DevIdentity { get; set; }

        public ConsoleSite? Console { get; set; }

        public Uri BaseUri => FrontEnd!.BaseUri;

        public CancellationTokenSource TriggersStopping { get; } = new();

        public List<Task> TriggerTasks { get; } = [];

        public async ValueTask DisposeAsync()
        {
            await TriggersStopping.CancelAsync();
            var drain = Task.WhenAll(TriggerTasks.Append(FrontEnd?.DrainAsync() ?? Task.CompletedTask));
            if (await Task.WhenAny(drain, Task.Delay(DrainTimeout)) != drain)
            {
                HostConsole.Warn("Invocations still running after the drain timeout; stopping anyway.");
            }
            if (FrontEnd is not null)
                await FrontEnd.DisposeAsync();
            if (Console is not null)
                await Console.DisposeAsync();
            if (DevIdentity is not null)
                await DevIdentity.DisposeAsync();
            if (Worker is not null && Channel is not null)
                await Worker.StopAsync(Channel, WorkerGrace);
            if (RpcServer is not null)
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await RpcServer.StopAsync(stop.Token);
                await RpcServer.DisposeAsync();
            }
            if (Emulator is not null)
                await Emulator.StopAsync();
            TriggersStopping.Dispose();
            HostConsole.Info("Host stopped.");
        }
    }

    private static LocalSettings LoadLocalSettings(HostOptions options, FunctionApp app)
    {
        if (options.SettingsFile is { } explicitFile)
        {
            if (!File.Exists(explicitFile))
                throw new HostStartupException($"--settings {explicitFile}: no such file.");
            return LocalSettings.Load(explicitFile);
        }
        var folders = new[] { app.ProjectDirectory, app.ScriptRoot }.OfType<string>().ToArray();
        foreach (var folder in folders)
        {
            var file = Path.Combine(folder, "local.settings.json");
            if (File.Exists(file))
            {
                HostConsole.Info($"Settings: {file}");
                return LocalSettings.Load(file);
            }
        }
        foreach (var folder in folders)
        {
            var example = Path.Combine(folder, "local.settings.example.json");
            if (File.Exists(example))
            {
                HostConsole.Warn(
                    $"No local.settings.json: using {example}. Copy it to local.settings.json to change settings."
                );
                return LocalSettings.Load(example);
            }
        }
        HostConsole.Warn("No local.settings.json: the app runs with the host's environment only.");
        return LocalSettings.Empty;
    }

    private static async Task<WebApplication> StartRpcServerAsync(
        WorkerChannel channel,
        CancellationToken cancellationToken
    )
    {
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] }
        );
        builder.Logging.ClearProviders();
        // The worker speaks HTTP/2 without TLS: the endpoint must be HTTP/2 only.
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2)
        );
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        builder.Services.AddSingleton(channel);
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        await app.StartAsync(cancellationToken);
        return app;
    }

    private static async Task<(IReadOnlyList<FunctionDescriptor> Functions, Uri? HttpUri)> InitializeWorkerAsync(
        WorkerChannel channel,
        WorkerProcess worker,
        FunctionApp app,
        HostOptions options,
        HostJson hostJson,
        CancellationToken cancellationToken
    )
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartupTimeout);
        try
        {
            await channel.Connected.WaitAsync(timeout.Token);
            var init = (
                await channel.RequestAsync(
                    "init",
                    new StreamingMessage
                    {
                        WorkerInitRequest = new WorkerInitRequest
                        {
                            HostVersion = "4.0.0-local",
                            WorkerDirectory = app.ScriptRoot,
                            FunctionAppDirectory = app.ScriptRoot,
                        },
                    },
                    timeout.Token
                )
            ).WorkerInitResponse;
            if (init.Result?.Status != StatusResult.Types.Status.Success)
            {
                throw new HostStartupException(
                    $"The worker failed to initialise: {init.Result?.Exception?.Message ?? init.Result?.Result}"
                );
            }
            var runtime = init.WorkerMetadata is { } m
                ? $"{m.RuntimeName} {m.RuntimeVersion}, worker {m.WorkerVersion}"
                : "unknown runtime";
            HostConsole.Info($"Worker initialised ({runtime}).");
            Uri? httpUri =
                init.Capabilities.TryGetValue("HttpUri", out var uri)
                && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
                    ? parsed
                    : null;

            IReadOnlyList<RpcFunctionMetadata> indexed;
            if (!app.WorkerIndexing)
            {
                HostConsole.Info("worker.config.json does not enable worker indexing: reading functions.metadata.");
                indexed = FunctionIndex.ReadMetadataFile(app.ScriptRoot);
            }
            else
            {
                var metadata = (
                    await channel.RequestAsync(
                        "metadata",
                        new StreamingMessage
                        {
                            FunctionsMetadataRequest = new FunctionsMetadataRequest
                            {
                                FunctionAppDirectory = app.ScriptRoot,
                            },
                        },
                        timeout.Token
                    )
                ).FunctionMetadataResponse;
                if (
                    metadata.UseDefaultMetadataIndexing
                    || metadata.Result?.Status != StatusResult.Types.Status.Success
                    || metadata.FunctionMetadataResults.Count == 0
                )
                {
                    if (metadata.Result?.Status == StatusResult.Types.Status.Failure)
                    {
                        HostConsole.Warn(
                            $"Worker indexing failed ({metadata.Result.Exception?.Message}); "
                                + "reading functions.metadata instead."
                        );
                    }
                    else
                    {
                        HostConsole.Info("The worker does not index its functions; reading functions.metadata.");
                    }
                    indexed = FunctionIndex.ReadMetadataFile(app.ScriptRoot);
                }
                else
                {
                    indexed = metadata.FunctionMetadataResults;
                }
            }
            var failed = indexed.Where(f => f.Status is { Status: StatusResult.Types.Status.Failure }).ToArray();
            if (failed.Length > 0)
            {
                throw new HostStartupException(
                    string.Join(
                        Environment.NewLine,
                        failed.Select(f => $"Function '{f.Name}' could not be indexed: {f.Status.Exception?.Message}")
                    )
                );
            }
            var functions = FunctionIndex.Select(
                indexed.Select(FunctionDescriptor.From).ToArray(),
                options.Functions ?? hostJson.Functions
            );
            return (functions, httpUri);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var what = channel.Connected.IsCompleted ? "answer" : "connect";
            throw new HostStartupException($"The worker did not {what} within {StartupTimeout.TotalSeconds:0} s.");
        }
        catch (WorkerUnavailableException ex)
        {
            throw new HostStartupException($"{ex.Message} The worker failed during start-up (its output is above).");
        }
        catch (HostStartupException) when (worker.Exited.IsCompleted && !channel.Connected.IsCompletedSuccessfully)
        {
            throw new HostStartupException(
                $"The worker process exited (code {worker.ExitCode}) before connecting; its output is above."
            );
        }
    }

    /// <summary>Loads every function (one request each, as the .NET worker expects) and waits for all of
    /// them.</summary>
    private static async Task LoadFunctionsAsync(
        WorkerChannel channel,
        IReadOnlyList<FunctionDescriptor> functions,
        CancellationToken cancellationToken
    )
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartupTimeout);
        var loads = functions
            .Select(async f =>
            {
                var answer = await channel.RequestAsync(
                    "load:" + f.FunctionId,
                    new StreamingMessage
                    {
                        FunctionLoadRequest = new FunctionLoadRequest
                        {
                            FunctionId = f.FunctionId,
                            Metadata = f.Metadata,
                        },
                    },
                    timeout.Token
                );
                var result = answer.FunctionLoadResponse.Result;
                return (
                    f.Name,
                    Ok: result?.Status == StatusResult.Types.Status.Success,
                    Error: result?.Exception?.Message ?? result?.Result
                );
            })
            .ToArray();
        try
        {
            var results = await Task.WhenAll(loads);
            var failed = results.Where(r => !r.Ok).ToArray();
            if (failed.Length > 0)
            {
                throw new HostStartupException(
                    string.Join(
                        Environment.NewLine,
                        failed.Select(r => $"Function '{r.Name}' failed to load: {r.Error}")
                    )
                );
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostStartupException(
                $"The worker did not load every function within {StartupTimeout.TotalSeconds:0} s."
            );
        }
        catch (WorkerUnavailableException ex)
        {
            throw new HostStartupException($"{ex.Message} The worker failed while loading functions.");
        }
        HostConsole.Info($"{functions.Count} function(s) loaded.");
    }

    /// <summary>The worker's own HTTP server starts with it; wait until it accepts connections before
    /// forwarding.</summary>
    private static async Task WaitForWorkerHttpAsync(
        Uri httpUri,
        WorkerProcess worker,
        CancellationToken cancellationToken
    )
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(httpUri.Host, httpUri.Port, cancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !worker.Exited.IsCompleted)
            {
                await Task.Delay(50, cancellationToken);
            }
            catch (SocketException) when (worker.Exited.IsCompleted)
            {
                throw new HostStartupException(
                    $"The worker process exited (code {worker.ExitCode}) during start-up; its output is above."
                );
            }
            catch (SocketException ex)
            {
                throw new HostStartupException(
                    $"The worker's HTTP endpoint {httpUri} does not accept connections: {ex.Message}"
                );
            }
        }
    }

    private static void PrintFunctions(HttpFrontEnd frontEnd, TimerTriggers timers, QueueTriggers queues)
    {
        HostConsole.Line();
        HostConsole.Line("Functions:", ConsoleColor.Cyan);
        HostConsole.Line();
        var baseUri = frontEnd.BaseUri.ToString();
        var lines = frontEnd
            .Routes.Select(r =>
                (r.Function, Description: r.Description.Replace("{base}", baseUri, StringComparison.Ordinal))
            )
            .Concat(timers.Describe())
            .Concat(queues.Describe())
            .OrderBy(l => l.Function, StringComparer.OrdinalIgnoreCase);
        foreach (var (function, description) in lines)
        {
            HostConsole.Line($"        {function}: {description}", ConsoleColor.Green);
            HostConsole.Line();
        }
    }

    private static void PrintKeys(HostKeys keys, LocalSettings local)
    {
        if (keys.MasterKeyGenerated)
        {
            HostConsole.Line(
                "Master key (admin API, function and admin level functions), generated for this run: " + keys.MasterKey
            );
            HostConsole.Line(
                "  Fix it with \"Host\": { \"MasterKey\": \"...\" } in local.settings.json or --master-key."
            );
        }
        else
        {
            HostConsole.Line($"Master key: from {(local.MasterKey is null ? "--master-key" : local.Path)}.");
        }
        if (keys.FunctionKeys.Count > 0)
        {
            HostConsole.Line($"Function keys: {string.Join(", ", keys.FunctionKeys.Keys)}.");
        }
        HostConsole.Line();
    }

    /// <summary>
    /// Prints the app's own getting-started text, if it has one: FunctionsHost.welcome.txt next to the project or in a
    /// folder above it (up to the repository root). Placeholders: {url}, {routePrefix}, {masterKey}, {setting:NAME}.
    /// </summary>
    private static void PrintWelcome(
        FunctionApp app,
        Uri baseUri,
        HostJson hostJson,
        AppSettings settings,
        HostKeys keys
    )
    {
        for (var dir = new DirectoryInfo(app.ProjectDirectory ?? app.ScriptRoot); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "FunctionsHost.welcome.txt");
            if (File.Exists(file))
            {
                var text = File.ReadAllText(file)
                    .Replace("{url}", baseUri.ToString().TrimEnd('/'), StringComparison.Ordinal)
                    .Replace("{routePrefix}", hostJson.RoutePrefix, StringComparison.Ordinal)
                    .Replace("{masterKey}", keys.MasterKey, StringComparison.Ordinal);
                text = SettingPlaceholder()
                    .Replace(text, m => settings.Get(m.Groups[1].Value) ?? $"<{m.Groups[1].Value} is not set>");
                HostConsole.Line(text.TrimEnd(), ConsoleColor.Cyan);
                HostConsole.Line();
                return;
            }
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"\{setting:([^}]+)\}")]
    private static partial Regex SettingPlaceholder();

    /// <summary>A stable id per app folder, like the real host's host id (at most 32 lower-case characters).</summary>
    private static string HostId(FunctionApp app)
    {
        var name = Path.GetFileNameWithoutExtension(app.WorkerPath).ToLowerInvariant();
        var clean = new string(name.Where(char.IsLetterOrDigit).ToArray());
        var hash = Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(app.ScriptRoot))
        )[..8];
        return (clean.Length > 23 ? clean[..23] : clean) + "-" + hash;
    }
}
