using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ItInventory.Functions.Tests.Shared;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>
/// One real Azurite (the repo's pinned npm package) per test run, in memory, on free loopback ports. Installs it
/// with <c>npm ci</c> first when needed (once, under a cross-process lock), and stops it by PID when the run ends.
/// </summary>
public sealed class Azurite
{
    private static readonly Lazy<Task<Azurite>> Instance = new(StartAsync);

    private readonly Process process;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort)
    {
        this.process = process;
        ConnectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;"
            + $"QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1;"
            + $"TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    /// <summary>The Azurite (node) process itself, the watchdog shell's child: what CPU measurements should
    /// watch.</summary>
    public int ProcessId
    {
        get
        {
            var children = $"/proc/{process.Id}/task/{process.Id}/children";
            return
                File.Exists(children)
                && File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var child, ..]
                ? int.Parse(child, System.Globalization.CultureInfo.InvariantCulture)
                : process.Id;
        }
    }

    public static Task<Azurite> SharedAsync() => Instance.Value;

    private static async Task<Azurite> StartAsync()
    {
        var executable = await AzuriteInstall.EnsureAsync();
        for (var attempt = 1; ; attempt++)
        {
            var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
            // A small shell watchdog owns Azurite: when this test process goes away — even killed, without running
            // exit handlers — the watchdog notices within a second and stops Azurite, so no emulator is left behind.
            var start = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepositoryRoot.Path,
            };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Watchdog);
            start.ArgumentList.Add(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(executable);
            foreach (
                var arg in new[]
                {
                    "--inMemoryPersistence",
                    "--silent",
                    "--skipApiVersionCheck",
                    "--disableTelemetry",
                    "--loose",
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    blob.ToString(),
                    "--queueHost",
                    "127.0.0.1",
                    "--queuePort",
                    queue.ToString(),
                    "--tableHost",
                    "127.0.0.1",
                    "--tablePort",
                    table.ToString(),
                }
            )
            {
                start.ArgumentList.Add(arg);
            }
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException(
                    $"Azurite ({executable}) could not be started. Prerequisite: Node.js 20+ on PATH.",
                    ex
                );
            }
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(process);

            if (await WaitForPortsAsync(process, [blob, queue, table], TimeSpan.FromSeconds(60)))
            {
                return new Azurite(process, blob, queue, table);
            }
            Stop(process);
            if (attempt == 3)
                throw new InvalidOperationException(
                    $"Azurite did not listen on ports {blob}/{queue}/{table} within 60 s."
                );
        }
    }

    /// <summary>sh -c WATCHDOG parentPid azurite args…: runs Azurite while the parent lives.</summary>
    private const string Watchdog = """
        parent="$0"; "$@" & child=$!
        trap 'kill $child 2>/dev/null; exit 0' TERM INT HUP
        while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill "$child" 2>/dev/null; wait "$child" 2>/dev/null
        """;

    private static async Task<bool> WaitForPortsAsync(Process process, int[] ports, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                    return false;
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50);
                }
                catch (SocketException)
                {
                    return false;
                }
            }
        }
        return true;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Runs <c>npm ci</c> in the repository when Azurite is not installed yet, once across parallel test
/// processes.</summary>
public static class AzuriteInstall
{
    public static async Task<string> EnsureAsync()
    {
        var executable = RepositoryRoot.Combine("node_modules", ".bin", "azurite");
        if (File.Exists(executable))
            return executable;

        // Not inside node_modules: 'npm ci' deletes that folder first.
        var lockName =
            "itinventory-npm-"
            + Convert.ToHexStringLower(
                System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(RepositoryRoot.Path))
            )[..16]
            + ".lock";
        await using var gate = await CrossProcessLock.AcquireAsync(
            Path.Combine(Path.GetTempPath(), lockName),
            TimeSpan.FromMinutes(10)
        );
        if (File.Exists(executable))
            return executable;

        var npm = new ProcessStartInfo("npm")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund" })
            npm.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(npm) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "Azurite is not installed and npm was not found. Prerequisite: Node.js 20+ with npm on PATH "
                    + "(the tests install the pinned Azurite from package-lock.json with 'npm ci').",
                ex
            );
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(executable))
        {
            throw new InvalidOperationException(
                $"'npm ci' failed (exit {process.ExitCode}) installing Azurite:\n{await stdout}\n{await stderr}"
            );
        }
        return executable;
    }
}
