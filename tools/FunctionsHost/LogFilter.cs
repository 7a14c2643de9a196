using System.Text.Json;
using FunctionsHost.Rpc;

namespace FunctionsHost;

/// <summary>
/// Which worker logs the console shows: host.json <c>logging.logLevel</c> rules by category prefix (the most specific
/// wins, <c>default</c> otherwise), as the real host filters them. Logs of an invocation have the category
/// <c>Function.&lt;Name&gt;.User</c>. Framework chatter is at Warning unless host.json says otherwise.
/// </summary>
internal sealed class LogFilter
{
    private readonly Dictionary<string, RpcLog.Types.Level> rules = new(StringComparer.OrdinalIgnoreCase)
    {
        ["default"] = RpcLog.Types.Level.Information,
        ["Microsoft"] = RpcLog.Types.Level.Warning,
        ["System.Net.Http"] = RpcLog.Types.Level.Warning,
        ["Azure.Core"] = RpcLog.Types.Level.Warning,
    };

    public static LogFilter Default { get; } = new();

    public static LogFilter FromHostJson(JsonElement root)
    {
        var filter = new LogFilter();
        if (
            HostJson.Child(root, "logging") is { } logging
            && HostJson.Child(logging, "logLevel") is { ValueKind: JsonValueKind.Object } levels
        )
        {
            foreach (var rule in levels.EnumerateObject())
            {
                if (
                    rule.Value.ValueKind == JsonValueKind.String
                    && Enum.TryParse<RpcLog.Types.Level>(rule.Value.GetString(), ignoreCase: true, out var level)
                )
                {
                    filter.rules[rule.Name] = level;
                }
            }
        }
        return filter;
    }

    public bool Shows(string category, RpcLog.Types.Level level)
    {
        var best = "default";
        foreach (var key in rules.Keys)
        {
            if (
                key.Equals("default", StringComparison.OrdinalIgnoreCase)
                || (best != "default" && key.Length <= best.Length)
            )
            {
                continue;
            }
            if (
                category.Equals(key, StringComparison.OrdinalIgnoreCase)
                || (
                    category.StartsWith(key, StringComparison.OrdinalIgnoreCase)
                    && category.Length > key.Length
                    && category[key.Length] == '.'
                )
            )
            {
                best = key;
            }
        }
        var minimum = rules[best];
        return level != RpcLog.Types.Level.None && minimum != RpcLog.Types.Level.None && level >= minimum;
    }
}
