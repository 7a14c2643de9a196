using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FunctionsHost.Tests.Infrastructure;

/// <summary>Where the build put the host and the apps it runs (paths baked in by the test project).</summary>
public static class BuiltPaths
{
    public static string FunctionsHost => Metadata("FunctionsHostPath");

    public static string InventoryApp => Metadata("InventoryAppPath");

    public static string SampleApp => Metadata("SampleAppPath");

    private static string Metadata(string key) =>
        Path.GetFullPath(
            typeof(BuiltPaths)
                .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == key)
                .Value!
        );
}

/// <summary>
/// The local Functions host as a separate process, as a developer runs it: started on a function app with a
/// local.settings.json written for the test, on a free port; stopped with a signal.
/// </summary>
public sealed partial class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();
    private readonly TaskCompletionSource<Uri> started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string settingsFile;

    private HostProcess(Process process, string settingsFile)
    {
        this.process = process;
        this.settingsFile = settingsFile;
    }

    public Uri BaseUri { get; private set; } = null!;

    public int ProcessId => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output => string.Join(Environment.NewLine, lines);

    /// <summary>Starts the host and, unless <paramref name="waitForStart"/> is false, waits until it listens.</summary>
    public static async Task<HostProcess> StartAsync(
        string app,
        IDictionary<string, string> settings,
        string? masterKey = null,
        IDictionary<string, string>? functionKeys = null,
        IEnumerable<string>? extraArgs = null,
        bool waitForStart = true
    )
    {
        // A local.settings.json of the test's own: no developer settings leak in.
        var hostSection = new JsonObject();
        if (masterKey is not null)
            hostSection["MasterKey"] = masterKey;
        if (functionKeys is not null)
        {
            hostSection["FunctionKeys"] = new JsonObject(
                functionKeys.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)k.Value))
            );
        }
        var settingsFile = Path.Combine(Path.GetTempPath(), $"functionshost-tests-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(
            settingsFile,
            new JsonObject
            {
                ["IsEncrypted"] = false,
                ["Values"] = new JsonObject(settings.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
                ["Host"] = hostSection,
            }.ToJsonString()
        );

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        string[] hostArgs =
        [
            BuiltPaths.FunctionsHost,
            "--app",
            app,
            "--port",
            "0",
            "--no-azurite",
            "--settings",
            settingsFile,
        ];
        foreach (var arg in hostArgs.Concat(extraArgs ?? []))
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["NO_COLOR"] = "1";
        start.Environment.Remove("AzureWebJobsStorage");

        var process = Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
        var host = new HostProcess(process, settingsFile);
        process.OutputDataReceived += (_, e) => host.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => host.OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
            host.started.TrySetException(
                new InvalidOperationException($"The host exited with code {SafeExitCode(process)} before it started.")
            );
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitForStart)
        {
            try
            {
                host.BaseUri = await host.started.Task.WaitAsync(StartTimeout);
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException(
                    $"{ex.Message}{Environment.NewLine}Host output:{Environment.NewLine}{host.Output}",
                    ex
                );
            }
        }
        return host;
    }

    private static int? SafeExitCode(Process process)
    {
        try
        {
            return process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lines.Enqueue(line);
        if (StartedLine().Match(line) is { Success: true } match)
            started.TrySetResult(new Uri(match.Groups[1].Value));
    }

    [GeneratedRegex(@"Host started: listening on (\S+)")]
    private static partial Regex StartedLine();

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await process.WaitForExitAsync().WaitAsync(timeout);
        process.WaitForExit(); // drains the output events
        return process.ExitCode;
    }

    /// <summary>Every process below the host (the worker; Azurite when the host started it), from /proc.</summary>
    public IReadOnlyList<int> Descendants()
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { }
        }
        var result = new List<int>();
        var queue = new Queue<int>([process.Id]);
        while (queue.Count > 0)
        {
            var parent = queue.Dequeue();
            foreach (var (pid, ppid) in parents)
            {
                if (ppid == parent && !result.Contains(pid))
                {
                    result.Add(pid);
                    queue.Enqueue(pid);
                }
            }
        }
        return result;
    }

    public static bool IsAlive(int pid)
    {
        // A zombie is gone for our purposes (its parent has not reaped it yet).
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Signals the host as Ctrl+C (SIGINT) or a service manager (SIGTERM) would.</summary>
    public void Signal(int signal)
    {
        if (kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException(
                $"kill({process.Id}, {signal}) failed: errno {Marshal.GetLastWin32Error()}"
            );
        }
    }

    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    /// <summary>Whether this process ignores SIGINT (then its children inherit that, as background jobs do).</summary>
    public static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status")
            .FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << (SIGINT - 1))) != 0;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public async Task StopAsync()
    {
        if (process.HasExited)
            return;
        Signal(SIGTERM);
        try
        {
            await WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            try
            {
                if (!process.HasExited)
                    process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { }
            process.Dispose();
            File.Delete(settingsFile);
        }
    }
}
