using ItInventory.Functions.Tests.Shared;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>A device enrolled through the real endpoint, with the credential it was given.</summary>
public sealed record EnrolledDevice(string DeviceId, string Secret, string Authorization, string Serial, string Mac);

public static class TestAppDeviceExtensions
{
    private static int counter;

    /// <summary>Enrolls a new machine with a unique serial and MAC and returns its credential.</summary>
    public static async Task<EnrolledDevice> EnrollNewDeviceAsync(this TestApp app)
    {
        var n = Interlocked.Increment(ref counter);
        var serial = $"PF{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        var mac = $"3C:52:82:{n >> 16 & 0xff:X2}:{n >> 8 & 0xff:X2}:{n & 0xff:X2}";
        var answer = await app.EnrollAsync(
            SamplePayloads.Enrollment(serial, macs: [mac], secret: TestApp.EnrollmentSecret)
        );
        Assert.True(answer.Status == 201, answer.Body);
        var json = answer.Json;
        return new EnrolledDevice(
            json.GetProperty("deviceId").GetString()!,
            json.GetProperty("deviceSecret").GetString()!,
            json.GetProperty("authorization").GetString()!,
            serial,
            mac
        );
    }
}
