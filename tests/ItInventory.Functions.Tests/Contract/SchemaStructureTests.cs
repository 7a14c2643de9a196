using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// The schemas and the code cannot drift apart: limits equal <see cref="CheckinLimits"/>, enumerations equal the
/// code's, and every property of the contract records is documented in the schema (and nothing else is).
/// </summary>
public sealed class SchemaStructureTests
{
    private const string Checkin = ContractDocuments.CheckinSchema;
    private const string Enrollment = ContractDocuments.EnrollmentSchema;

    [Theory]
    [InlineData(Checkin, "/properties/inventory/properties/software/maxItems", CheckinLimits.MaxSoftware)]
    [InlineData(Checkin, "/properties/inventory/properties/neighbours/maxItems", CheckinLimits.MaxNeighbours)]
    [InlineData(Checkin, "/properties/inventory/properties/localUsers/maxItems", CheckinLimits.MaxLocalUsers)]
    [InlineData(Checkin, "/properties/inventory/properties/hardware/properties/disks/maxItems", CheckinLimits.MaxDisks)]
    [InlineData(
        Checkin,
        "/properties/inventory/properties/hardware/properties/networkInterfaces/maxItems",
        CheckinLimits.MaxNetworkInterfaces
    )]
    [InlineData(Checkin, "/$defs/ipAddressList/maxItems", CheckinLimits.MaxIpAddresses)]
    [InlineData(Checkin, "/$defs/text/maxLength", CheckinLimits.MaxShortString)]
    [InlineData(Checkin, "/$defs/requiredText/maxLength", CheckinLimits.MaxShortString)]
    [InlineData(Enrollment, "/properties/enrollmentSecret/maxLength", CheckinLimits.MaxShortString)]
    [InlineData(Enrollment, "/properties/macAddresses/maxItems", CheckinLimits.MaxEnrollmentMacAddresses)]
    [InlineData(Checkin, "/properties/inventory/properties/diagnostics/maxItems", CheckinLimits.MaxDiagnostics)]
    [InlineData(Enrollment, "/$defs/text/maxLength", CheckinLimits.MaxShortString)]
    public void Schema_limit_equals_the_CheckinLimits_constant(string schema, string pointer, int expected)
    {
        var value = Resolve(ContractDocuments.SchemaJson(schema), pointer);

        Assert.True(value is JsonValue, $"{schema} has no {pointer}");
        Assert.Equal(expected, value!.GetValue<int>());
    }

    [Theory]
    [InlineData(Checkin)]
    [InlineData(Enrollment)]
    public void Every_list_and_every_free_text_in_the_schema_is_bounded(string schema)
    {
        var unbounded = new List<string>();
        foreach (var (path, node) in Subschemas(ContractDocuments.SchemaJson(schema)))
        {
            var types = Types(node);
            if (types.Contains("array") && node["maxItems"] is null && node["$ref"] is null)
                unbounded.Add(path + " (array without maxItems)");
            var fixedForm =
                node["pattern"]?.GetValue<string>() is { } pattern && !pattern.Contains('*', StringComparison.Ordinal)
                || node["format"] is not null
                || node["enum"] is not null
                || node["const"] is not null;
            if (types.Contains("string") && node["maxLength"] is null && node["$ref"] is null && !fixedForm)
                unbounded.Add(path + " (string without maxLength)");
        }
        Assert.True(unbounded.Count == 0, string.Join("\n", unbounded));
    }

