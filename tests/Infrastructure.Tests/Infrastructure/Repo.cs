using System.Reflection;

namespace ItInventory.Infrastructure.Tests.Infrastructure;

/// <summary>Paths of the repository and of the tools the tests run.</summary>
public static class Repo
{
    /// <summary>The folder holding ItInventory.Functions.sln, found from the test binaries upwards.</summary>
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Infra(params string[] parts) => Path(["infra", .. parts]);

    /// <summary>The Bicep CLI restored from the Azure.Bicep.CommandLine.linux-x64 package (see the .csproj).</summary>
    public static string BicepCli { get; } =
        typeof(Repo)
            .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "BicepCliPath")
            .Value
        ?? throw new InvalidOperationException("BicepCliPath assembly metadata is missing.");

    /// <summary>The worker SDK's function index of the app, copied to this output by the project reference.</summary>
    public static string FunctionsMetadata { get; } =
        System.IO.Path.Combine(AppContext.BaseDirectory, "functions.metadata");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ItInventory.Functions.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No ItInventory.Functions.sln above {AppContext.BaseDirectory}.");
    }
}
