namespace FunctionsHost;

/// <summary>Console output in the style of <c>func start</c>: timestamped lines, coloured when a terminal shows
/// them.</summary>
internal static class HostConsole
{
    private static readonly Lock Gate = new();
    private static readonly bool Colour =
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public static bool Verbose { get; set; }

    /// <summary>Only warnings and errors (used by the benchmark once the host runs).</summary>
    public static bool Quiet { get; set; }

    public static void Line(string text = "", ConsoleColor? colour = null)
    {
        if (Hidden(colour))
            return;
        lock (Gate)
        {
            try
            {
                if (Colour && colour is { } c)
                    Console.ForegroundColor = c;
                Console.Out.WriteLine(text);
                if (Colour && colour is not null)
                    Console.ResetColor();
            }
            catch (IOException)
            {
                // The reader of our output went away (a closed pipe): keep running, and keep shutting down cleanly.
            }
        }
    }

    public static void Info(string text) => Stamped(text, null);

    public static void Success(string text) => Stamped(text, ConsoleColor.Green);

    public static void Warn(string text) => Stamped(text, ConsoleColor.Yellow);

    public static void Error(string text) => Stamped(text, ConsoleColor.Red);

    public static void Debug(string text)
    {
        if (Verbose)
            Stamped(text, ConsoleColor.DarkGray);
    }

    private static bool Hidden(ConsoleColor? colour) =>
        Quiet && colour is not (ConsoleColor.Yellow or ConsoleColor.Red);

    private static void Stamped(string text, ConsoleColor? colour)
    {
        // Per invocation when quiet (the benchmark): skip the timestamp formatting too.
        if (!Hidden(colour))
            Line($"[{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}] {text}", colour);
    }
}
