using System.Text.Json;
using ItInventory.Agent.Credentials;

namespace ItInventory.Agent.Running;

/// <summary>What the agent remembers between check-ins (no secrets): hashes, the CPU counters of the previous
/// heartbeat, the server's last instructions and the failure counters.</summary>
public sealed record AgentState
{
    /// <summary>The server's hash of the last inventory it processed (sent back in heartbeats).</summary>
    public string? ServerInventoryHash { get; init; }

    /// <summary>The local hash of the last inventory sent: a different one means something changed.</summary>
    public string? SentInventoryHash { get; init; }
    public DateTimeOffset? InventoryCollectedAt { get; init; }

    /// <summary>A cheap fingerprint of the package database: when it moves, the inventory is collected again.</summary>
    public string? SoftwareFingerprint { get; init; }
    public bool FullInventoryRequested { get; init; }
    public int NextCheckinSeconds { get; init; }
    public DateTimeOffset? LastHeartbeatAt { get; init; }
    public CpuSample? Cpu { get; init; }
    public DateTimeOffset? LastInteractiveLogonAt { get; init; }
    public int ConsecutiveUnauthorized { get; init; }
    public int ConsecutiveFailures { get; init; }
}

/// <summary>Cumulative CPU time counters (any unit) and the boot they belong to.</summary>
public sealed record CpuSample(ulong Busy, ulong Total, string? BootId);

public sealed class StateStore(string directory)
{
    private string FilePath => Path.Combine(directory, "state.json");

    public AgentState Load()
    {
        try
        {
            return File.Exists(FilePath)
                ? JsonSerializer.Deserialize(File.ReadAllBytes(FilePath), AgentJsonContext.Default.AgentState) ?? new()
                : new();
        }
        catch (JsonException)
        {
            // A damaged state costs one full inventory, nothing more.
            return new();
        }
    }

    public void Save(AgentState state)
    {
        SecureFile.EnsureDirectory(directory);
        SecureFile.WriteAtomic(
            FilePath,
            JsonSerializer.SerializeToUtf8Bytes(state, AgentJsonContext.Default.AgentState)
        );
    }
}
