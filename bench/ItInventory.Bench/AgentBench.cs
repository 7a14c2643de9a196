using System.Diagnostics;
using System.IO.Compression;
using System.Security;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Bench;

/// <summary>
/// <c>bench agents</c>: the existing agents' formats against the native check-in, in the same run on the same app.
/// The same ~800-package inventory (and its 10-package change) is sent as native gzip JSON, as a GLPI Agent JSON
/// message and as a FusionInventory/OCS XML request (both zlib, as the agents send them). Targets: storage requests
/// per unchanged and per changed inventory (intake + processing) equal to the native format's, and throughput at least
/// 0.8 × the native path's.
/// </summary>
public static class AgentBench
{
    private const double RatioTarget = 0.8;

    private const int WarmUpRounds = 40;

    public static async Task<int> RunAsync(string[] args)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 30;
        var azurite = await ItInventory.Functions.Tests.Infrastructure.Azurite.SharedAsync();
        await using var app = await BenchApp.StartAsync(azurite.ConnectionString);
        Console.WriteLine($"ItInventory agent-format bench: {BenchDevice.SoftwareCount} packages, {rounds} rounds");

        if (args.Contains("--profile"))
            Profile();
        var formats = new[] { "native", "glpi-json", "ocs-xml" };
        var senders = new Dictionary<string, Sender>();
        foreach (var format in formats)
            senders[format] = await Sender.CreateAsync(app, format);

        // Requests per operation (deterministic: counted once after a warm-up inventory each).
        var costs = new Dictionary<string, (int Unchanged, int Changed)>();
        foreach (var (format, sender) in senders)
        {
            await sender.SendAsync(changed: true);
            await ProcessNextAsync(app);
            var unchanged = await CountAsync(() => sender.SendAsync(changed: false));
            var changed = await CountAsync(async () =>
            {
                await sender.SendAsync(changed: true);
                await ProcessNextAsync(app);
            });
            costs[format] = (unchanged, changed);
        }

        // Warm-up, not measured: every path's own code past the JIT's first tiers (a method is recompiled optimised
        // after 30 calls), as in a host that has been running for a while.
        for (var round = 0; round < WarmUpRounds; round++)
        {
            foreach (var format in formats)
            {
                await senders[format].SendAsync(changed: false);
                await senders[format].SendAsync(changed: true);
                await ProcessNextAsync(app);
            }
        }

        // Throughput: rounds of each format, interleaved so machine load hits all alike.
        var time = formats.ToDictionary(f => f, _ => (Unchanged: TimeSpan.Zero, Changed: TimeSpan.Zero));
        for (var round = 0; round < rounds; round++)
        {
            foreach (var format in formats)
            {
                var sender = senders[format];
                var clock = Stopwatch.StartNew();
                await sender.SendAsync(changed: false);
                var unchanged = clock.Elapsed;
                clock.Restart();
                await sender.SendAsync(changed: true);
                await ProcessNextAsync(app);
                var changed = clock.Elapsed;
                time[format] = (time[format].Unchanged + unchanged, time[format].Changed + changed);
            }
        }