    [Fact]
    public void Schema_version_pattern_accepts_only_the_supported_major_version()
    {
        var pattern = Resolve(ContractDocuments.SchemaJson(Checkin), "/properties/schemaVersion/pattern")!
            .GetValue<string>();

        Assert.StartsWith($"^{CheckinLimits.SupportedMajorVersion}(", pattern, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Checkin)]
    [InlineData(Enrollment)]
    public void Asset_type_enumeration_equals_the_wire_names_of_the_code(string schema)
    {
        var values = Resolve(ContractDocuments.SchemaJson(schema), "/$defs/assetType/enum")!
            .AsArray()
            .Where(v => v is not null)
            .Select(v => v!.GetValue<string>());

        Assert.Equal(AssetTypes.WireNames.Order(StringComparer.Ordinal), values.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Enrollment_answer_states_equal_the_lifecycle_states_of_the_code()
    {
        var values = Resolve(
                ContractDocuments.SchemaJson(ContractDocuments.EnrollmentResponseSchema),
                "/properties/state/enum"
            )!
            .AsArray()
            .Select(v => v!.GetValue<string>());

        Assert.Equal(Enum.GetNames<LifecycleState>(), values);
    }

    [Fact]
    public void Kind_enumeration_equals_the_check_in_kinds_of_the_code()
    {
        var values = Resolve(ContractDocuments.SchemaJson(Checkin), "/properties/kind/enum")!
            .AsArray()
            .Select(v => v!.GetValue<string>());

        Assert.Equal([CheckinKinds.Heartbeat, CheckinKinds.Inventory], values);
    }

    [Theory]
    [InlineData(typeof(CheckinRequest), Checkin)]
    [InlineData(typeof(EnrollmentRequest), Enrollment)]
    [InlineData(typeof(CheckinResponse), ContractDocuments.CheckinResponseSchema)]
    [InlineData(typeof(EnrollmentResponse), ContractDocuments.EnrollmentResponseSchema)]
    public void Schema_documents_every_property_of_the_contract_records(Type root, string schema)
    {
        var json = ContractDocuments.SchemaJson(schema);
        var problems = new List<string>();
        Compare(root, json, json, "", problems);

        Assert.True(problems.Count == 0, $"{schema} and {root.Name} disagree:\n{string.Join("\n", problems)}");
    }

    /// <summary>Walks a record type and its schema side by side; nested contract records are followed into their
    /// subschemas.</summary>
    private static void Compare(Type type, JsonObject schemaRoot, JsonObject node, string path, List<string> problems)
    {
        var properties = Resolved(schemaRoot, node)["properties"]?.AsObject();
        if (properties is null)
        {
            problems.Add($"{Display(path)}: the schema has no 'properties' for {type.Name}");
            return;
        }

        var clrNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always })
                continue;
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
                ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            clrNames.Add(name);
            var propertyPath = $"{path}/{name}";
            if (properties[name] is not JsonObject propertySchema)
            {
                problems.Add($"{propertyPath}: {type.Name}.{property.Name} is not in the schema");
                continue;
            }
            if (propertySchema["description"]?.GetValue<string>() is not { Length: > 0 })
            {
                problems.Add($"{propertyPath}: no description");
            }

            var (target, isList) = ElementType(property.PropertyType);
            if (!IsContractRecord(target))
                continue;
            if (isList)
            {
                if (Resolved(schemaRoot, propertySchema)["items"] is JsonObject items)
                    Compare(target, schemaRoot, items, propertyPath + "/*", problems);
                else
                    problems.Add($"{propertyPath}: the schema has no 'items' for the list of {target.Name}");
            }
            else
            {
                Compare(target, schemaRoot, propertySchema, propertyPath, problems);
            }
        }

        foreach (var (name, _) in properties)
        {
            if (!clrNames.Contains(name))
                problems.Add(
                    $"{path}/{name}: documented in the schema but {type.Name} has no such property (the app would "
                        + "drop it)"
                );
        }
    }

    private static string Display(string path) => path.Length == 0 ? "/" : path;

    private static (Type Type, bool IsList) ElementType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (
            type != typeof(string)
            && type.IsGenericType
            && type.GetGenericArguments() is [var element]
            && typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(type)
        )
        {
            return (element, true);
        }
        return (type, false);
    }

    private static bool IsContractRecord(Type type) =>
        type.IsClass
        && type != typeof(string)
        && type.Namespace?.StartsWith("ItInventory.Functions", StringComparison.Ordinal) == true;

    /// <summary>Follows a local <c>$ref</c> (the schemas only use <c>#/$defs/…</c>).</summary>
    private static JsonObject Resolved(JsonObject schemaRoot, JsonObject node)
    {
        while (node["$ref"]?.GetValue<string>() is { } reference)
        {
            if (!reference.StartsWith('#'))
                throw new InvalidOperationException($"Only local references are supported: {reference}");
            node =
                Resolve(schemaRoot, reference[1..]) as JsonObject
                ?? throw new InvalidOperationException($"Unresolved reference {reference}");
        }
        return node;
    }

    /// <summary>Evaluates a JSON Pointer (RFC 6901) on a JSON document.</summary>
    private static JsonNode? Resolve(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var raw in pointer.Split('/').Skip(1))
        {
            var token = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj => obj[token],
                JsonArray array when int.TryParse(token, out var index) && index < array.Count => array[index],
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    private static IReadOnlyCollection<string> Types(JsonObject node) =>
        node["type"] switch
        {
            JsonValue single => [single.GetValue<string>()],
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
            _ => [],
        };

    /// <summary>Every schema object that declares data (the root, properties, items, $defs), with its
    /// pointer.</summary>
    private static IEnumerable<(string Path, JsonObject Node)> Subschemas(JsonObject node, string path = "")
    {
        yield return (path, node);
        foreach (var keyword in new[] { "properties", "$defs" })
        {
            if (node[keyword] is not JsonObject map)
                continue;
            foreach (var (name, child) in map)
            {
                if (child is JsonObject sub)
                    foreach (var s in Subschemas(sub, $"{path}/{keyword}/{name}"))
                        yield return s;
            }
        }
        if (node["items"] is JsonObject items)
        {
            foreach (var s in Subschemas(items, path + "/items"))
                yield return s;
        }
        // if/then/else and the combinators only narrow properties declared (and bounded) above: not walked.
    }
}
