using System.Diagnostics;

namespace FunctionsHost;

/// <summary>The worker process (<c>dotnet App.dll</c>), launched the way the Functions host launches it.</summary>
internal sealed class WorkerProcess
{
    /// <summary>The .NET worker sets its gRPC message limits from this switch; without it every message is
    /// refused.</summary>
    private const string MaxMessageLength = "2147483647";

    private readonly Process process;
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process)
    {
        this.process = process;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => exited.TrySetResult();
        if (process.HasExited)
            exited.TrySetResult();
    }

    public int Id => process.Id;

    public Task Exited => exited.Task;

    public int? ExitCode => process.HasExited ? process.ExitCode : null;

    public static WorkerProcess Start(
        FunctionApp app,
        AppSettings settings,
        Uri hostEndpoint,
        string workerId,
        string requestId
    )
    {
        var start = new ProcessStartInfo(app.WorkerExecutable)
        {
            WorkingDirectory = app.ScriptRoot,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        if (Path.GetFileNameWithoutExtension(app.WorkerExecutable).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(app.WorkerPath);
        }
        foreach (
            var arg in new[]
            {
                // The switches worker 2.x reads, and the legacy ones the real host still passes.
                "--host",
                hostEndpoint.Host,
                "--port",
                hostEndpoint.Port.ToString(),
                "--workerId",
                workerId,
                "--requestId",
                requestId,
                "--grpcMaxMessageLength",
                MaxMessageLength,
                "--functions-uri",
                hostEndpoint.ToString(),
                "--functions-worker-id",
                workerId,
                "--functions-request-id",
                requestId,
                "--functions-grpc-max-message-length",
                MaxMessageLength,
            }
        )
        {
            start.ArgumentList.Add(arg);
        }

        var env = start.Environment;
        // The worker picks its own HTTP port; inherited URL settings would make it listen elsewhere.
        string[] urlSettings = ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS"];
        foreach (var name in urlSettings)
        {
            env.Remove(name);
        }
        foreach (var (name, value) in settings.Values)
            env[name] = value;
        env.TryAdd("FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated");
        env.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        env["AzureWebJobsScriptRoot"] = app.ScriptRoot;
        env["FUNCTIONS_WORKER_DIRECTORY"] = app.ScriptRoot;
        env["FUNCTIONS_APPLICATION_DIRECTORY"] = app.ScriptRoot;

        var process = Process.Start(start)
            ?? throw new HostStartupException($"Could not start {app.WorkerExecutable}.");
        // The worker logs over gRPC; its own output is mostly empty but must be drained (crash traces land here).
        process.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
                HostConsole.Info($"[worker] {e.Data}");
        };
        var framesHidden = 0;
        process.ErrorDataReceived += (_, e) =>
        {
            if (string.IsNullOrWhiteSpace(e.Data))
                return;
            // A crash trace keeps its exception lines; its stack frames (dozens per inner exception of a storage
            // retry) only with --verbose.
            if (!HostConsole.Verbose && IsStackFrame(e.Data))
            {
                if (Interlocked.Increment(ref framesHidden) == 1)
                {
                    HostConsole.Error("[worker] (stack frames hidden: --verbose shows them)");
                }
                return;
            }
            HostConsole.Error($"[worker] {e.Data}");
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new WorkerProcess(process);
    }

    private static bool IsStackFrame(string line)
    {
        var trimmed = line.TrimStart();
        return (trimmed.Length < line.Length && trimmed.StartsWith("at ", StringComparison.Ordinal))
            || trimmed.StartsWith("--- End of inner exception stack trace ---", StringComparison.Ordinal)
            || trimmed.StartsWith("--- End of stack trace from previous location ---", StringComparison.Ordinal);
    }

    /// <summary>Asks the worker to terminate (gracefully, through the channel), then kills whatever is left.</summary>
    public async Task StopAsync(WorkerChannel channel, TimeSpan grace)
    {
        if (process.HasExited)
            return;
        var asked = false;
        if (channel.Connected.IsCompletedSuccessfully && !channel.Disconnected.IsCompleted)
        {
            try
            {
                channel.Send(
                    new Rpc.StreamingMessage
                    {
                        WorkerTerminate = new Rpc.WorkerTerminate
                        {
                            GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(grace),
                        },
                    }
                );
                asked = true;
            }
            catch (WorkerUnavailableException) { }
        }
        if (!asked)
        {
            // Not connected (stopped during start-up): nothing to finish, and no way to ask it to stop.
            Kill();
            return;
        }
        try
        {
            await Exited.WaitAsync(grace + TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            HostConsole.Warn(
                $"The worker (pid {process.Id}) did not exit within {grace.TotalSeconds:0} s; killing it."
            );
        }
        Kill();
    }

    public void Kill()
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }
}
