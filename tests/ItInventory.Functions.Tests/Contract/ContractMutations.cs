using System.Text.Json.Nodes;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>Builds variants of the examples: one value set (or removed) at a JSON Pointer.</summary>
public static class ContractMutations
{
    /// <summary>A copy of <paramref name="example"/> with <paramref name="valueJson"/> at <paramref name="pointer"/>
    /// (<c>null</c> removes the property; intermediate objects are created). The value is raw JSON text, so
    /// spellings such as <c>30.0</c> or <c>1e3</c> reach the parsers exactly as written.</summary>
    public static JsonObject With(string example, string pointer, string? valueJson)
    {
        var document = ContractDocuments.Example(example);
        Set(document, pointer, valueJson is null ? null : JsonNode.Parse(valueJson), remove: valueJson is null);
        return document;
    }

    public static void Set(JsonObject document, string pointer, JsonNode? value, bool remove = false)
    {
        var tokens = pointer
            .Split('/')
            .Skip(1)
            .Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))
            .ToArray();
        JsonNode parent = document;
        foreach (var token in tokens[..^1])
        {
            parent = parent switch
            {
                JsonObject obj => obj[token] ??= new JsonObject(),
                JsonArray array => array[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)]!,
                _ => throw new InvalidOperationException($"{pointer}: '{token}' is not a container"),
            };
        }
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when remove:
                obj.Remove(last);
                break;
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray array when last == "-":
                array.Add(value);
                break;
            case JsonArray array:
                array[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                break;
        }
    }
}
