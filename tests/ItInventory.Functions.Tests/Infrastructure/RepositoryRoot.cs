namespace ItInventory.Functions.Tests.Infrastructure;

public static class RepositoryRoot
{
    /// <summary>The folder holding ItInventory.Functions.sln, found from the test binaries upwards.</summary>
    public static string Path { get; } = Find();

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ItInventory.Functions.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No ItInventory.Functions.sln above {AppContext.BaseDirectory}.");
    }
}
