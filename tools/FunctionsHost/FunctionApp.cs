using System.Diagnostics;
using System.Text.Json;

namespace FunctionsHost;

/// <summary>The function app to run: its project folder (if any), its built output (the script root) and its
/// worker.</summary>
internal sealed record FunctionApp(
    string? ProjectDirectory,
    string ScriptRoot,
    string WorkerExecutable,
    string WorkerPath,
    bool WorkerIndexing
)
{
    /// <summary>Finds the app from <c>--app</c>: a project is built first (unless told not to), a built folder is used
    /// as it is.</summary>
    public static async Task<FunctionApp> ResolveAsync(HostOptions options, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(options.App);
        string? project = null;
        if (File.Exists(path) && path.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
        {
            project = path;
        }
        else if (Directory.Exists(path))
        {
            if (
                File.Exists(Path.Combine(path, "worker.config.json"))
                || File.Exists(Path.Combine(path, "functions.metadata"))
            )
            {
                return FromScriptRoot(null, path);
            }
            var projects = Directory.GetFiles(path, "*.csproj");
            project = projects.Length switch
            {
                1 => projects[0],
                0 => throw new HostStartupException(
                    $"{path} holds neither a project (*.csproj) nor a built function app (functions.metadata)."
                ),
                _ => throw new HostStartupException(
                    $"{path} holds several projects; pass one with --app <file>.csproj."
                ),
            };
        }
        else
        {
            throw new HostStartupException($"--app {options.App}: no such file or folder.");
        }

        if (!options.NoBuild)
            await BuildAsync(project, options.Configuration, cancellationToken);
        var targetDir = await MsBuildPropertyAsync(project, "TargetDir", options.Configuration, cancellationToken);
        if (string.IsNullOrWhiteSpace(targetDir) || !Directory.Exists(targetDir))
        {
            throw new HostStartupException(
                $"The output folder of {project} ({targetDir}) does not exist: build it, or drop --no-build."
            );
        }
        return FromScriptRoot(Path.GetDirectoryName(project), Path.GetFullPath(targetDir));
    }

    private static FunctionApp FromScriptRoot(string? projectDirectory, string scriptRoot)
    {
        var config = Path.Combine(scriptRoot, "worker.config.json");
        string executable = "dotnet",
            workerPath;
        var workerIndexing = false;
        if (File.Exists(config))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(config));
            var description = HostJson.Child(document.RootElement, "description");
            var language =
                description is { } d && HostJson.Child(d, "language") is { ValueKind: JsonValueKind.String } l
                    ? l.GetString()
                    : null;
            if (language is not null && language != "dotnet-isolated")
            {
                throw new HostStartupException(
                    $"worker.config.json declares language '{language}'; this host runs only dotnet-isolated apps."
                );
            }
            if (
                description is { } desc
                && HostJson.Child(desc, "defaultExecutablePath") is { ValueKind: JsonValueKind.String } exe
            )
            {
                executable = exe.GetString()!;
            }
            workerPath =
                description is { } de
                && HostJson.Child(de, "defaultWorkerPath") is { ValueKind: JsonValueKind.String } wp
                    ? wp.GetString()!
                    : throw new HostStartupException($"{config} has no description.defaultWorkerPath.");
            // As the real host: the worker indexes its functions only when its config says it can; otherwise the
            // host reads functions.metadata itself.
            workerIndexing =
                description is { } di
                && HostJson.Child(di, "workerIndexing") is { } wi
                && (
                    wi.ValueKind == JsonValueKind.True
                    || (wi.ValueKind == JsonValueKind.String && bool.TryParse(wi.GetString(), out var b) && b)
                );
        }
        else
        {
            // No worker.config.json: take the script file the metadata names.
            var metadata = Path.Combine(scriptRoot, "functions.metadata");
            using var document = JsonDocument.Parse(File.ReadAllText(metadata));
            workerPath = document
                .RootElement.EnumerateArray()
                .Select(f => HostJson.Child(f, "scriptFile")?.GetString())
                .FirstOrDefault(s => s is not null)
                ?? throw new HostStartupException($"{metadata} names no scriptFile.");
        }
        workerPath = Path.GetFullPath(Path.Combine(scriptRoot, workerPath));
        if (!File.Exists(workerPath))
        {
            throw new HostStartupException($"The worker {workerPath} does not exist: build the app first.");
        }
        return new FunctionApp(projectDirectory, scriptRoot, executable, workerPath, workerIndexing);
    }

    internal static async Task BuildAsync(string project, string configuration, CancellationToken cancellationToken)
    {
        HostConsole.Info($"Building {Path.GetFileName(project)} ({configuration})...");
        var watch = Stopwatch.StartNew();
        var (exit, output) = await RunDotnetAsync(
            ["build", project, "-c", configuration, "-nologo", "-v", "q", "-clp:NoSummary;ErrorsOnly"],
            cancellationToken
        );
        if (exit != 0)
        {
            HostConsole.Line(output.TrimEnd());
            throw new HostStartupException($"Building {project} failed (exit {exit}).");
        }
        HostConsole.Info($"Build succeeded in {watch.Elapsed.TotalSeconds:0.0} s.");
    }

    internal static async Task<string> MsBuildPropertyAsync(
        string project,
        string property,
        string configuration,
        CancellationToken cancellationToken
    )
    {
        var (exit, output) = await RunDotnetAsync(
            ["msbuild", project, $"-getProperty:{property}", $"-p:Configuration={configuration}", "-nologo"],
            cancellationToken
        );
        if (exit != 0)
            throw new HostStartupException($"Could not read {property} of {project}:\n{output}");
        return output.Trim();
    }

    private static async Task<(int Exit, string Output)> RunDotnetAsync(
        IEnumerable<string> args,
        CancellationToken cancellationToken
    )
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        // A build started from 'dotnet run' must not inherit its MSBuild node settings.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start) ?? throw new HostStartupException("Could not start dotnet.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}
