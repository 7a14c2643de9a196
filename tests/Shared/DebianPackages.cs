using System.Diagnostics;

namespace ItInventory.Functions.Tests.Shared;

/// <summary>
/// Installs Debian packages the end-to-end tests need (Chromium, the FusionInventory and OCS agents) when they are
/// missing: <c>apt-get update</c> once, then <c>apt-get install -y --no-install-recommends</c>, under a machine-wide
/// lock so parallel test processes never run two apt-gets. Answers null when everything is installed, or the reason it
/// cannot install (not root, no apt-get, the package is not available) so a test can skip with a clear message.
/// </summary>
public static class DebianPackages
{
    private static readonly SemaphoreSlim InProcess = new(1, 1);

    /// <summary>Whether each package is installed (dpkg's status says "install ok installed").</summary>
    public static async Task<bool> IsInstalledAsync(string package)
    {
        var (exit, output) = await RunAsync("dpkg-query", ["-W", "-f=${Status}", package]);
        return exit == 0 && output.Contains("install ok installed", StringComparison.Ordinal);
    }

    /// <summary>Installs the packages that are missing. Null when all are installed afterwards, else why not.</summary>
    public static async Task<string?> EnsureAsync(params string[] packages)
    {
        await InProcess.WaitAsync();
        try
        {
            var missing = await MissingAsync(packages);
            if (missing.Count == 0)
                return null;
            if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
                return $"Debian package(s) {string.Join(", ", missing)} missing and this user cannot apt-get install.";
            await using var gate = await CrossProcessLock.AcquireAsync(
                Path.Combine(Path.GetTempPath(), "itinventory-apt.lock"),
                TimeSpan.FromMinutes(15)
            );
            missing = await MissingAsync(packages);
            if (missing.Count == 0)
                return null;
            var (updateExit, updateOutput) = await RunAsync("apt-get", ["update"]);
            if (updateExit != 0)
                return $"'apt-get update' failed (exit {updateExit}): {Tail(updateOutput)}";
            var (exit, output) = await RunAsync("apt-get", ["install", "-y", "--no-install-recommends", .. missing]);
            if (exit != 0)
                return $"'apt-get install {string.Join(' ', missing)}' failed (exit {exit}): {Tail(output)}";
            missing = await MissingAsync(packages);
            return missing.Count == 0 ? null : $"Still missing after apt-get install: {string.Join(", ", missing)}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return $"Cannot run dpkg/apt-get here: {ex.Message}";
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static async Task<List<string>> MissingAsync(IEnumerable<string> packages)
    {
        var missing = new List<string>();
        foreach (var package in packages)
        {
            if (!await IsInstalledAsync(package))
                missing.Add(package);
        }
        return missing;
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    private static async Task<(int Exit, string Output)> RunAsync(string file, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
