using System.Runtime.InteropServices;

namespace ItInventory.Agent.Configuration;

/// <summary>
/// The agent's settings, from (later wins) the config file, the environment (<c>ITINVENTORY_AGENT_*</c>) and the
/// command line. Only <see cref="ServerUrl"/> is required, plus <see cref="EnrollmentSecret"/> until the first
/// enrollment succeeded.
/// </summary>
public sealed record AgentOptions
{
    /// <summary>The app's base address, e.g. <c>https://func-abc.azurewebsites.net/</c>; <c>api/…</c> is
    /// appended.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>Used once: removed from the config file after enrolling (environment and command line are the
    /// administrator's, never written by the agent).</summary>
    public string? EnrollmentSecret { get; init; }

    /// <summary>Where the credential and the agent's state live (root/SYSTEM only).</summary>
    public string StateDirectory { get; init; } = DefaultPaths.StateDirectory;

    public string ConfigFile { get; init; } = DefaultPaths.ConfigFile;

    /// <summary>A log file beside the OS log; empty turns it off.</summary>
    public string? LogFile { get; init; } = DefaultPaths.LogFile;

    /// <summary>Consecutive 401 answers after which the agent enrolls again (with a configured enrollment secret);
    /// 0, the default, never re-enrolls on its own.</summary>
    public int ReEnrollAfterUnauthorized { get; init; }

    /// <summary>Re-collects and hashes the full inventory at least this often (seconds), to notice changes (RAM,
    /// disks) that no cheap fingerprint shows.</summary>
    public int InventoryCheckSeconds { get; init; } = 24 * 3600;

    /// <summary>Used until the server has answered with its own interval (seconds).</summary>
    public int DefaultIntervalSeconds { get; init; } = 4 * 3600;

    /// <summary>Where the Linux DMI attributes are read (a container may mount the host's /sys elsewhere).</summary>
    public string DmiPath { get; init; } = "/sys/class/dmi/id";

    /// <summary>The first back-off step after a failure (seconds); it doubles per failure up to an hour.</summary>
    public int RetryBaseSeconds { get; init; } = 30;

    /// <summary>A service's first check-in waits a random time up to this (seconds): machines that boot together do
    /// not all arrive at once.</summary>
    public int StartupDelaySeconds { get; init; } = 60;

    /// <summary>Runs one check-in and exits.</summary>
    public bool Once { get; init; }

    /// <summary>Collects the full inventory and prints it (JSON) without contacting the server.</summary>
    public bool PrintInventory { get; init; }
}

public static class DefaultPaths
{
    public static string ConfigFile =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? Path.Combine(ProgramData, "ItInventory", "Agent", "agent.json")
            : "/etc/itinventory-agent/agent.json";

    public static string StateDirectory =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? Path.Combine(ProgramData, "ItInventory", "Agent", "state")
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "/Library/Application Support/ItInventoryAgent"
        : "/var/lib/itinventory-agent";

    public static string LogFile =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
            ? Path.Combine(ProgramData, "ItInventory", "Agent", "agent.log")
        : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "/Library/Logs/itinventory-agent.log"
        : "/var/log/itinventory-agent/agent.log";

    private static string ProgramData => Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData);
}
