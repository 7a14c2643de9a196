using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Tests.Shared;

namespace ItInventory.Bench;

/// <summary>
/// CPU and allocations of the pure check-in path of one full inventory, in-process and without storage: the intake
/// half (read the gzip body, validate and clean, hash) and the processing half (inflate, read again, diff against
/// the other variant's stored state). Thread CPU time and allocated bytes do not depend on what else the machine
/// runs, unlike wall time, so this is the figure to compare before and after a change of the code.
/// </summary>
public static class IntakeCpuBench
{
    public const string Usage = "Usage: ... -- intake-cpu [--rounds N] (default 400 inventories per stage)";

    private const int Repetitions = 5;

    public static int Run(string[] args)
    {
        var rounds = 400;
        if (args.Length == 2 && args[0] == "--rounds" && int.TryParse(args[1], out var r) && r > 0)
            rounds = r;
        else if (args.Length != 0)
        {
            Console.Error.WriteLine(Usage);
            return 64;
        }

        var deviceId = new string('a', 32);
        var variants = new byte[2][];
        for (var v = 0; v < 2; v++)
        {
            var inventory = SamplePayloads.Inventory(
                deviceId,
                "BN000001X1234",
                macs: ["3C:52:82:00:00:01"],
                softwareCount: BenchDevice.SoftwareCount,
                variant: v * BenchDevice.ChangedPackages,
                hostname: "ws-00001"
            );
            variants[v] = Encoding.UTF8.GetBytes(inventory.Text());
        }
        var gzip = variants.Select(BenchApp.Gzip).ToArray();
        var parsed = variants.Select(Read).ToArray();
        var requests = variants
            .Select(v => JsonSerializer.Deserialize(v, ApiJsonContext.Default.CheckinRequest)!)
            .ToArray();
        var message = new CheckinMessage
        {
            CheckinId = "c1",
            DeviceId = deviceId,
            BlobName = "b",
            ReceivedAt = DateTimeOffset.UnixEpoch.AddYears(56),
            InventoryHash = InventoryHasher.Hash(parsed[1]),
        };
        // The stored state the processing half diffs against: variant 0 as the previous check-in left it.
        var detail = new AssetDetailEntity { PartitionKey = deviceId, RowKey = "asset" };
        var stored = InventoryDiff
            .Compute(detail, [], parsed[0], message)
            .SoftwareActions.Select(a => (SoftwareEntity)a.Entity)
            .ToList();
        if (
            InventoryDiff.Compute(detail, stored, parsed[1], message).SoftwareActions.Count is var changed
            && changed != BenchDevice.ChangedPackages
        )
        {
            throw new BenchException($"Expected {BenchDevice.ChangedPackages} changed packages, got {changed}.");
        }

        Console.WriteLine(
            $"ItInventory intake CPU bench: {BenchDevice.SoftwareCount} packages, {variants[0].Length / 1024} KB JSON, "
                + $"{gzip[0].Length / 1024} KB gzip, {rounds} inventories per stage ×{Repetitions} (median), "
                + $".NET {Environment.Version}"
        );
        Console.WriteLine(
            $"  Load average: {BenchMachine.LoadAverage()} (thread CPU and allocations do not depend on it)"
        );
        Console.WriteLine();
        Console.WriteLine("  stage                          CPU ms/inv  alloc KB/inv");

        var i = 0;
        var stages = new (string Name, Action Step)[]
        {
            ("body read (gzip, UTF-8 check)", () => Body(gzip[i++ & 1])),
            ("deserialise only", () =>
                JsonSerializer.Deserialize(variants[i++ & 1], ApiJsonContext.Default.CheckinRequest)
            ),
            ("check+clean only", () => CheckinValidator.Check(requests[i++ & 1])),
            ("Read (deserialise+check)", () => Read(variants[i++ & 1])),
            ("hash", () => InventoryHasher.Hash(parsed[i++ & 1])),
            ("diff", () => InventoryDiff.Compute(detail, stored, parsed[1], message)),
            ("INTAKE (body+Read+hash)", () => Intake(gzip[i++ & 1])),
            ("PROCESS (inflate+Read+diff)", () => Process(gzip[1], detail, stored, message)),
        };
        // Warm every stage up first (tiered JIT), then measure them interleaved, several times: the median of each
        // stage is reported, so a burst of load on another core during one repetition does not decide the figure.
        foreach (var (_, step) in stages)
        {
            for (var w = 0; w < Math.Max(100, rounds / 2); w++)
                step();
        }
        var samples = stages.Select(_ => new List<(double CpuMs, double Bytes)>()).ToArray();
        for (var rep = 0; rep < Repetitions; rep++)
        {
            for (var s = 0; s < stages.Length; s++)
                samples[s].Add(Measure(stages[s].Step, rounds));
        }
        for (var s = 0; s < stages.Length; s++)
        {
            var cpu = samples[s].Select(x => x.CpuMs).Order().ElementAt(Repetitions / 2);
            var bytes = samples[s].Select(x => x.Bytes).Order().ElementAt(Repetitions / 2);
            Console.WriteLine($"  {stages[s].Name, -30} {cpu, 10:F3}  {bytes / 1024.0, 12:F1}");
        }
        return 0;
    }

    private static (double CpuMs, double Bytes) Measure(Action step, int rounds)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu = ThreadCpu.Now();
        for (var n = 0; n < rounds; n++)
            step();
        var cpuMs = (ThreadCpu.Now() - cpu).TotalMilliseconds / rounds;
        return (cpuMs, (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)rounds);
    }

    private static ReadOnlyMemory<byte> Body(byte[] gzip)
    {
        var request = BenchApp.JsonRequest("/api/checkins", gzip, null, gzip: true);
        // A MemoryStream body completes synchronously: everything runs on this thread.
        var payload = JsonBody.ReadAsync(request, 4 << 20, 32 << 20, CancellationToken.None).GetAwaiter().GetResult();
        return payload.Failed ? throw new BenchException(payload.Problem.Detail ?? "") : payload.Value.Json;
    }

    private static InventoryData Read(byte[] json) => Read(json.AsSpan());

    private static InventoryData Read(ReadOnlySpan<byte> json)
    {
        var read = CheckinValidator.Read(json);
        return read.Failed
            ? throw new BenchException(read.Problem.Detail ?? "")
            : read.Value.Request.Inventory ?? throw new BenchException("No inventory.");
    }

    private static string Intake(byte[] gzip) => InventoryHasher.Hash(Read(Body(gzip).Span));

    private static InventoryDiffResult Process(
        byte[] gzip,
        AssetDetailEntity detail,
        List<SoftwareEntity> stored,
        CheckinMessage message
    )
    {
        using var inflater = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        inflater.CopyTo(buffer);
        return InventoryDiff.Compute(detail, stored, Read(buffer.ToArray()), message);
    }

    /// <summary>CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>); the process's
    /// elsewhere.</summary>
    private static class ThreadCpu
    {
        private const int ClockThreadCpuTimeId = 3;

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        public static TimeSpan Now()
        {
            if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out var t) == 0)
                return TimeSpan.FromTicks(t.Seconds * TimeSpan.TicksPerSecond + t.Nanoseconds / 100);
            return System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        }
    }
}
