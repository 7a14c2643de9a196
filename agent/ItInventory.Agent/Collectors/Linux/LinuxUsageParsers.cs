using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using ItInventory.Agent.Running;

namespace ItInventory.Agent.Collectors.Linux;

/// <summary>The first line of /proc/stat: cumulative jiffies per CPU state since boot.</summary>
public static class ProcStatParser
{
    public static CpuSample Parse(string text, string? bootId)
    {
        var line = text.Split('\n')[0];
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0] != "cpu")
            throw new FormatException("/proc/stat does not start with the aggregate 'cpu' line.");
        var values = fields.Skip(1).Take(8).Select(f => ulong.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal: idle and iowait are the CPU doing nothing.
        var idle = values[3] + (values.Length > 4 ? values[4] : 0);
        var total = values.Aggregate(0UL, (a, b) => a + b);
        return new CpuSample(total - idle, total, bootId);
    }

    /// <summary>Average CPU use between two samples of the same boot, in percent; null when they cannot be
    /// compared.</summary>
    public static double? AveragePercent(CpuSample? previous, CpuSample current)
    {
        if (previous is null || previous.BootId != current.BootId || current.Total <= previous.Total)
            return current.Total == 0 ? null : Math.Round(100.0 * current.Busy / current.Total, 1);
        var busy = current.Busy >= previous.Busy ? current.Busy - previous.Busy : 0;
        return Math.Round(Math.Min(100, 100.0 * busy / (current.Total - previous.Total)), 1);
    }
}

/// <summary>/proc/uptime: seconds since boot (first field).</summary>
public static class UptimeParser
{
    public static long Parse(string text) =>
        (long)double.Parse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>One login session from utmp.</summary>
public sealed record LoginSession(string User, string Line, string? Host, DateTimeOffset LoginAt);

/// <summary>
/// The utmp file (/run/utmp, utmp(5)) on glibc Linux: 384-byte records; USER_PROCESS (7) records are the logged-in
/// sessions — what <c>who</c> prints, read without starting a process.
/// </summary>
public static class UtmpParser
{
    public const int RecordSize = 384;
    private const short UserProcess = 7;

    public static IReadOnlyList<LoginSession> Parse(ReadOnlySpan<byte> data)
    {
        var sessions = new List<LoginSession>();
        for (var offset = 0; offset + RecordSize <= data.Length; offset += RecordSize)
        {
            var record = data.Slice(offset, RecordSize);
            if (BinaryPrimitives.ReadInt16LittleEndian(record) != UserProcess)
                continue;
            var line = Text(record.Slice(8, 32));
            var user = Text(record.Slice(44, 32));
            var host = Text(record.Slice(76, 256));
            var seconds = BinaryPrimitives.ReadInt32LittleEndian(record.Slice(340, 4));
            if (user.Length == 0)
                continue;
            sessions.Add(
                new LoginSession(
                    user,
                    line,
                    host.Length == 0 ? null : host,
                    DateTimeOffset.FromUnixTimeSeconds(seconds)
                )
            );
        }
        return sessions;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]).Trim();
    }
}

/// <summary>
/// Interactive use over an interval: a session counts from when it began (or the interval began) until its last
/// input (the terminal's access time, as <c>who -u</c> reads idle time). The busiest session wins; minutes never
/// exceed the interval.
/// </summary>
public static class InteractiveUse
{
    public static int Minutes(
        IEnumerable<(LoginSession Session, DateTimeOffset LastInput)> sessions,
        DateTimeOffset intervalStart,
        DateTimeOffset now
    )
    {
        var best = TimeSpan.Zero;
        foreach (var (session, lastInput) in sessions)
        {
            var from = session.LoginAt > intervalStart ? session.LoginAt : intervalStart;
            var to = lastInput < now ? lastInput : now;
            if (to - from > best)
                best = to - from;
        }
        var interval = now - intervalStart;
        return (int)Math.Round(Math.Min(best.TotalMinutes, Math.Max(0, interval.TotalMinutes)));
    }
}
