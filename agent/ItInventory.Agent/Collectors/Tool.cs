using System.Diagnostics;

namespace ItInventory.Agent.Collectors;

/// <summary>Runs a system tool and returns its standard output; a non-zero exit or a timeout is an error (the
/// collector's section is then left out).</summary>
public static class Tool
{
    public static string Run(
        string file,
        string arguments,
        CancellationToken cancellationToken,
        int timeoutSeconds = 60
    )
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} took longer than {timeoutSeconds} s.");
        }
        if (process.ExitCode != 0)
        {
            var error = stderr.GetAwaiter().GetResult().Trim();
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}: {error}");
        }
        return output.GetAwaiter().GetResult();
    }

    /// <summary>The first existing path among the usual locations, else the bare name (PATH lookup).</summary>
    public static string Find(string name, params string[] directories) =>
        directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists) ?? name;
}
