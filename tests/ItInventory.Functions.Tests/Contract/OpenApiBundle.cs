using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// docs/openapi.yaml as one self-contained document, the way bundlers (e.g. "redocly bundle") make one: every JSON
/// Schema file it references (<c>./schemas/x.json</c>, optionally <c>#/$defs/name</c>) is copied into
/// <c>components/schemas</c> (as <c>x</c>, its <c>$defs</c> as <c>x.name</c>) and the references are rewritten to
/// point there. Microsoft.OpenApi cannot follow references to files that are not OpenAPI documents, so the validator
/// reads the bundle; the source keeps the schema files as the single source of truth.
/// </summary>
internal static partial class OpenApiBundle
{
    /// <summary>The YAML file as JSON (plain scalars typed as YAML 1.2 core: booleans, null, numbers).</summary>
    public static JsonNode? ToJson(YamlNode node) =>
        node switch
        {
            YamlMappingNode mapping => new JsonObject(
                mapping.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))
            ),
            YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
            YamlScalarNode scalar => Scalar(scalar),
            _ => throw new InvalidOperationException($"Unsupported YAML node {node.NodeType} at {node.Start}"),
        };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
            return JsonValue.Create(value);
        if (value is "" or "null" or "~")
            return null;
        if (value is "true" or "false")
            return JsonValue.Create(value == "true");
        if (IntegerLiteral().IsMatch(value))
            return JsonValue.Create(long.Parse(value, CultureInfo.InvariantCulture));
        if (FloatLiteral().IsMatch(value))
            return JsonValue.Create(double.Parse(value, CultureInfo.InvariantCulture));
        return JsonValue.Create(value);
    }

    [GeneratedRegex(@"^-?[0-9]+$")]
    private static partial Regex IntegerLiteral();

    [GeneratedRegex(@"^-?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatLiteral();

    /// <summary>The document with every referenced JSON Schema file inlined into <c>components/schemas</c>.</summary>
    public static JsonObject Bundle(JsonObject document, string documentFolder)
    {
        var schemas = (JsonObject)document["components"]!["schemas"]!;
        var pending = new Queue<string>();
        var bundled = new HashSet<string>(StringComparer.Ordinal);

        string Rewrite(string reference, string baseFolder)
        {
            if (reference.StartsWith('#'))
                return reference;
            var hash = reference.IndexOf('#', StringComparison.Ordinal);
            var file = Path.GetFullPath(Path.Combine(baseFolder, hash < 0 ? reference : reference[..hash]));
            var name = ComponentName(file);
            if (bundled.Add(file))
                pending.Enqueue(file);
            var fragment = hash < 0 ? "" : reference[(hash + 1)..];
            return fragment switch
            {
                "" or "/" => "#/components/schemas/" + name,
                _ when fragment.StartsWith("/$defs/", StringComparison.Ordinal) && fragment.Count(c => c == '/') == 2 =>
                    $"#/components/schemas/{name}.{fragment["/$defs/".Length..]}",
                _ => throw new InvalidOperationException(
                    $"The bundler handles references to a schema file or one of its $defs, not '{reference}'."
                ),
            };
        }

        RewriteReferences(document, r => Rewrite(r, documentFolder));
        while (pending.TryDequeue(out var file))
        {
            var schema = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var name = ComponentName(file);
            var folder = Path.GetDirectoryName(file)!;
            // Inside the file, "#/$defs/x" means the file's own definitions.
            RewriteReferences(schema, r =>
                r.StartsWith("#/$defs/", StringComparison.Ordinal)
                    ? $"#/components/schemas/{name}.{r["#/$defs/".Length..]}"
                    : Rewrite(r, folder)
            );
            schema.Remove("$schema");
            schema.Remove("$id");
            if (schema["$defs"] is JsonObject definitions)
            {
                schema.Remove("$defs");
                foreach (var (key, value) in definitions.ToList())
                {
                    definitions.Remove(key);
                    schemas.Add($"{name}.{key}", value);
                }
            }
            schemas.Add(name, schema);
        }
        return document;
    }

    private static string ComponentName(string file) => Path.GetFileNameWithoutExtension(file);

    private static void RewriteReferences(JsonNode? node, Func<string, string> rewrite)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target))
                    obj["$ref"] = rewrite(target);
                foreach (var (_, value) in obj.ToList())
                    RewriteReferences(value, rewrite);
                break;
            case JsonArray array:
                foreach (var item in array)
                    RewriteReferences(item, rewrite);
                break;
        }
    }
}
