using ItInventory.Functions.Assets;

namespace ItInventory.Functions.CheckIns;

/// <summary>
/// Remote-access tools recognised in a software list (docs/agents.md lists them): a product whose name, lower-cased,
/// starts with one of a tool's prefixes (Windows display names and Linux/macOS package names alike). Remote-control
/// software is how attackers and unsanctioned support reach a machine: security reviews ask where it is installed.
/// </summary>
public static class RemoteAccessCatalogue
{
    /// <summary>Tool name → name prefixes (lower case).</summary>
    public static readonly IReadOnlyList<(string Tool, string[] Prefixes)> Tools =
    [
        ("TeamViewer", ["teamviewer"]),
        ("AnyDesk", ["anydesk"]),
        ("RustDesk", ["rustdesk"]),
        ("Chrome Remote Desktop", ["chrome remote desktop", "chrome-remote-desktop"]),
        ("Splashtop", ["splashtop"]),
        ("LogMeIn", ["logmein rescue", "logmein client", "logmein"]),
        ("ConnectWise ScreenConnect", ["screenconnect", "connectwise control"]),
        ("RealVNC", ["realvnc", "vnc server", "vnc connect", "vnc viewer"]),
        ("TightVNC", ["tightvnc"]),
        ("UltraVNC", ["ultravnc"]),
        ("TigerVNC", ["tigervnc"]),
        ("x11vnc", ["x11vnc"]),
        ("xrdp", ["xrdp"]),
        ("Radmin", ["radmin"]),
        ("Ammyy Admin", ["ammyy"]),
        ("NoMachine", ["nomachine"]),
        ("GoTo", ["gotoassist", "goto resolve", "goto opener"]),
        ("Zoho Assist", ["zoho assist"]),
        ("BeyondTrust Remote Support", ["beyondtrust remote support", "bomgar"]),
        ("Supremo", ["supremo"]),
        ("DWService", ["dwagent", "dwservice"]),
        ("MeshCentral", ["mesh agent", "meshagent"]),
        ("Parsec", ["parsec"]),
        ("AeroAdmin", ["aeroadmin"]),
        ("Remote Utilities", ["remote utilities"]),
    ];

    /// <summary>Products that share a tool's prefix but are not remote control (LogMeIn's VPN).</summary>
    private static readonly string[] Excluded = ["logmein hamachi"];

    /// <summary>The tool a software name is, or null.</summary>
    public static string? Match(string? softwareName)
    {
        if (string.IsNullOrWhiteSpace(softwareName))
            return null;
        var name = softwareName.Trim().ToLowerInvariant();
        if (Excluded.Any(e => name.StartsWith(e, StringComparison.Ordinal)))
            return null;
        foreach (var (tool, prefixes) in Tools)
        {
            if (prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
                return tool;
        }
        return null;
    }

    /// <summary>
    /// The remote-access tools of an inventory: those the agent reported (with their ids) and those recognised in
    /// the software list, one entry per tool (the agent's first). A section not reported keeps what was stored from
    /// it; null when neither was reported (nothing to change).
    /// </summary>
    public static List<AssetRemoteAccess>? Of(InventoryData inventory, IReadOnlyList<AssetRemoteAccess> stored)
    {
        if (inventory.RemoteAccess is null && inventory.Software is null)
            return null;
        var result = new List<AssetRemoteAccess>();
        var reported = inventory.RemoteAccess?.Select(r => new AssetRemoteAccess
        {
            Tool = r.Tool!.Trim(),
            Id = r.Id,
            Source = "agent",
        })
            ?? stored.Where(s => s.Source == "agent");
        result.AddRange(reported);
        var found = inventory.Software is { } software
            ? software
                .Select(s => (Tool: Match(s.Name), s.Name))
                .Where(m => m.Tool is not null)
                .Select(m => new AssetRemoteAccess
                {
                    Tool = m.Tool!,
                    Source = "software",
                    Software = m.Name!.Trim(),
                })
            : stored.Where(s => s.Source == "software");
        foreach (var item in found)
        {
            if (!result.Any(r => r.Tool.Equals(item.Tool, StringComparison.OrdinalIgnoreCase)))
                result.Add(item);
        }
        return result
            .DistinctBy(r => (r.Tool.ToLowerInvariant(), r.Id))
            .OrderBy(r => r.Tool, StringComparer.Ordinal)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
    }
}
