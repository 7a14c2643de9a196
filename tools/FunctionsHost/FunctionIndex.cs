using System.Text.Json;
using FunctionsHost.Rpc;

namespace FunctionsHost;

/// <summary>One binding of a function, read from its raw JSON (the same shape in worker indexing and
/// functions.metadata).</summary>
internal sealed record BindingDescriptor(string Name, string Type, string Direction, string? DataType, JsonElement Json)
{
    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    public bool IsOutput =>
        Direction.Equals("out", StringComparison.OrdinalIgnoreCase)
        || Direction.Equals("inout", StringComparison.OrdinalIgnoreCase);

    public string? String(string name) =>
        HostJson.Child(Json, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public bool Bool(string name) =>
        HostJson.Child(Json, name) switch
        {
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.String } s => bool.TryParse(s.GetString(), out var b) && b,
            _ => false,
        };

    public IReadOnlyList<string> Strings(string name) =>
        HostJson.Child(Json, name) is { ValueKind: JsonValueKind.Array } a
            ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToArray()
            : [];

    /// <summary>A flag under the binding's <c>properties</c> (e.g. <c>supportsDeferredBinding</c>).</summary>
    public bool Property(string name) =>
        HostJson.Child(Json, "properties") is { } p
        && new BindingDescriptor(Name, Type, Direction, DataType, p).Bool(name);

    public static BindingDescriptor Parse(string json, string function)
    {
        JsonElement element;
        try
        {
            element = JsonDocument.Parse(json).RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new HostStartupException(
                $"Function '{function}' has a binding that is not valid JSON ({ex.Message}): {json}"
            );
        }
        var b = new BindingDescriptor("", "", "in", null, element);
        return new BindingDescriptor(
            b.String("name")
                ?? throw new HostStartupException($"Function '{function}' has a binding without a name: {json}"),
            b.String("type")
                ?? throw new HostStartupException($"Function '{function}' has a binding without a type: {json}"),
            b.String("direction") ?? "in",
            b.String("dataType"),
            element
        );
    }
}

/// <summary>A function as the host runs it: the metadata echoed back in its load request, and its parsed
/// bindings.</summary>
internal sealed record FunctionDescriptor(
    string Name,
    string FunctionId,
    RpcFunctionMetadata Metadata,
    IReadOnlyList<BindingDescriptor> Bindings
)
{
    public BindingDescriptor Trigger => Bindings.Single(b => b.IsTrigger);

    public string TriggerType => Trigger.Type;

    public bool Is(string triggerType) => TriggerType.Equals(triggerType, StringComparison.OrdinalIgnoreCase);

    public static FunctionDescriptor From(RpcFunctionMetadata metadata)
    {
        var name = metadata.Name;
        var bindings = metadata.RawBindings.Select(raw => BindingDescriptor.Parse(raw, name)).ToList();
        var triggers = bindings.Count(b => b.IsTrigger);
        if (triggers != 1)
        {
            throw new HostStartupException($"Function '{name}' has {triggers} triggers; a function has exactly one.");
        }
        return new FunctionDescriptor(name, metadata.FunctionId, metadata, bindings);
    }
}

internal static class FunctionIndex
{
    public const string Http = "httpTrigger";
    public const string Timer = "timerTrigger";
    public const string Queue = "queueTrigger";

    private static readonly string[] SupportedTriggers = [Http, Timer, Queue];

    /// <summary>Output bindings the host performs: the HTTP response (written by the worker) and queue
    /// messages.</summary>
    private static readonly string[] SupportedOutputs = ["http", "queue"];

