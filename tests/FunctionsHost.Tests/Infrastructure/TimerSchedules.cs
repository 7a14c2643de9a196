using System.Text.Json.Nodes;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests.Infrastructure;

/// <summary>
/// Every timer schedule and trigger queue the inventory app's triggers resolve (<c>%…_SCHEDULE%</c>,
/// <c>%…_QUEUE%</c>), with the values of functions/local.settings.example.json: the host refuses to start while one
/// is unset, so fixtures take them all from there (and give queues names of their own) and a new trigger cannot
/// break them (the infra tests keep that file complete).
/// </summary>
public static class TimerSchedules
{
    public static IReadOnlyDictionary<string, string> FromLocalSettingsExample()
    {
        var path = Path.Combine(RepositoryRoot.Path, "functions", "local.settings.example.json");
        var values = JsonNode.Parse(File.ReadAllText(path))!["Values"]!.AsObject();
        return values
            .Where(v =>
                v.Key.EndsWith("_SCHEDULE", StringComparison.Ordinal)
                || v.Key.EndsWith("_QUEUE", StringComparison.Ordinal)
            )
            .ToDictionary(v => v.Key, v => (string)v.Value!);
    }
}
