using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text.Json;
using ItInventory.Agent.Running;

namespace ItInventory.Agent.Credentials;

/// <summary>
/// Windows: the credential encrypted with DPAPI in machine scope (<c>CRYPTPROTECT_LOCAL_MACHINE</c>, so the
/// LocalSystem service can read it after a reboot without a user profile), with an application entropy, in a folder
/// under ProgramData that the installer restricts to SYSTEM and Administrators. Atomic replace as on Unix.
/// </summary>
public sealed partial class DpapiCredentialStore(string path) : ICredentialStore
{
    private static readonly byte[] Entropy = "ItInventory.Agent credential v1"u8.ToArray();

    public string Location => path;

    public DeviceCredential? Load()
    {
        if (!OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("DPAPI exists on Windows only.");
        if (!File.Exists(path))
            return null;
        var clear = Unprotect(File.ReadAllBytes(path));
        return JsonSerializer.Deserialize(clear, AgentJsonContext.Default.DeviceCredential);
    }

    public void Save(DeviceCredential credential)
    {
        if (!OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("DPAPI exists on Windows only.");
        SecureFile.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var clear = JsonSerializer.SerializeToUtf8Bytes(credential, AgentJsonContext.Default.DeviceCredential);
        SecureFile.WriteAtomic(path, Protect(clear));
    }

    public void Delete() => File.Delete(path);

    private const int CryptProtectUiForbidden = 0x1;
    private const int CryptProtectLocalMachine = 0x4;

    [SupportedOSPlatform("windows")]
    private static byte[] Protect(byte[] clear) => Transform(clear, protect: true);

    [SupportedOSPlatform("windows")]
    private static byte[] Unprotect(byte[] cipher) => Transform(cipher, protect: false);

    [SupportedOSPlatform("windows")]
    private static unsafe byte[] Transform(byte[] input, bool protect)
    {
        fixed (byte* inputPtr = input)
        fixed (byte* entropyPtr = Entropy)
        {
            var inBlob = new DataBlob { Size = input.Length, Data = (IntPtr)inputPtr };
            var entropyBlob = new DataBlob { Size = Entropy.Length, Data = (IntPtr)entropyPtr };
            var ok = protect
                ? CryptProtectData(
                    ref inBlob,
                    null,
                    ref entropyBlob,
                    IntPtr.Zero,
                    IntPtr.Zero,
                    CryptProtectUiForbidden | CryptProtectLocalMachine,
                    out var output
                )
                : CryptUnprotectData(
                    ref inBlob,
                    IntPtr.Zero,
                    ref entropyBlob,
                    IntPtr.Zero,
                    IntPtr.Zero,
                    CryptProtectUiForbidden,
                    out output
                );
            if (!ok)
                throw new Win32Exception(Marshal.GetLastPInvokeError());
            try
            {
                var result = new byte[output.Size];
                Marshal.Copy(output.Data, result, 0, output.Size);
                return result;
            }
            finally
            {
                LocalFree(output.Data);
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DataBlob
    {
        public int Size;
        public IntPtr Data;
    }

    [LibraryImport("crypt32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CryptProtectData(
        ref DataBlob dataIn,
        string? description,
        ref DataBlob entropy,
        IntPtr reserved,
        IntPtr prompt,
        int flags,
        out DataBlob dataOut
    );

    [LibraryImport("crypt32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CryptUnprotectData(
        ref DataBlob dataIn,
        IntPtr description,
        ref DataBlob entropy,
        IntPtr reserved,
        IntPtr prompt,
        int flags,
        out DataBlob dataOut
    );

    [LibraryImport("kernel32.dll")]
    private static partial IntPtr LocalFree(IntPtr handle);
}
