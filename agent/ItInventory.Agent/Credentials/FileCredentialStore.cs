using System.Text.Json;
using ItInventory.Agent.Running;

namespace ItInventory.Agent.Credentials;

/// <summary>
/// Linux and macOS: a JSON file, 0600 in a 0700 directory owned by root (the service runs as root to read DMI
/// serials and every package database), replaced atomically. A file that others can read is refused rather than
/// trusted: its secret may have leaked.
/// </summary>
public sealed class FileCredentialStore(string path) : ICredentialStore
{
    public string Location => path;

    public DeviceCredential? Load()
    {
        if (!File.Exists(path))
            return null;
        if (!SecureFile.IsOwnerOnly(path))
        {
            throw new UnauthorizedAccessException(
                $"{path} is readable by others; remove it and enroll again (its secret may have leaked)."
            );
        }
        return JsonSerializer.Deserialize(File.ReadAllBytes(path), AgentJsonContext.Default.DeviceCredential);
    }

    public void Save(DeviceCredential credential)
    {
        SecureFile.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        SecureFile.WriteAtomic(
            path,
            JsonSerializer.SerializeToUtf8Bytes(credential, AgentJsonContext.Default.DeviceCredential)
        );
    }

    public void Delete() => File.Delete(path);
}