        var passed = true;
        Console.WriteLine();
        Console.WriteLine(
            "| format | requests: unchanged | requests: changed | ms/unchanged | ms/changed "
                + "| ratio vs native (unchanged, changed) |"
        );
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var format in formats)
        {
            var (unchanged, changed) = costs[format];
            var ratioUnchanged = time["native"].Unchanged / time[format].Unchanged;
            var ratioChanged = time["native"].Changed / time[format].Changed;
            var ok =
                unchanged == costs["native"].Unchanged
                && changed == costs["native"].Changed
                && ratioUnchanged >= RatioTarget
                && ratioChanged >= RatioTarget;
            passed &= ok;
            Console.WriteLine(
                $"| {format} | {unchanged} | {changed} | {time[format].Unchanged.TotalMilliseconds / rounds:F1} | "
                    + $"{time[format].Changed.TotalMilliseconds / rounds:F1} | {ratioUnchanged:F2}, {ratioChanged:F2}"
                    + $"{(ok ? "" : " FAILED")} |"
            );
        }
        Console.WriteLine();
        Console.WriteLine(
            passed
                ? "All targets met."
                : $"FAILED: request counts differ from native, or a ratio is below {RatioTarget:F1}."
        );
        return passed ? 0 : 2;
    }

    private static void Profile()
    {
        var native = SamplePayloads.Inventory("0123456789abcdef0123456789abcdef", "PF1", softwareCount: 800);
        var json = Encoding.UTF8.GetBytes(GlpiJson(native).ToJsonString());
        var zlib = Zlib(json);
        void Time(string what, Action action)
        {
            for (var i = 0; i < 40; i++)
                action();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 50; i++)
                action();
            Console.WriteLine($"  {what}: {clock.Elapsed.TotalMilliseconds / 50:F2} ms");
        }
        // Each stage runs 40 times first: the measured calls run the JIT's optimised code.
        Time("inflate", () => AgentPayloadReader.DecodeAsync(zlib, null, 1 << 24, default).GetAwaiter().GetResult());
        Time("parse+tree", () => AgentNode.FromJson(json, 32));
        var tree = AgentNode.FromJson(json, 32).One("CONTENT")!;
        Time("map", () => AgentInventoryMapper.Map(tree));
        var inventory = AgentInventoryMapper.Map(tree);
        var checkin = new CheckinRequest
        {
            SchemaVersion = "1.0",
            Kind = "inventory",
            DeviceId = "0123456789abcdef0123456789abcdef",
            Inventory = inventory,
        };
        Time("validate", () => CheckinValidator.Validate(checkin));
        Time("hash", () => InventoryHasher.Hash(inventory));
        Time("serialize", () =>
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(checkin, ApiJsonContext.Default.CheckinRequest)
        );
        var gz = BenchApp.Gzip(Encoding.UTF8.GetBytes(native.ToJsonString()));
        var xml = Encoding.UTF8.GetBytes(OcsXml(native));
        Time("xml parse+tree", () => AgentNode.FromXml(xml, 1 << 26));
        var xmlTree = AgentNode.FromXml(xml, 1 << 26).One("REQUEST")!.One("CONTENT")!;
        Time("xml map", () => AgentInventoryMapper.Map(xmlTree));
        Time("native gunzip+deserialize", () =>
        {
            using var g = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
            using var m = new MemoryStream();
            g.CopyTo(m);
            System.Text.Json.JsonSerializer.Deserialize(m.ToArray(), ApiJsonContext.Default.CheckinRequest);
        });
    }

    private static async Task<int> CountAsync(Func<Task> operation)
    {
        using var scope = StorageRequestCounter.BeginScope();
        await operation();
        return scope.Count;
    }

    private static async Task ProcessNextAsync(BenchApp app)
    {
        QueueMessage message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value
            ?? throw new BenchException("The check-in queue is empty; the intake queued nothing.");
        await app.InvokeCheckinsAsync(f => f.ProcessCheckin(message, CancellationToken.None));
        await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    /// <summary>One enrolled device sending its two inventory variants in one format.</summary>
    private sealed class Sender
    {
        private readonly BenchApp app;
        private readonly BenchDevice device;
        private readonly string format;
        private readonly byte[][] bodies = new byte[2][];
        private int next;

        private Sender(BenchApp app, BenchDevice device, string format)
        {
            this.app = app;
            this.device = device;
            this.format = format;
        }

        public static async Task<Sender> CreateAsync(BenchApp app, string format)
        {
            var device = BenchDevice.Create();
            var answer = await app.EnrollAsync(device.EnrollmentJson());
            if (answer.Status != 201)
                throw new BenchException($"Enrollment: HTTP {answer.Status}: {answer.Body}");
            device.Enrolled(answer.Body);
            var sender = new Sender(app, device, format);
            for (var variant = 0; variant < 2; variant++)
            {
                var native = SamplePayloads.Inventory(
                    device.DeviceId,
                    device.Serial,
                    macs: [device.Mac],
                    softwareCount: BenchDevice.SoftwareCount,
                    variant: variant * BenchDevice.ChangedPackages,
                    hostname: device.Hostname
                );
                sender.bodies[variant] = format switch
                {
                    "native" => BenchApp.Gzip(Encoding.UTF8.GetBytes(native.ToJsonString())),
                    "glpi-json" => Zlib(Encoding.UTF8.GetBytes(GlpiJson(native).ToJsonString())),
                    _ => Zlib(Encoding.UTF8.GetBytes(OcsXml(native))),
                };
            }
            return sender;
        }

        /// <summary>Sends the same inventory as last time, or the other variant (10 packages changed).</summary>
        public async Task SendAsync(bool changed)
        {
            if (changed)
                next ^= 1;
            var body = bodies[next];
            if (format == "native")
            {
                var answer = await app.PostCheckinAsync(body, device.Authorization, gzip: true, default);
                if (answer.Status is not (200 or 202))
                    throw new BenchException($"native: HTTP {answer.Status}: {answer.Body}");
                return;
            }
            var request = BenchApp.JsonRequest(
                format == "glpi-json" ? "/api/agents/glpi" : "/api/agents/ocs",
                body,
                device.Authorization,
                gzip: false
            );
            request.ContentType = "application/x-compress-zlib";
            request.Headers[AgentProtocolService.AgentIdHeader] =
                format == "glpi-json" ? "8d0c6f52-1b7e-4a39-9c5d-2e4f6a8b0c1d" : "";
            await using var scope = app.Services.CreateAsyncScope();
            var functions = ActivatorUtilities.CreateInstance<AgentProtocolFunctions>(scope.ServiceProvider);
            var reply =
                format == "glpi-json"
                    ? await functions.PostGlpiAgentMessage(request, default)
                    : await functions.PostOcsAgentMessage(request, default);
            var result = await BenchApp.ExecuteAsync(request, reply);
            if (result.Status != 200)
                throw new BenchException($"{format}: HTTP {result.Status}");
        }
    }

    private static byte[] Zlib(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest))
            zlib.Write(data);
        return output.ToArray();
    }

    /// <summary>The native sample inventory as a GLPI Agent message.</summary>
    private static JsonObject GlpiJson(JsonObject native)
    {
        var inventory = native["inventory"]!;
        var hardware = inventory["hardware"]!;
        var softwares = new JsonArray();
        foreach (var s in inventory["software"]!.AsArray())
        {
            softwares.Add(
                new JsonObject
                {
                    ["name"] = s!["name"]!.GetValue<string>(),
                    ["version"] = s["version"]!.GetValue<string>(),
                    ["publisher"] = s["publisher"]!.GetValue<string>(),
                    ["arch"] = s["architecture"]!.GetValue<string>(),
                    ["install_date"] = s["installedOn"]!.GetValue<string>(),
                }
            );
        }
        return new JsonObject
        {
            ["action"] = "inventory",
            ["deviceid"] = "bench-agent-2026-11-02-09-00-00",
            ["itemtype"] = "Computer",
            ["content"] = new JsonObject
            {
                ["versionclient"] = "GLPI-Agent_v1.11",
                ["hardware"] = new JsonObject
                {
                    ["name"] = inventory["hostname"]!.GetValue<string>(),
                    ["memory"] = hardware["memoryMb"]!.GetValue<int>(),
                    ["chassis_type"] = "Notebook",
                },
                ["bios"] = new JsonObject
                {
                    ["smanufacturer"] = hardware["manufacturer"]!.GetValue<string>(),
                    ["smodel"] = hardware["model"]!.GetValue<string>(),
                    ["ssn"] = hardware["serialNumber"]!.GetValue<string>(),
                },
                ["networks"] = new JsonArray(
                    new JsonObject
                    {
                        ["description"] = "wlp0s20f3",
                        ["mac"] = hardware["networkInterfaces"]![0]!["macAddress"]!.GetValue<string>(),
                        ["ipaddress"] = "192.168.1.23",
                    }
                ),
                ["softwares"] = softwares,
            },
        };
    }

    /// <summary>The native sample inventory as a FusionInventory XML request.</summary>
    private static string OcsXml(JsonObject native)
    {
        static string E(string value) => SecurityElement.Escape(value);
        var inventory = native["inventory"]!;
        var hardware = inventory["hardware"]!;
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST>\n<CONTENT>\n");
        xml.Append($"<BIOS><SMANUFACTURER>{E(hardware["manufacturer"]!.GetValue<string>())}</SMANUFACTURER>");
        xml.Append($"<SMODEL>{E(hardware["model"]!.GetValue<string>())}</SMODEL>");
        xml.Append($"<SSN>{E(hardware["serialNumber"]!.GetValue<string>())}</SSN></BIOS>\n");
        xml.Append($"<HARDWARE><NAME>{E(inventory["hostname"]!.GetValue<string>())}</NAME>");
        xml.Append($"<MEMORY>{hardware["memoryMb"]!.GetValue<int>()}</MEMORY></HARDWARE>\n");
        xml.Append("<NETWORKS><DESCRIPTION>wlp0s20f3</DESCRIPTION>");
        xml.Append($"<MACADDR>{hardware["networkInterfaces"]![0]!["macAddress"]!.GetValue<string>()}</MACADDR>");
        xml.Append("<IPADDRESS>192.168.1.23</IPADDRESS></NETWORKS>\n");
        foreach (var s in inventory["software"]!.AsArray())
        {
            xml.Append($"<SOFTWARES><ARCH>{E(s!["architecture"]!.GetValue<string>())}</ARCH>");
            xml.Append($"<NAME>{E(s["name"]!.GetValue<string>())}</NAME>");
            xml.Append($"<PUBLISHER>{E(s["publisher"]!.GetValue<string>())}</PUBLISHER>");
            xml.Append($"<VERSION>{E(s["version"]!.GetValue<string>())}</VERSION>");
            xml.Append("<INSTALLDATE>2026/01/15 00:00:00</INSTALLDATE></SOFTWARES>\n");
        }
        xml.Append("<VERSIONCLIENT>FusionInventory-Agent_v2.6-3</VERSIONCLIENT>\n</CONTENT>\n");
        xml.Append("<DEVICEID>bench-fi-2026-11-02-09-00-00</DEVICEID>\n<QUERY>INVENTORY</QUERY>\n</REQUEST>\n");
        return xml.ToString();
    }
}
