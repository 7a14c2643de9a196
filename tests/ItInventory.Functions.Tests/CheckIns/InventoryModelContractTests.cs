using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>Schema 1.2 (firmware, batteries, peripherals, OS dates, logged-on users, security posture, remote access,
/// licence keys, virtual machines) through the contract, the key protection and the hash: pure code.</summary>
public sealed class InventoryModelContractTests
{
    private const string DeviceId = "0123456789abcdef0123456789abcdef";

    /// <summary>A 1.2 inventory with every new section (as our agent and the mapped agents send them).</summary>
    public static JsonObject Inventory12(string bootAt = "2026-11-02T07:58:00Z", string user = "alice")
    {
        var document = SamplePayloads.Inventory(DeviceId, "PF3ABC12", softwareCount: 3);
        document["schemaVersion"] = "1.2";
        var inventory = document["inventory"]!.AsObject();
        var hardware = inventory["hardware"]!.AsObject();
        hardware["bios"] = new JsonObject
        {
            ["vendor"] = "LENOVO",
            ["version"] = "N3MET18W (1.17 )",
            ["releaseDate"] = "2024-05-21",
        };
        hardware["batteries"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "5B10W51867",
                ["manufacturer"] = "Sunwoda",
                ["serialNumber"] = "1234",
                ["chemistry"] = "LiP",
                ["designCapacityMwh"] = 57000,
                ["fullChargeCapacityMwh"] = 48450,
            }
        );
        hardware["peripherals"] = new JsonArray(
            new JsonObject
            {
                ["kind"] = "monitor",
                ["name"] = "T27h-20",
                ["manufacturer"] = "LEN",
                ["model"] = "LEN T27h-20",
                ["serialNumber"] = "V90A1B2C",
            },
            new JsonObject { ["kind"] = "keyboard", ["name"] = "ThinkPad Compact USB Keyboard" }
        );
        var os = inventory["operatingSystem"]!.AsObject();
        os["installedAt"] = "2024-06-20T14:05:09Z";
        os["lastBootAt"] = bootAt;
        inventory["loggedOnUsers"] = new JsonArray(user);
        inventory["lastLoggedOnUser"] = user;
        inventory["antivirus"] = new JsonArray(
            new JsonObject
            {
                ["name"] = "Sophos Intercept X",
                ["vendor"] = "Sophos",
                ["version"] = "2024.3",
                ["enabled"] = true,
                ["upToDate"] = false,
            }
        );
        inventory["firewalls"] = new JsonArray(new JsonObject { ["name"] = "ufw", ["enabled"] = true });
        inventory["remoteAccess"] = new JsonArray(new JsonObject { ["tool"] = "rustdesk", ["id"] = "123 456 789" });
        inventory["licences"] = new JsonArray(
            new JsonObject { ["product"] = "Microsoft Office Professional Plus 2021", ["key"] = OfficeKey }
        );
        inventory["software"]!
            .AsArray()
            .Add(
                new JsonObject
                {
                    ["name"] = "TeamViewer 15",
                    ["version"] = "15.59.5",
                    ["publisher"] = "TeamViewer",
                }
            );
        return document;
    }

    public const string OfficeKey = "NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP";

    private static CheckedCheckin Read(JsonObject document)
    {
        var read = CheckinValidator.Read(Encoding.UTF8.GetBytes(document.ToJsonString()));
        Assert.False(read.Failed, read.Problem?.Detail + string.Join("; ", read.Problem?.Errors?.Keys ?? []));
        return read.Value;
    }

    private static LicenceKeyProtector Protector(string? secret = "a-test-secret-of-at-least-32-characters!") =>
        new(Options.Create(new LicenceKeyOptions { HashSecret = secret }));

    [Fact]
    public void A_1_2_inventory_with_every_new_section_reads_without_warnings()
    {
        var checkedIn = Read(Inventory12());

        Assert.Null(checkedIn.Warnings);
        var inventory = checkedIn.Request.Inventory!;
        Assert.Equal("2024-05-21", inventory.Hardware!.Bios!.ReleaseDate);
        Assert.Equal(2, inventory.Hardware.Peripherals!.Count);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 7, 58, 0, TimeSpan.Zero), inventory.OperatingSystem!.LastBootAt);
        Assert.Equal(["alice"], inventory.LoggedOnUsers);
        Assert.Equal(false, inventory.Antivirus![0].UpToDate);
        Assert.Equal(OfficeKey, inventory.Licences![0].Key);
    }

    [Fact]
    public void Bad_optional_values_of_the_new_sections_are_dropped_with_warnings_and_the_rest_is_kept()
    {
        var document = Inventory12();
        var inventory = document["inventory"]!.AsObject();
        var hardware = inventory["hardware"]!.AsObject();
        hardware["bios"]!["releaseDate"] = "11/31/2024";
        hardware["batteries"]![0]!["designCapacityMwh"] = -5;
        hardware["peripherals"]![1]!["kind"] = "trackball";
        inventory["antivirus"]!.AsArray().Add(new JsonObject { ["enabled"] = true });
        inventory["remoteAccess"]!.AsArray().Add(new JsonObject { ["id"] = "42" });
        inventory["loggedOnUsers"]!.AsArray().Add("   ");
        inventory["operatingSystem"]!["installedAt"] = "0001-01-01T00:00:00Z";

        var checkedIn = Read(document);

        Assert.Equal(
            [
                "inventory.antivirus[1].name",
                "inventory.hardware.batteries[0].designCapacityMwh",
                "inventory.hardware.bios.releaseDate",
                "inventory.hardware.peripherals[1].kind",
                "inventory.loggedOnUsers[1]",
                "inventory.operatingSystem.installedAt",
                "inventory.remoteAccess[1].tool",
            ],
            checkedIn.Warnings!.Keys.Order(StringComparer.Ordinal)
        );
        var read = checkedIn.Request.Inventory!;
        Assert.Null(read.Hardware!.Bios!.ReleaseDate);
        Assert.Equal("N3MET18W (1.17 )", read.Hardware.Bios.Version);
        Assert.Null(read.Hardware.Batteries![0].DesignCapacityMwh);
        Assert.Equal("other", read.Hardware.Peripherals![1].Kind);
        Assert.Single(read.Antivirus!);
        Assert.Single(read.RemoteAccess!);
        Assert.Equal(["alice"], read.LoggedOnUsers);
        Assert.Null(read.OperatingSystem!.InstalledAt);
    }

    [Fact]
    public void Lists_over_their_limits_and_null_items_are_errors_keyed_by_path()
    {
        var document = Inventory12();
        var inventory = document["inventory"]!.AsObject();
        inventory["hardware"]!["batteries"] = new JsonArray(
            Enumerable
                .Range(0, CheckinLimits.MaxBatteries + 1)
                .Select(_ => (JsonNode?)new JsonObject { ["name"] = "b" })
                .ToArray()
        );
        inventory["firewalls"]!.AsArray().Add(null);

        var read = CheckinValidator.Read(Encoding.UTF8.GetBytes(document.ToJsonString()));

        Assert.True(read.Failed);
        Assert.Equal(
            ["inventory.firewalls[1]", "inventory.hardware.batteries"],
            read.Problem.Errors!.Keys.Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void A_section_a_collector_failed_to_read_is_not_reported()
    {
        var document = Inventory12();
        document["inventory"]!["diagnostics"] = new JsonArray(
            new JsonObject { ["section"] = "antivirus", ["error"] = "SecurityCenter2 not available" },
            new JsonObject { ["section"] = "hardware.batteries", ["error"] = "upower: not found" }
        );

        var inventory = Read(document).Request.Inventory!;

        Assert.Null(inventory.Antivirus);
        Assert.Null(inventory.Hardware!.Batteries);
        Assert.NotNull(inventory.Firewalls);
    }

    [Theory]
    [InlineData("NMMKJ-6RK4F-KMJVX-8D9MJ-6MWKP", "*****-*****-*****-*****-6MWKP")]
    [InlineData("nmmkj6rk4fkmjvx8d9mj6mwkp", "********************6MWKP")]
    [InlineData("ABCD-1234", "****-****")]
    [InlineData("Clé-ÉtéÀ-12345-67890", "***-****-*****-67890")]
    public void A_masked_key_shows_only_its_last_five_characters(string key, string masked) =>
        Assert.Equal(masked, LicenceKeyProtector.Mask(key));

    [Fact]
    public void The_keyed_hash_finds_the_same_key_however_it_is_written_and_depends_on_the_secret()
    {
        var protector = Protector();
        var a = protector.Protect(new LicenceKeyData { Product = "Office", Key = OfficeKey });
        var b = protector.Protect(new LicenceKeyData { Product = "Office", Key = OfficeKey.ToLowerInvariant() });
        var other = Protector("another-secret-of-at-least-32-characters")
            .Protect(new LicenceKeyData { Key = OfficeKey });

        Assert.Null(a.Key);
        Assert.True(Sha256Hex.IsValid(a.KeyHash));
        Assert.Equal(a.KeyHash, b.KeyHash);
        Assert.NotEqual(a.KeyHash, other.KeyHash);
        Assert.Equal("*****-*****-*****-*****-6MWKP", a.MaskedKey);
        Assert.Null(Protector(secret: null).Protect(new LicenceKeyData { Key = OfficeKey }).KeyHash);
    }

    [Fact]
    public void Protection_replaces_a_devices_own_masked_key_and_hash_and_rewrites_the_payload()
    {
        var document = Inventory12();
        document["inventory"]!["licences"]!
            .AsArray()
            .Add(
                new JsonObject
                {
                    ["product"] = "Forged",
                    ["maskedKey"] = "*****-12345",
                    ["keyHash"] = new string('a', 64),
                }
            );
        var checkedIn = Read(document);
        var received = new ReceivedCheckin(
            checkedIn.Request,
            new JsonPayload(Encoding.UTF8.GetBytes(document.ToJsonString()), null)
        );

        var protectedCheckin = Protector().Protect(received);

        // The body as received is dropped: the intake stores the protected request, serialised.
        Assert.Null(protectedCheckin.Payload);
        var payload = JsonSerializer.Serialize(protectedCheckin.Request, ApiJsonContext.Default.CheckinRequest);
        Assert.DoesNotContain("6RK4F", payload, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("*****-*****-*****-*****-6MWKP", payload);
        // The device's own masked key and hash, without a key, are dropped.
        Assert.Equal(
            ["Microsoft Office Professional Plus 2021"],
            protectedCheckin.Request.Inventory!.Licences!.Select(l => l.Product)
        );
        Assert.DoesNotContain("Forged", payload);
        // The stored payload reads back to the same protected inventory.
        var reread = CheckinValidator.Read(Encoding.UTF8.GetBytes(payload)).Value!.Request.Inventory!;
        Assert.Equal(InventoryHasher.Hash(protectedCheckin.Request.Inventory), InventoryHasher.Hash(reread));
    }

    [Fact]
    public void Last_boot_and_logged_on_users_are_volatile_and_do_not_change_the_hash()
    {
        var first = Read(Inventory12()).Request.Inventory!;
        var rebooted = Read(Inventory12(bootAt: "2026-11-03T08:01:00Z", user: "bob")).Request.Inventory!;
        var changed = Read(Inventory12()).Request.Inventory! with
        {
            Firewalls = [new() { Name = "ufw", Enabled = false }],
        };

        Assert.Equal(InventoryHasher.Hash(first), InventoryHasher.Hash(rebooted));
        Assert.NotEqual(InventoryHasher.Hash(first), InventoryHasher.Hash(changed));
    }

    [Fact]
    public void An_inventory_without_the_new_sections_hashes_as_before()
    {
        var old = Read(SamplePayloads.Inventory(DeviceId, "PF3ABC12", softwareCount: 3)).Request.Inventory!;

        Assert.Equal(InventoryHasher.Hash(old), InventoryHasher.Hash(old with { LoggedOnUsers = ["alice"] }));
    }

    [Fact]
    public void The_schema_lists_the_peripheral_kinds_of_the_code()
    {
        var kinds = ItInventory.Functions.Tests.Contract.ContractDocuments.SchemaJson(
            ItInventory.Functions.Tests.Contract.ContractDocuments.CheckinSchema
        )["properties"]!["inventory"]!["properties"]!["hardware"]!["properties"]!["peripherals"]!["items"]![
            "properties"
        ]!["kind"]!["enum"]!
            .AsArray()
            .Where(k => k is not null)
            .Select(k => k!.GetValue<string>());

        Assert.Equal(
            CheckinValidator.PeripheralKinds.Order(StringComparer.Ordinal),
            kinds.Order(StringComparer.Ordinal)
        );
    }

    [Theory]
    [InlineData("TeamViewer 15", "TeamViewer")]
    [InlineData("anydesk", "AnyDesk")]
    [InlineData("RustDesk", "RustDesk")]
    [InlineData("Chrome Remote Desktop Host", "Chrome Remote Desktop")]
    [InlineData("x11vnc", "x11vnc")]
    [InlineData("ScreenConnect Client (0a1b2c3d4e5f)", "ConnectWise ScreenConnect")]
    [InlineData("LogMeIn Hamachi", null)]
    [InlineData("Mozilla Firefox", null)]
    public void Remote_access_tools_are_recognised_in_software_names(string name, string? tool) =>
        Assert.Equal(tool, RemoteAccessCatalogue.Match(name));
}
