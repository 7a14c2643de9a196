using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ItInventory.Agent.Logging;

/// <summary>
/// The agent's own log file beside the OS log (journald, Event Log, unified log): one line per event, kept to two
/// files of 5 MB. Secrets are never logged, so the file may be readable by administrators.
/// </summary>
public sealed class FileLoggerProvider(string path, LogLevel minimum = LogLevel.Information) : ILoggerProvider
{
    private const long MaxBytes = 5 * 1024 * 1024;
    private readonly Lock gate = new();
    private readonly ConcurrentDictionary<string, FileLogger> loggers = new();
    private readonly LogLevel minimumLevel = minimum;
    private bool broken;

    public ILogger CreateLogger(string categoryName) => loggers.GetOrAdd(categoryName, c => new FileLogger(this, c));

    public void Dispose() { }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        if (broken)
            return;
        var line =
            $"{DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} "
            + $"{level.ToString().ToUpperInvariant()[..4]} {category}: {message}"
            + (exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)
            + Environment.NewLine;
        lock (gate)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                if (File.Exists(path) && new FileInfo(path).Length > MaxBytes)
                    File.Move(path, path + ".1", overwrite: true);
                File.AppendAllText(path, line);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No file log (e.g. not running as root): the OS log still has everything.
                broken = true;
            }
        }
    }

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.minimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(
            LogLevel logLevel,
            EventId eventId,
            TState state,
            Exception? exception,
            Func<TState, Exception?, string> formatter
        )
        {
            if (IsEnabled(logLevel))
                provider.Write(category, logLevel, formatter(state, exception), exception);
        }
    }
}
