using System.Security.Cryptography;
using System.Text;

namespace ItInventory.Infrastructure.Tests.Infrastructure;

/// <summary>
/// The ARM template function <c>guid(...)</c>: a name-based (version 5, SHA-1) UUID of the arguments joined with '-',
/// in the namespace ARM uses. Lets a test recompute the name a role assignment must have.
/// </summary>
public static class ArmGuid
{
    private static readonly Guid Namespace = Guid.Parse("11fb06fb-712d-4ddd-98c7-e71bbd588830");

    public static Guid Compute(params string[] arguments)
    {
        var name = Encoding.UTF8.GetBytes(string.Join("-", arguments));
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
        var hash = SHA1.HashData(input);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
