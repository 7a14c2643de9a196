using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItInventory.Agent.Configuration;

/// <summary>
/// Reads the settings without Microsoft.Extensions.Configuration's binder (reflection; the agent is trimmed): a small
/// JSON file, <c>ITINVENTORY_AGENT_*</c> variables and <c>--name value</c> arguments, later sources winning.
/// </summary>
public static class AgentConfiguration
{
    public const string EnvironmentPrefix = "ITINVENTORY_AGENT_";

    /// <summary>Option names as written in the file (camelCase), the environment (UPPER_SNAKE) and the command line
    /// (kebab-case).</summary>
    private static readonly string[] Names =
    [
        "serverUrl",
        "enrollmentSecret",
        "stateDirectory",
        "logFile",
        "reEnrollAfterUnauthorized",
        "inventoryCheckSeconds",
        "defaultIntervalSeconds",
        "dmiPath",
        "retryBaseSeconds",
        "startupDelaySeconds",
    ];

    public static AgentOptions Load(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var fromArgs = ParseArgs(args, flags);
        var configFile = fromArgs.GetValueOrDefault("config")
            ?? environment.GetValueOrDefault(EnvironmentPrefix + "CONFIG")
            ?? DefaultPaths.ConfigFile;
        if (File.Exists(configFile))
        {
            foreach (var (name, value) in ReadFile(configFile))
                values[name] = value;
        }
        foreach (var name in Names)
        {
            if (environment.GetValueOrDefault(EnvironmentPrefix + Snake(name)) is { Length: > 0 } value)
                values[name] = value;
        }
        foreach (var (name, value) in fromArgs)
            values[name] = value;

        var defaults = new AgentOptions();
        return new AgentOptions
        {
            ServerUrl = values.GetValueOrDefault("serverUrl") is { Length: > 0 } url ? BaseUri(url) : null,
            EnrollmentSecret = NullIfEmpty(values.GetValueOrDefault("enrollmentSecret")),
            StateDirectory = NullIfEmpty(values.GetValueOrDefault("stateDirectory")) ?? defaults.StateDirectory,
            ConfigFile = configFile,
            LogFile = values.TryGetValue("logFile", out var log) ? NullIfEmpty(log) : defaults.LogFile,
            ReEnrollAfterUnauthorized = Int(values, "reEnrollAfterUnauthorized", 0),
            InventoryCheckSeconds = Int(values, "inventoryCheckSeconds", defaults.InventoryCheckSeconds),
            DefaultIntervalSeconds = Int(values, "defaultIntervalSeconds", defaults.DefaultIntervalSeconds),
            DmiPath = NullIfEmpty(values.GetValueOrDefault("dmiPath")) ?? defaults.DmiPath,
            RetryBaseSeconds = Int(values, "retryBaseSeconds", defaults.RetryBaseSeconds),
            StartupDelaySeconds = Int(values, "startupDelaySeconds", defaults.StartupDelaySeconds),
            Once = flags.Contains("once"),
            PrintInventory = flags.Contains("print-inventory"),
        };
    }

    /// <summary>Removes the enrollment secret from the config file (atomically), keeping everything else.</summary>
    public static bool ForgetEnrollmentSecret(string configFile)
    {
        if (!File.Exists(configFile) || JsonNode.Parse(File.ReadAllText(configFile)) is not JsonObject json)
            return false;
        var key = json.Select(p => p.Key)
            .FirstOrDefault(k => string.Equals(k, "enrollmentSecret", StringComparison.OrdinalIgnoreCase));
        if (key is null)
            return false;
        json.Remove(key);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            json.WriteTo(writer);
        Credentials.SecureFile.WriteAtomic(configFile, buffer.ToArray());
        return true;
    }

    private static IEnumerable<KeyValuePair<string, string?>> ReadFile(string path)
    {
        if (JsonNode.Parse(File.ReadAllText(path)) is not JsonObject json)
            throw new InvalidDataException($"{path} must hold a JSON object.");
        foreach (var (key, node) in json)
        {
            var name = Names.FirstOrDefault(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
            if (name is not null)
                yield return new(name, node?.ToString());
        }
    }

    private static Dictionary<string, string?> ParseArgs(string[] args, HashSet<string> flags)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            var arg = args[i][2..];
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg is "once" or "print-inventory")
            {
                flags.Add(arg);
                continue;
            }
            var (name, value) = eq >= 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, i + 1 < args.Length ? args[++i] : null);
            var key = name switch
            {
                "config" => "config",
                "server" => "serverUrl",
                _ => Names.FirstOrDefault(n => Kebab(n) == name || n == name),
            };
            if (key is null || value is null)
                throw new ArgumentException($"Unknown option or missing value: --{name}.");
            values[key] = value;
        }
        return values;
    }

    private static Uri BaseUri(string url)
    {
        var text = url.Trim();
        if (!text.EndsWith('/'))
            text += "/";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"serverUrl '{url}' is not an http(s) address.");
        return uri;
    }

    private static int Int(Dictionary<string, string?> values, string name, int fallback) =>
        values.GetValueOrDefault(name) is { Length: > 0 } text
            ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
            : fallback;

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static string Snake(string camel) =>
        string.Concat(camel.Select(c => char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    internal static string Kebab(string camel) =>
        string.Concat(camel.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));
}
