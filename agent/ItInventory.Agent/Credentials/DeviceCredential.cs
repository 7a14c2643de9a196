namespace ItInventory.Agent.Credentials;

/// <summary>
/// The per-device credential. <see cref="PendingSecret"/> is a rotated secret the server handed out that has not
/// yet been used successfully: the agent keeps <see cref="DeviceSecret"/> until a check-in with the pending one
/// succeeds, so a lost answer or a crash never locks the device out.
/// </summary>
public sealed record DeviceCredential
{
    public required string DeviceId { get; init; }
    public required string DeviceSecret { get; init; }
    public string? PendingSecret { get; init; }

    /// <summary>The server this credential belongs to: a changed server URL means enrolling again.</summary>
    public string? ServerUrl { get; init; }

    public string Authorization(bool pending = false) =>
        $"Device {DeviceId}.{(pending ? PendingSecret : DeviceSecret)}";
}

/// <summary>Where the device credential lives: readable by the service account only.</summary>
public interface ICredentialStore
{
    string Location { get; }

    DeviceCredential? Load();

    void Save(DeviceCredential credential);

    void Delete();
}

public static class CredentialStores
{
    public static ICredentialStore ForThisPlatform(string stateDirectory) =>
        OperatingSystem.IsWindows()
            ? new DpapiCredentialStore(Path.Combine(stateDirectory, "credential.bin"))
            : new FileCredentialStore(Path.Combine(stateDirectory, "credential.json"));
}
