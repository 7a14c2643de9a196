using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FunctionsHost;

/// <summary>
/// Local storage for the app when none is configured: Azurite from the repository's pinned npm package (installed
/// with <c>npm ci</c> when missing), persisted on disk so local data survives restarts.
/// </summary>
internal sealed class StorageEmulator
{
    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly (int Blob, int Queue, int Table) DefaultPorts = (10000, 10001, 10002);

    private readonly Process? process;

    private StorageEmulator(Process? process, (int Blob, int Queue, int Table) ports, string? location)
    {
        this.process = process;
        Ports = ports;
        Location = location;
    }

    public (int Blob, int Queue, int Table) Ports { get; }

    public string? Location { get; }

    public bool Started => process is not null;

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};"
        + $"BlobEndpoint=http://127.0.0.1:{Ports.Blob}/devstoreaccount1;"
        + $"QueueEndpoint=http://127.0.0.1:{Ports.Queue}/devstoreaccount1;"
        + $"TableEndpoint=http://127.0.0.1:{Ports.Table}/devstoreaccount1;";

    /// <summary>
    /// Whether <paramref name="connectionString"/> means "the local emulator": empty,
    /// <c>UseDevelopmentStorage=true</c>,
    /// or the emulator account on loopback endpoints. Returns the ports it names.
    /// </summary>
    public static bool IsLocalEmulator(string? connectionString, out (int Blob, int Queue, int Table) ports)
    {
        ports = DefaultPorts;
        if (string.IsNullOrWhiteSpace(connectionString))
            return true;
        var parts = connectionString
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("UseDevelopmentStorage", out var dev))
        {
            return dev.Equals("true", StringComparison.OrdinalIgnoreCase);
        }
        if (!parts.TryGetValue("AccountName", out var account) || account != "devstoreaccount1")
            return false;
        static bool Local(string? value, out Uri uri) =>
            Uri.TryCreate(value, UriKind.Absolute, out uri!) && (uri.IsLoopback || uri.Host == "localhost");
        int Port(string key, int fallback) =>
            parts.TryGetValue(key, out var value) && Local(value, out var uri) ? uri.Port : fallback;
        var loopback = new[] { "BlobEndpoint", "QueueEndpoint", "TableEndpoint" }.All(k =>
            !parts.TryGetValue(k, out var v) || Local(v, out _)
        );
        if (!loopback)
            return false;
        ports = (
            Port("BlobEndpoint", DefaultPorts.Blob),
            Port("QueueEndpoint", DefaultPorts.Queue),
            Port("TableEndpoint", DefaultPorts.Table)
        );
        return true;
    }

    /// <summary>Uses an emulator already listening on <paramref name="ports"/>, or starts Azurite there.</summary>
    public static async Task<StorageEmulator> EnsureAsync(
        (int Blob, int Queue, int Table) ports,
        string searchFrom,
        string? location,
        CancellationToken cancellationToken
    )
    {
        if (await AnswersAsync(ports.Blob) && await AnswersAsync(ports.Queue) && await AnswersAsync(ports.Table))
        {
            HostConsole.Info(
                $"Using the storage emulator already listening on ports {ports.Blob}/{ports.Queue}/{ports.Table}."
            );
            return new StorageEmulator(null, ports, null);
        }
        var (executable, packageDirectory) = await InstallAsync(searchFrom, cancellationToken);
        location ??= Path.Combine(packageDirectory, ".azurite");
        Directory.CreateDirectory(location);

        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = packageDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (
            var arg in new[]
            {
                "--location",
                location,
                "--silent",
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--loose",
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                ports.Blob.ToString(),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                ports.Queue.ToString(),
                "--tableHost",
                "127.0.0.1",
                "--tablePort",
                ports.Table.ToString(),
            }
        )
        {
            start.ArgumentList.Add(arg);
        }
        var output = new System.Text.StringBuilder();
        var process = Process.Start(start) ?? throw new HostStartupException("Azurite did not start.");
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (output)
                    output.AppendLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lock (output)
                    output.AppendLine(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var emulator = new StorageEmulator(process, ports, location);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
        {
            while (!await AnswersAsync(port))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    await emulator.StopAsync();
                    string text;
                    lock (output)
                        text = output.ToString();
                    throw new HostStartupException(
                        $"Azurite did not listen on ports {ports.Blob}/{ports.Queue}/{ports.Table} "
                            + "(a port in use?):\n"
                            + text
                    );
                }
                await Task.Delay(100, cancellationToken);
            }
        }
        HostConsole.Info(
            $"Azurite started (pid {process.Id}) on ports {ports.Blob}/{ports.Queue}/{ports.Table}, "
                + $"data in {location}."
        );
        return emulator;
    }

    /// <summary>Stops Azurite if this host started it: politely first (it flushes its data files), then by
    /// force.</summary>
    public async Task StopAsync()
    {
        if (process is null || process.HasExited)
            return;
        if (!OperatingSystem.IsWindows())
            _ = SendSignal(process.Id, 2); // SIGINT: Azurite closes its stores.
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException) { }
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private static async Task<(string Executable, string PackageDirectory)> InstallAsync(
        string searchFrom,
        CancellationToken cancellationToken
    )
    {
        var executableName = OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite";
        string? packageDirectory = null;
        for (var dir = new DirectoryInfo(searchFrom); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "node_modules", ".bin", executableName);
            if (File.Exists(candidate))
                return (candidate, dir.FullName);
            if (packageDirectory is null && PinsAzurite(Path.Combine(dir.FullName, "package.json")))
            {
                packageDirectory = dir.FullName;
            }
        }
        if (packageDirectory is null)
        {
            throw new HostStartupException(
                "No storage is configured (AzureWebJobsStorage) and no package.json pins azurite. "
                    + "Set AzureWebJobsStorage, or add azurite to a package.json above the app."
            );
        }

        HostConsole.Info($"Installing Azurite (npm ci in {packageDirectory})...");
        var npm = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = packageDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var command = File.Exists(Path.Combine(packageDirectory, "package-lock.json")) ? "ci" : "install";
        foreach (var arg in new[] { command, "--no-audit", "--no-fund" })
        {
            npm.ArgumentList.Add(arg);
        }
        Process process;
        try
        {
            process = Process.Start(npm) ?? throw new HostStartupException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new HostStartupException(
                "No storage is configured and Azurite is not installed, and npm was not found: install Node.js "
                    + "(with npm), or set AzureWebJobsStorage."
            );
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var executable = Path.Combine(packageDirectory, "node_modules", ".bin", executableName);
            if (process.ExitCode != 0 || !File.Exists(executable))
            {
                throw new HostStartupException(
                    $"Installing Azurite failed (npm exit {process.ExitCode}):\n{await stdout}\n{await stderr}"
                );
            }
            return (executable, packageDirectory);
        }
    }

    private static bool PinsAzurite(string packageJson)
    {
        if (!File.Exists(packageJson))
            return false;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(packageJson));
            return new[] { "devDependencies", "dependencies" }.Any(section =>
                HostJson.Child(document.RootElement, section) is { ValueKind: JsonValueKind.Object } deps
                && HostJson.Child(deps, "azurite") is not null
            );
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<bool> AnswersAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
