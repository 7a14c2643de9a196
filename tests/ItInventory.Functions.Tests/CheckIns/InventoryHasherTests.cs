using System.Globalization;
using System.Text;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;

namespace ItInventory.Functions.Tests.CheckIns;

public sealed class InventoryHasherTests
{
    /// <summary>A full inventory as an agent sends it: mixed case, unsorted lists, a fractional disk size.</summary>
    private const string Document = """
        {
          "schemaVersion": "1.0",
          "kind": "inventory",
          "deviceId": "7ba831c8af1c40a096b8ddccc424d8ce",
          "sentAt": "2026-11-02T09:00:00Z",
          "agent": { "name": "itinventory-agent", "version": "1.0.0" },
          "inventory": {
            "collectedAt": "2026-11-02T08:59:30Z",
            "hostname": " WS-0001 ",
            "hardware": {
              "manufacturer": "LENOVO",
              "model": "ThinkPad T14 Gen 4",
              "serialNumber": "pf-3abc12",
              "smbiosUuid": "6F1C2B7A-0D43-4D8E-9A51-1C2D3E4F5A6B",
              "type": "laptop",
              "cpu": { "model": "Intel(R) Core(TM) i7-1365U", "cores": 10, "threads": 12 },
              "memoryMb": 32768,
              "disks": [
                { "name": "nvme1n1", "model": "WD PC SN740", "serialNumber": "23-B2", "sizeGb": 1024 },
                { "name": "nvme0n1", "model": "Samsung PM9A1", "serialNumber": "S6X1", "sizeGb": 476.94 }
              ],
              "networkInterfaces": [
                { "name": "wlan0", "macAddress": "3c-52-82-5e-c0-11", "ipAddresses": [ "fe80::1", "192.168.1.23" ] },
                { "name": "eth0", "macAddress": "3C:52:82:5E:C0:10", "ipAddresses": [] }
              ]
            },
            "operatingSystem": { "name": "Debian GNU/Linux", "version": "12", "build": "12.8", "architecture": "x64" },
            "software": [
              { "name": "openssl", "version": "3.0.15-1", "publisher": "Debian", "architecture": "x64",
                "installedOn": "2026-10-01" },
              { "name": "curl", "version": "7.88.1-10", "publisher": "Debian", "architecture": "x64",
                "installedOn": "2026-09-12" },
              { "name": "curl", "version": "7.88.1-10", "publisher": "Debian", "architecture": "x64",
                "installedOn": "2026-09-12" }
            ],
            "localUsers": [
              { "name": "ann", "isAdmin": true, "lastLogonAt": "2026-11-02T08:12:00Z" },
              { "name": "backup", "isAdmin": false }
            ],
            "neighbours": [
              { "macAddress": "00-1A-2B-3C-4D-5E", "ipAddress": "192.168.1.1" },
              { "macAddress": "00:1a:2b:3c:4d:5f", "ipAddress": "192.168.1.7" }
            ]
          }
        }
        """;

    /// <summary>
    /// The hash of <see cref="Document"/>. DO NOT update this value to make the test pass. The server keeps each
    /// asset's last hash on its summary row and stops an unchanged full inventory at the door (2 requests, no blob,
    /// no queue, no processing). Changing the canonical form changes every device's hash: every device's next full
    /// inventory misses that shortcut and is stored, queued and processed again, as if the whole fleet resent its
    /// full inventory at once. Change it only deliberately, in a release that says so.
    /// </summary>
    private const string GoldenHash = "d7f8f6e4f43c70054c50c024b3b5d8bdcc34be054ee3525e6c830a9816cd2a29";

    private static InventoryData Parse(string json) =>
        JsonBody.Deserialize(Encoding.UTF8.GetBytes(json), ApiJsonContext.Default.CheckinRequest).Value?.Inventory
        ?? throw new InvalidOperationException("The test document does not parse.");

    [Fact]
    public void The_canonical_hash_of_a_fixed_inventory_is_stable_across_releases() =>
        Assert.Equal(GoldenHash, InventoryHasher.Hash(Parse(Document)));

    [Theory]
    [InlineData("")]
    [InlineData("en-US")]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("ar-SA")]
    public void The_hash_does_not_depend_on_the_culture_the_worker_runs_in(string culture)
    {
        var inventory = Parse(Document);
        var original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            Assert.Equal(GoldenHash, InventoryHasher.Hash(inventory));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void Collection_time_logon_times_and_neighbour_addresses_do_not_change_the_hash()
    {
        var moved = Document
            .Replace("2026-11-02T08:59:30Z", "2026-11-03T10:00:00Z", StringComparison.Ordinal)
            .Replace(
                "\"lastLogonAt\": \"2026-11-02T08:12:00Z\"",
                "\"lastLogonAt\": \"2026-11-03T07:00:00Z\"",
                StringComparison.Ordinal
            )
            .Replace("192.168.1.7", "192.168.1.77", StringComparison.Ordinal);

        Assert.Equal(GoldenHash, InventoryHasher.Hash(Parse(moved)));
    }

    [Fact]
    public void A_changed_package_version_changes_the_hash()
    {
        var updated = Document.Replace("3.0.15-1", "3.0.15-2", StringComparison.Ordinal);

        Assert.NotEqual(GoldenHash, InventoryHasher.Hash(Parse(updated)));
    }
}
