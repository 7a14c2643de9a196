using System.Text.Json;
using System.Text.RegularExpressions;

namespace FunctionsHost;

/// <summary>The app settings the worker gets as environment variables and that <c>%NAME%</c> expressions resolve
/// against.</summary>
internal sealed partial class AppSettings
{
    private readonly Dictionary<string, string> values;

    public AppSettings(IDictionary<string, string> values) =>
        this.values = new(values, StringComparer.OrdinalIgnoreCase);

    /// <summary>The settings the host passes to the worker (local.settings.json Values plus overrides).</summary>
    public IReadOnlyDictionary<string, string> Values => values;

    public void Set(string name, string value) => values[name] = value;

    /// <summary>A setting from local configuration, else from the host's environment (as the real host reads
    /// both).</summary>
    public string? Get(string name) =>
        values.TryGetValue(name, out var value)
            ? value
            : Environment.GetEnvironmentVariable(name)
                ?? Environment.GetEnvironmentVariable(name.Replace(":", "__", StringComparison.Ordinal));

    /// <summary>Resolves every <c>%NAME%</c> in a binding expression; a missing setting is an error naming
    /// it.</summary>
    public string Resolve(string expression, string context) =>
        SettingReference()
            .Replace(expression, match =>
                Get(match.Groups[1].Value) is { } value
                    ? value
                    : throw new HostStartupException(
                        $"{context}: app setting '{match.Groups[1].Value}' (from '{expression}') is not set."
                    )
            );

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingReference();
}

/// <summary>What local.settings.json says: app settings (Values) and the host's own section.</summary>
internal sealed record LocalSettings(
    string? Path,
    Dictionary<string, string> Values,
    int? LocalHttpPort,
    string? MasterKey,
    Dictionary<string, string> FunctionKeys
)
{
    public static LocalSettings Empty { get; } = new(null, [], null, null, []);

    public static LocalSettings Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), HostJson.Lenient);
        }
        catch (JsonException ex)
        {
            throw new HostStartupException($"{path} is not valid JSON: {ex.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("Values", out var v) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in v.EnumerateObject())
                    values[p.Name] = Scalar(p.Value);
            }
            int? port = null;
            string? masterKey = null;
            var functionKeys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("Host", out var host) && host.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in host.EnumerateObject())
                {
                    if (p.NameEquals("LocalHttpPort") && int.TryParse(Scalar(p.Value), out var n))
                        port = n;
                    else if (p.NameEquals("MasterKey"))
                        masterKey = Scalar(p.Value);
                    else if (p.NameEquals("FunctionKeys") && p.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var k in p.Value.EnumerateObject())
                            functionKeys[k.Name] = Scalar(k.Value);
                    }
                }
            }
            return new LocalSettings(path, values, port, masterKey, functionKeys);
        }
    }

    private static string Scalar(JsonElement value) =>
        value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "",
            _ => value.GetRawText(),
        };
}

/// <summary>The parts of host.json the local host honours.</summary>
internal sealed record HostJson(
    string RoutePrefix,
    QueueSettings Queues,
    IReadOnlyList<string>? Functions,
    LogFilter Logs
)
{
    /// <summary>As the real host reads its JSON files: comments and trailing commas allowed.</summary>
    public static readonly JsonDocumentOptions Lenient = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static HostJson Load(string scriptRoot)
    {
        var path = System.IO.Path.Combine(scriptRoot, "host.json");
        if (!File.Exists(path))
        {
            throw new HostStartupException($"No host.json in {scriptRoot}: is this a built function app?");
        }
        using var document = JsonDocument.Parse(File.ReadAllText(path), Lenient);
        var root = document.RootElement;
        var routePrefix = "api";
        var queues = new QueueSettings();
        IReadOnlyList<string>? functions = null;
        if (Child(root, "extensions") is { } extensions)
        {
            if (
                Child(extensions, "http") is { } http
                && Child(http, "routePrefix") is { ValueKind: JsonValueKind.String } prefix
            )
            {
                routePrefix = prefix.GetString()!.Trim('/');
            }
            if (Child(extensions, "queues") is { } q)
                queues = QueueSettings.From(q);
        }
        if (Child(root, "functions") is { ValueKind: JsonValueKind.Array } list)
        {
            functions = list.EnumerateArray().Select(e => e.GetString()!).ToArray();
        }
        return new HostJson(routePrefix, queues, functions, LogFilter.FromHostJson(root));
    }

    internal static JsonElement? Child(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var p in element.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                return p.Value;
        }
        return null;
    }
}

/// <summary>host.json <c>extensions.queues</c>, with the defaults of the Storage Queues extension.</summary>
internal sealed record QueueSettings
{
    public int BatchSize { get; init; } = 16;

    public int NewBatchThreshold { get; init; } = 8;

    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>How long a failed message stays invisible before its next try.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary><c>base64</c> (default) or <c>none</c>.</summary>
    public bool Base64 { get; init; } = true;

    public static QueueSettings From(JsonElement queues)
    {
        var settings = new QueueSettings();
        int? batch = Int("batchSize");
        if (batch is { } b)
        {
            settings = settings with { BatchSize = Math.Clamp(b, 1, 32), NewBatchThreshold = Math.Clamp(b, 1, 32) / 2 };
        }
        if (Int("newBatchThreshold") is { } t)
            settings = settings with { NewBatchThreshold = Math.Max(0, t) };
        if (Int("maxDequeueCount") is { } m)
            settings = settings with { MaxDequeueCount = Math.Max(1, m) };
        if (Span("visibilityTimeout") is { } v)
            settings = settings with { VisibilityTimeout = v };
        if (Span("maxPollingInterval") is { } p)
        {
            var minimum = TimeSpan.FromMilliseconds(100);
            settings = settings with { MaxPollingInterval = p < minimum ? minimum : p };
        }
        if (HostJson.Child(queues, "messageEncoding") is { ValueKind: JsonValueKind.String } e)
        {
            settings = e.GetString()!.ToLowerInvariant() switch
            {
                "base64" => settings with { Base64 = true },
                "none" => settings with { Base64 = false },
                var other => throw new HostStartupException(
                    $"host.json extensions.queues.messageEncoding '{other}' is not supported (base64 or none)."
                ),
            };
        }
        return settings;

        int? Int(string name) =>
            HostJson.Child(queues, name) switch
            {
                { ValueKind: JsonValueKind.Number } n => n.GetInt32(),
                { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), out var i) => i,
                _ => null,
            };

        TimeSpan? Span(string name) =>
            HostJson.Child(queues, name) switch
            {
                { ValueKind: JsonValueKind.String } s
                    when TimeSpan.TryParse(
                        s.GetString(),
                        System.Globalization.CultureInfo.InvariantCulture,
                        out var span
                    ) => span,
                { ValueKind: JsonValueKind.Number } n => TimeSpan.FromMilliseconds(n.GetDouble()),
                _ => null,
            };
    }
}

/// <summary>A start-up problem with a message meant for the user; the host prints it and exits non-zero.</summary>
internal sealed class HostStartupException(string message) : Exception(message);
