using System.Globalization;
using System.Text;
using System.Text.Json;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Shared;

namespace ItInventory.Bench;

/// <summary>
/// A simulated agent: its identity, its credential once enrolled, and its request bodies built ahead of time so
/// that payload generation is never timed. Full inventories alternate between two variants that differ in
/// <see cref="ChangedPackages"/> package versions, so every inventory after the first changes exactly that many.
/// </summary>
public sealed class BenchDevice
{
    public const int SoftwareCount = 800;
    public const int ChangedPackages = 10;

    private static int sequence;

    private readonly byte[][] inventories = new byte[2][];
    private int nextVariant;
    private volatile TaskCompletionSource? pending;

    private BenchDevice(int number)
    {
        Number = number;
        // Unique per device within the process: a serial and a globally administered (stable) MAC.
        Serial = string.Create(CultureInfo.InvariantCulture, $"BN{number:D6}X{Random.Shared.Next(0x1000, 0xFFFF):X4}");
        Mac = string.Create(
            CultureInfo.InvariantCulture,
            $"3C:52:82:{(number >> 16) & 0xFF:X2}:{(number >> 8) & 0xFF:X2}:{number & 0xFF:X2}"
        );
        Hostname = string.Create(CultureInfo.InvariantCulture, $"ws-{number:D5}");
    }

    public int Number { get; }
    public string Serial { get; }
    public string Mac { get; }
    public string Hostname { get; }

    public string DeviceId { get; private set; } = "";
    public string Authorization { get; private set; } = "";
    public string SummaryPartition => TableKeys.SummaryPartition(DeviceId);

    /// <summary>The hash the server returned for the last full inventory it accepted.</summary>
    public string? InventoryHash { get; set; }

    public byte[] HeartbeatJson { get; private set; } = [];

    public static BenchDevice Create() => new(Interlocked.Increment(ref sequence));

    public byte[] EnrollmentJson() =>
        Encoding.UTF8.GetBytes(
            SamplePayloads.Enrollment(Serial, macs: [Mac], hostname: Hostname, secret: BenchApp.EnrollmentSecret)
        );

    /// <summary>Records the credential from an enrollment answer and builds the device's request bodies.</summary>
    public void Enrolled(string enrollmentAnswer)
    {
        var json = JsonDocument.Parse(enrollmentAnswer).RootElement;
        DeviceId = json.GetProperty("deviceId").GetString()!;
        Authorization = json.GetProperty("authorization").GetString()!;
        for (var variant = 0; variant < 2; variant++)
        {
            var inventory = SamplePayloads.Inventory(
                DeviceId,
                Serial,
                macs: [Mac],
                softwareCount: SoftwareCount,
                variant: variant * ChangedPackages,
                hostname: Hostname
            );
            inventories[variant] = BenchApp.Gzip(Encoding.UTF8.GetBytes(inventory.Text()));
        }
        RefreshHeartbeat();
    }

    /// <summary>The heartbeat carries the inventory hash, as a real agent's does (the server then asks for no
    /// inventory).</summary>
    public void RefreshHeartbeat() =>
        HeartbeatJson = Encoding.UTF8.GetBytes(SamplePayloads.Heartbeat(DeviceId, InventoryHash).Text());

    /// <summary>The gzip body of the next full inventory: the other variant than last time.</summary>
    public byte[] NextInventoryGzip()
    {
        var body = inventories[nextVariant];
        nextVariant ^= 1;
        return body;
    }

    /// <summary>The same inventory again (the server already has it).</summary>
    public byte[] LastInventoryGzip() => inventories[nextVariant ^ 1];

    public int InventoryGzipBytes => inventories[0].Length;

    /// <summary>Waits until the device's previous inventory has been processed; a device never has two in
    /// flight.</summary>
    public async Task BeginInventoryAsync(CancellationToken cancellationToken)
    {
        if (pending is { } previous)
            await previous.Task.WaitAsync(cancellationToken);
        pending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void InventoryProcessed() => pending?.TrySetResult();
}
