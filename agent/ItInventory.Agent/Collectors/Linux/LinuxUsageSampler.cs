using ItInventory.Agent.Running;
using ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Collectors.Linux;

/// <summary>Linux heartbeat: /proc/stat, /proc/meminfo, /proc/uptime, utmp sessions with their terminals' idle
/// time.</summary>
public sealed class LinuxUsageSampler : IUsageSampler
{
    public UsageSample Sample(AgentState previous, DateTimeOffset now)
    {
        var bootId = LinuxCollectors.ReadOrNull("/proc/sys/kernel/random/boot_id")?.Trim();
        var cpu = ProcStatParser.Parse(File.ReadAllText("/proc/stat"), bootId);
        var uptime = UptimeParser.Parse(File.ReadAllText("/proc/uptime"));
        var sessions = Sessions();
        var intervalStart =
            previous.LastHeartbeatAt is { } last && previous.Cpu?.BootId == bootId
                ? last
                : now.AddSeconds(-Math.Min(uptime, Math.Max(previous.NextCheckinSeconds, 3600)));
        var lastLogon = sessions.Count == 0 ? previous.LastInteractiveLogonAt : sessions.Max(s => s.Session.LoginAt);
        return new UsageSample(
            new HeartbeatData
            {
                CpuAveragePercent = ProcStatParser.AveragePercent(previous.Cpu, cpu),
                MemoryUsedPercent = MemInfoParser.UsedPercent(File.ReadAllText("/proc/meminfo")),
                DiskUsedPercent = CommonUsage.DiskUsedPercent(),
                UptimeSeconds = uptime,
                InteractiveMinutes = InteractiveUse.Minutes(sessions, intervalStart, now),
                LastInteractiveLogonAt = lastLogon,
                IpAddresses = CommonUsage.IpAddresses(),
            },
            cpu
        );
    }

    private static List<(LoginSession Session, DateTimeOffset LastInput)> Sessions()
    {
        var file = File.Exists("/run/utmp") ? "/run/utmp" : "/var/run/utmp";
        if (!File.Exists(file))
            return [];
        var result = new List<(LoginSession, DateTimeOffset)>();
        foreach (var session in UtmpParser.Parse(File.ReadAllBytes(file)))
        {
            // A terminal's access time is its last input (what `who -u` shows as idle); graphical sessions have
            // none and count as active.
            var tty = "/dev/" + session.Line;
            var lastInput =
                session.Line.Length > 0 && File.Exists(tty)
                    ? new DateTimeOffset(File.GetLastAccessTimeUtc(tty), TimeSpan.Zero)
                    : DateTimeOffset.UtcNow;
            result.Add((session, lastInput));
        }
        return result;
    }
}
