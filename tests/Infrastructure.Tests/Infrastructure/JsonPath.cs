using System.Text.Json.Nodes;

namespace ItInventory.Infrastructure.Tests.Infrastructure;

public static class JsonPath
{
    /// <summary>The node at a dotted path ("properties.siteConfig.minTlsVersion"), or null.</summary>
    public static JsonNode? At(this JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current is JsonObject o ? o[part] : null;
            if (current is null)
                return null;
        }
        return current;
    }

    public static string? StringAt(this JsonNode node, string path) => node.At(path)?.ToString();

    public static bool? BoolAt(this JsonNode node, string path) =>
        node.At(path) is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static int? IntAt(this JsonNode node, string path) =>
        node.At(path) is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;
}
