using System.Text.Json.Nodes;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests.Infrastructure;

/// <summary>
/// Every timer schedule the inventory app's triggers resolve (<c>%…_SCHEDULE%</c>), with the values of
/// functions/local.settings.example.json: the host refuses to start while one is unset, so fixtures take them all from
/// there and a new timer cannot break them (the infra tests keep that file complete).
/// </summary>
public static class TimerSchedules
{
    public static IReadOnlyDictionary<string, string> FromLocalSettingsExample()
    {
        var path = Path.Combine(RepositoryRoot.Path, "functions", "local.settings.example.json");
        var values = JsonNode.Parse(File.ReadAllText(path))!["Values"]!.AsObject();
        return values
            .Where(v => v.Key.EndsWith("_SCHEDULE", StringComparison.Ordinal))
            .ToDictionary(v => v.Key, v => (string)v.Value!);
    }
}
