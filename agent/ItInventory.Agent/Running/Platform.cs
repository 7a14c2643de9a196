using System.Runtime.Versioning;
using ItInventory.Agent.Collectors;
using ItInventory.Agent.Collectors.Linux;
using ItInventory.Agent.Collectors.MacOs;
using ItInventory.Agent.Collectors.Windows;
using ItInventory.Agent.Configuration;

namespace ItInventory.Agent.Running;

/// <summary>The collectors and the usage sampler of the OS the agent runs on.</summary>
public sealed record Platform(IReadOnlyList<IInventoryCollector> Collectors, IUsageSampler Usage)
{
    public static Platform ForThisMachine(AgentOptions options)
    {
        if (OperatingSystem.IsWindows())
            return Windows();
        if (OperatingSystem.IsMacOS())
            return new Platform(MacCollectors.All(), new MacUsageSampler());
        return new Platform(LinuxCollectors.All(options.DmiPath), new LinuxUsageSampler());
    }

    [SupportedOSPlatform("windows")]
    private static Platform Windows() => new(WindowsCollectors.All(), new WindowsUsageSampler());

    /// <summary>Cheap change indicators of the collectors that have one, joined.</summary>
    public string? Fingerprint() =>
        string.Join('|', Collectors.OfType<IChangeFingerprint>().Select(c => c.Fingerprint() ?? "-"));
}
