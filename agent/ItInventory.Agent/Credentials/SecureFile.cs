using System.Runtime.InteropServices;

namespace ItInventory.Agent.Credentials;

/// <summary>
/// Files only the service account may read. On Unix the directory is 0700 and the file 0600 from the moment it
/// exists (created with that mode, never chmod-ed afterwards), written beside the target and renamed over it, so a
/// reader — or a crash — sees the old content or the new, never half of one.
/// </summary>
public static class SecureFile
{
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static void EnsureDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory))
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        else if (File.GetUnixFileMode(directory) != OwnerOnlyDirectory)
            File.SetUnixFileMode(directory, OwnerOnlyDirectory);
    }

    public static void WriteAtomic(string path, ReadOnlySpan<byte> content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    /// <summary>True when the file is readable by its owner only (always true on Windows, where ACLs and DPAPI
    /// protect it).</summary>
    public static bool IsOwnerOnly(string path) =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows)
        || (File.GetUnixFileMode(path) & ~OwnerOnlyFile) == UnixFileMode.None;
}
