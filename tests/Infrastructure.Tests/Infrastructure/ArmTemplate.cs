using System.Text.Json.Nodes;

namespace ItInventory.Infrastructure.Tests.Infrastructure;

/// <summary>A resource of the compiled ARM template and the (nested) template that declares it.</summary>
public sealed record TemplateResource(JsonObject Resource, JsonObject DeclaringTemplate, string Module)
{
    public string Type => (string)Resource["type"]!;
    public string Name => Resource["name"]?.ToString() ?? "";
    public JsonObject Properties => Resource["properties"]?.AsObject() ?? [];

    /// <summary>A literal variable of the declaring template (the role GUIDs of rbac.bicep, ...).</summary>
    public string? Variable(string name) => DeclaringTemplate["variables"]?[name]?.ToString();
}

public static class ArmTemplate
{
    /// <summary>Every resource of the template, including those of modules (nested
    /// Microsoft.Resources/deployments).</summary>
    public static IEnumerable<TemplateResource> AllResources(JsonObject template, string module = "main")
    {
        foreach (var node in Resources(template))
        {
            var resource = node.AsObject();
            if (
                (string?)resource["type"] == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested
            )
            {
                foreach (var inner in AllResources(nested, (string)resource["name"]!))
                    yield return inner;
            }
            else
            {
                yield return new TemplateResource(resource, template, module);
            }
        }
    }

    public static IEnumerable<TemplateResource> OfType(JsonObject template, string type) =>
        AllResources(template).Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public static TemplateResource Single(JsonObject template, string type)
    {
        var matches = OfType(template, type).ToList();
        Assert.True(matches.Count == 1, $"expected one {type} in the compiled template, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The module (nested deployment) of the given name.</summary>
    public static JsonObject Module(JsonObject template, string name) =>
        Resources(template)
            .Select(r => r.AsObject())
            .Single(r => (string?)r["type"] == "Microsoft.Resources/deployments" && (string?)r["name"] == name);

    private static IEnumerable<JsonNode> Resources(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.Select(r => r!),
            JsonObject symbolic => symbolic.Select(p => p.Value!), // languageVersion 2.0 templates
            _ => [],
        };
}
