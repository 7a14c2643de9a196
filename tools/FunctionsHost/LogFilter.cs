using System.Text.Json;
using System.Text.RegularExpressions;
using FunctionsHost.Rpc;

namespace FunctionsHost;

/// <summary>
/// Which worker logs the console shows: host.json <c>logging.logLevel</c> rules by category prefix (the most specific
/// wins, <c>default</c> otherwise), as the real host filters them. Logs of an invocation have the category
/// <c>Function.&lt;Name&gt;.User</c>. Framework chatter is at Warning unless host.json says otherwise.
/// </summary>
internal sealed partial class LogFilter
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

    /// <summary>
    /// The level a worker log is shown at. The Azure SDK logs every error response at Warning with its headers
    /// (event <c>ErrorResponse</c>: <c>Error response [id] 409 Conflict (0.0s)</c> …), including the answers the app
    /// expects and handles — 409 when an identity or marker row already exists, 404 for a neighbour MAC no asset
    /// claims, 412 for a lost optimistic race: those are Debug here (shown with <c>--verbose</c>, or with a host.json
    /// rule for the category at Debug). Other error responses stay warnings.
    /// </summary>
    public static RpcLog.Types.Level EffectiveLevel(string category, RpcLog.Types.Level level, string? message) =>
        level == RpcLog.Types.Level.Warning
        && category.StartsWith("Azure.", StringComparison.OrdinalIgnoreCase)
        && message is not null
        && ExpectedErrorResponse().IsMatch(message)
            ? RpcLog.Types.Level.Debug
            : level;

    [GeneratedRegex(@"^Error response \[[^\]]*\] (404|409|412) ", RegexOptions.CultureInvariant)]
    private static partial Regex ExpectedErrorResponse();

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
