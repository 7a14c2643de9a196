using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItInventory.Functions.Tests.Shared;

/// <summary>
/// Realistic check-in payloads for tests and benchmarks. The software list is the package list of a real Debian
/// machine (debian-packages.tsv, 776 packages) padded to the requested size.
/// </summary>
public static class SamplePayloads
{
    private static readonly Lazy<string[][]> DebianPackages = new(() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "debian-packages.tsv"))
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .ToArray()
    );

    public static string Enrollment(
        string serial,
        string? uuid = null,
        string[]? macs = null,
        string hostname = "ws-0001",
        string secret = ""
    ) =>
        new JsonObject
        {
            ["enrollmentSecret"] = secret,
            ["hostname"] = hostname,
            ["serialNumber"] = serial,
            ["smbiosUuid"] = uuid,
            ["macAddresses"] = new JsonArray((macs ?? []).Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["manufacturer"] = "LENOVO",
            ["model"] = "ThinkPad T14 Gen 4",
            ["type"] = "laptop",
            ["agent"] = new JsonObject { ["name"] = "itinventory-agent", ["version"] = "1.0.0" },
        }.ToJsonString();

    public static JsonObject Heartbeat(
        string deviceId,
        string? inventoryHash = null,
        double cpu = 12.5,
        int interactiveMinutes = 30,
        string? sentAt = "2026-11-02T09:00:00Z"
    ) =>
        new()
        {
            ["schemaVersion"] = "1.0",
            ["kind"] = "heartbeat",
            ["deviceId"] = deviceId,
            ["sentAt"] = sentAt,
            ["agent"] = new JsonObject { ["name"] = "itinventory-agent", ["version"] = "1.0.0" },
            ["heartbeat"] = new JsonObject
            {
                ["cpuAveragePercent"] = cpu,
                ["memoryUsedPercent"] = 61.2,
                ["diskUsedPercent"] = 48.0,
                ["uptimeSeconds"] = 86400,
                ["interactiveMinutes"] = interactiveMinutes,
                ["lastInteractiveLogonAt"] = "2026-11-02T08:12:00Z",
                ["ipAddresses"] = new JsonArray("192.168.1.23", "fe80::1"),
                ["inventoryHash"] = inventoryHash,
            },
        };

    /// <summary>A full inventory of a Debian laptop with <paramref name="softwareCount"/> packages; <paramref
    /// name="variant"/>
    /// bumps the version of that many packages (to make "N changed packages").</summary>
    public static JsonObject Inventory(
        string deviceId,
        string serial,
        string? uuid = null,
        string[]? macs = null,
        int softwareCount = 800,
        int variant = 0,
        IEnumerable<(string Mac, string Ip)>? neighbours = null,
        string hostname = "ws-0001"
    )
    {
        var packages = DebianPackages.Value;
        var software = new JsonArray();
        for (var i = 0; i < softwareCount; i++)
        {
            var p = packages[i % packages.Length];
            var name = i < packages.Length ? p[0] : $"{p[0]}-extra{i / packages.Length}";
            var version = i < variant ? p[1] + "+upd1" : p[1];
            software.Add(
                new JsonObject
                {
                    ["name"] = name,
                    ["version"] = version,
                    ["publisher"] = "Debian",
                    ["architecture"] = p[2],
                    ["installedOn"] = "2026-01-15",
                }
            );
        }
        macs ??= ["3C:52:82:11:22:33"];
        return new JsonObject
        {
            ["schemaVersion"] = "1.0",
            ["kind"] = "inventory",
            ["deviceId"] = deviceId,
            ["sentAt"] = "2026-11-02T09:00:00Z",
            ["agent"] = new JsonObject { ["name"] = "itinventory-agent", ["version"] = "1.0.0" },
            ["inventory"] = new JsonObject
            {
                ["collectedAt"] = "2026-11-02T08:59:30Z",
                ["hostname"] = hostname,
                ["hardware"] = new JsonObject
                {
                    ["manufacturer"] = "LENOVO",
                    ["model"] = "ThinkPad T14 Gen 4",
                    ["serialNumber"] = serial,
                    ["smbiosUuid"] = uuid,
                    ["type"] = "laptop",
                    ["cpu"] = new JsonObject
                    {
                        ["model"] = "13th Gen Intel(R) Core(TM) i7-1365U",
                        ["cores"] = 10,
                        ["threads"] = 12,
                    },
                    ["memoryMb"] = 32768,
                    ["disks"] = new JsonArray(
                        new JsonObject
                        {
                            ["name"] = "nvme0n1",
                            ["model"] = "SAMSUNG MZVL2512HCJQ",
                            ["serialNumber"] = "S64KNX0T123456",
                            ["sizeGb"] = 512,
                        }
                    ),
                    ["networkInterfaces"] = new JsonArray(
                        macs.Select(
                                (m, i) =>
                                    (JsonNode?)
                                        new JsonObject
                                        {
                                            ["name"] = i == 0 ? "wlp0s20f3" : $"enp{i}s0",
                                            ["macAddress"] = m,
                                            ["ipAddresses"] = new JsonArray($"192.168.1.{23 + i}"),
                                        }
                            )
                            .ToArray()
                    ),
                },
                ["operatingSystem"] = new JsonObject
                {
                    ["name"] = "Debian GNU/Linux",
                    ["version"] = "12",
                    ["build"] = "6.1.0-28-amd64",
                    ["architecture"] = "x86_64",
                },
                ["software"] = software,
                ["localUsers"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = "alice",
                        ["isAdmin"] = true,
                        ["lastLogonAt"] = "2026-11-02T08:12:00Z",
                    },
                    new JsonObject { ["name"] = "root", ["isAdmin"] = true }
                ),
                ["neighbours"] = new JsonArray(
                    (neighbours ?? [])
                        .Select(n => (JsonNode?)new JsonObject { ["macAddress"] = n.Mac, ["ipAddress"] = n.Ip })
                        .ToArray()
                ),
            },
        };
    }

    public static string Text(this JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
