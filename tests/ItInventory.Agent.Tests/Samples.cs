namespace ItInventory.Agent.Tests;

/// <summary>Recorded tool outputs (Samples/README.md says where each came from).</summary>
public static class Samples
{
    public static string Text(string relative) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", relative));

    public static IReadOnlyDictionary<string, string> KeyValues(string relative) =>
        Text(relative)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1] + "\n");
}
