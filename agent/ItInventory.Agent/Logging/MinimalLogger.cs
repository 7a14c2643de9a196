using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ItInventory.Agent.Logging;

/// <summary>
/// The <c>--once</c> run's logger: one line per event to stderr and to the agent's log file, without a logger factory,
/// options or a console processing thread (they cost more CPU than the check-in itself on a short run).
/// </summary>
public sealed class MinimalLogger(string category, FileLoggerProvider? file) : ILogger
{
    private readonly ILogger? fileLogger = file?.CreateLogger(category);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && logLevel != LogLevel.None;

    public void Log<TState>(
        LogLevel logLevel,
        EventId eventId,
        TState state,
        Exception? exception,
        Func<TState, Exception?, string> formatter
    )
    {
        if (!IsEnabled(logLevel))
            return;
        var level = logLevel switch
        {
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => logLevel.ToString().ToLowerInvariant(),
        };
        var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"{time} {level}: {formatter(state, exception)}");
        fileLogger?.Log(logLevel, eventId, state, exception, formatter);
    }
}