    /// <summary>
    /// Picks the functions to run (all, or those named by --functions / host.json "functions") and checks that the host
    /// supports each one's trigger and bindings: anything else stops the host with an error naming it.
    /// </summary>
    public static IReadOnlyList<FunctionDescriptor> Select(
        IReadOnlyList<FunctionDescriptor> all,
        IReadOnlyList<string>? only
    )
    {
        var selected = all;
        if (only is not null)
        {
            var unknown = only.Where(n => !all.Any(f => f.Name.Equals(n, StringComparison.OrdinalIgnoreCase)))
                .ToArray();
            if (unknown.Length > 0)
            {
                throw new HostStartupException(
                    $"No function named {string.Join(", ", unknown.Select(n => $"'{n}'"))}. "
                        + $"The app has: {string.Join(", ", all.Select(f => f.Name))}."
                );
            }
            selected = all.Where(f => only.Contains(f.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        }

        var problems = new List<string>();
        foreach (var function in selected)
        {
            if (!SupportedTriggers.Contains(function.TriggerType, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(
                    $"Function '{function.Name}' has trigger type '{function.TriggerType}', which this local host "
                        + $"does not support (supported: {string.Join(", ", SupportedTriggers)})."
                );
                continue;
            }
            foreach (var binding in function.Bindings.Where(b => !b.IsTrigger))
            {
                if (!binding.IsOutput || !SupportedOutputs.Contains(binding.Type, StringComparer.OrdinalIgnoreCase))
                {
                    problems.Add(
                        $"Function '{function.Name}' has a '{binding.Type}' {binding.Direction} binding "
                            + $"'{binding.Name}', which this local host does not support "
                            + $"(outputs supported: {string.Join(", ", SupportedOutputs)})."
                    );
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new HostStartupException(
                string.Join(Environment.NewLine, problems)
                    + Environment.NewLine
                    + "Run only the supported functions with --functions <names>, or run the app on Azure Functions."
            );
        }
        if (selected.Count == 0)
            throw new HostStartupException("The app has no functions.");
        return selected;
    }

    /// <summary>Reads functions.metadata (what the SDK build writes) when the worker does not index its functions
    /// itself.</summary>
    public static IReadOnlyList<RpcFunctionMetadata> ReadMetadataFile(string scriptRoot)
    {
        var path = Path.Combine(scriptRoot, "functions.metadata");
        if (!File.Exists(path))
        {
            throw new HostStartupException($"The worker did not index its functions and {path} does not exist.");
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var result = new List<RpcFunctionMetadata>();
        foreach (var function in document.RootElement.EnumerateArray())
        {
            string? Str(string name) =>
                HostJson.Child(function, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
            var name = Str("name") ?? throw new HostStartupException($"{path}: a function has no name.");
            var metadata = new RpcFunctionMetadata
            {
                Name = name,
                FunctionId = Guid.NewGuid().ToString(),
                ScriptFile = Str("scriptFile") ?? "",
                EntryPoint = Str("entryPoint") ?? "",
                Language = Str("language") ?? "dotnet-isolated",
                Directory = scriptRoot,
            };
            if (HostJson.Child(function, "properties") is { ValueKind: JsonValueKind.Object } properties)
            {
                foreach (var p in properties.EnumerateObject())
                {
                    metadata.Properties[p.Name] =
                        p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }
            }
            if (HostJson.Child(function, "bindings") is { ValueKind: JsonValueKind.Array } bindings)
            {
                foreach (var binding in bindings.EnumerateArray())
                {
                    var raw = binding.GetRawText();
                    var parsed = BindingDescriptor.Parse(raw, name);
                    metadata.RawBindings.Add(raw);
                    metadata.Bindings[parsed.Name] = new BindingInfo
                    {
                        Type = parsed.Type,
                        Direction = parsed.Direction.ToLowerInvariant() switch
                        {
                            "out" => BindingInfo.Types.Direction.Out,
                            "inout" => BindingInfo.Types.Direction.Inout,
                            _ => BindingInfo.Types.Direction.In,
                        },
                        DataType = parsed.DataType?.ToLowerInvariant() switch
                        {
                            "string" => BindingInfo.Types.DataType.String,
                            "binary" => BindingInfo.Types.DataType.Binary,
                            "stream" => BindingInfo.Types.DataType.Stream,
                            _ => BindingInfo.Types.DataType.Undefined,
                        },
                    };
                }
            }
            result.Add(metadata);
        }
        return result;
    }
}
