using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// Accept with warnings, on documents shaped like what real agents send: a bad optional value is dropped (text
/// cleaned) and named in the warnings by its path; structural faults are errors, every one with its path.
/// </summary>
public sealed class WarningsTests
{
    private static Outcome<CheckedCheckin> Read(JsonNode document) =>
        ContractDocuments.ReadWithApp(document.ToJsonString());

    private static CheckedCheckin Accepted(JsonNode document)
    {
        var read = Read(document);
        Assert.True(read.Problem is null, ContractDocuments.Describe(read.Problem));
        return read.Value!;
    }

    private static JsonObject Inventory() => ContractDocuments.Example("inventory.json");

    private static JsonObject Heartbeat() => ContractDocuments.Example("heartbeat.json");

    private static JsonNode At(JsonNode root, string path) =>
        path.Split('/').Aggregate(root, (node, t) => int.TryParse(t, out var i) ? node[i]! : node[t]!);

    [Fact]
    public void Offset_less_macos_date_times_are_read_as_utc_and_flagged_with_their_paths()
    {
        var document = Inventory();
        document["sentAt"] = "2026-11-02T10:00:05";
        At(document, "inventory")["collectedAt"] = "2026-11-02 09:59:41";
        At(document, "inventory/localUsers/0")["lastLogonAt"] = "2026-11-02T08:47:31.25";

        var accepted = Accepted(document);

        var inventory = accepted.Request.Inventory!;
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 10, 0, 5, TimeSpan.Zero), accepted.Request.SentAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 59, 41, TimeSpan.Zero), inventory.CollectedAt);
        Assert.Equal(TimeSpan.Zero, inventory.LocalUsers![0].LastLogonAt!.Value.Offset);
        Assert.Equal(
            ["inventory.collectedAt", "inventory.localUsers[0].lastLogonAt", "sentAt"],
            accepted.Warnings!.Keys.Order(StringComparer.Ordinal)
        );
        Assert.Contains("read as UTC", accepted.Warnings["sentAt"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void An_na_install_date_among_many_packages_is_dropped_and_the_rest_accepted()
    {
        var document = Inventory();
        At(document, "inventory/software/4")["installedOn"] = "N/A";

        var accepted = Accepted(document);

        var software = accepted.Request.Inventory!.Software!;
        Assert.Equal(11, software.Count);
        Assert.Null(software[4].InstalledOn);
        Assert.Equal("git", software[4].Name);
        Assert.Equal("2026-04-25", software[0].InstalledOn);
        Assert.Equal(["inventory.software[4].installedOn"], accepted.Warnings!.Keys);
    }

    [Fact]
    public void A_48_port_switch_stack_with_475_interfaces_and_thousands_of_neighbours_is_accepted()
    {
        var document = Inventory();
        var hardware = At(document, "inventory/hardware").AsObject();
        hardware["type"] = "network-gear";
        hardware["manufacturer"] = "Cisco Systems, Inc.";
        hardware["model"] = "C9300-48P";
        var interfaces = new JsonArray();
        for (var i = 0; i < 475; i++)
        {
            var (member, port) = (i / 96 + 1, i % 96 + 1);
            interfaces.Add(
                new JsonObject
                {
                    ["name"] = string.Create(CultureInfo.InvariantCulture, $"GigabitEthernet{member}/0/{port}"),
                    // 283 distinct MACs: port channels and VLAN interfaces share their members' addresses.
                    ["macAddress"] = Mac(0x70_0f_6a, i % 283),
                }
            );
        }
        hardware["networkInterfaces"] = interfaces;
        var neighbours = new JsonArray();
        for (var i = 0; i < 3000; i++)
            neighbours.Add(new JsonObject { ["macAddress"] = Mac(0x00_1b_a9, i) });
        At(document, "inventory")["neighbours"] = neighbours;

        var accepted = Accepted(document);

        Assert.Equal(475, accepted.Request.Inventory!.Hardware!.NetworkInterfaces!.Count);
        Assert.Equal(3000, accepted.Request.Inventory.Neighbours!.Count);
        Assert.Null(accepted.Warnings);
    }

    [Fact]
    public void A_c1_control_character_in_a_software_name_is_removed_with_a_warning()
    {
        var document = Inventory();
        // "Ã©" double-encoded once more: the C1 control U+0083 appears between the letters.
        At(document, "inventory/software/8")["name"] = "Slack Caf\u00C3\u0083\u00A9";

        var accepted = Accepted(document);

        Assert.Equal("Slack Caf\u00C3\u00A9", accepted.Request.Inventory!.Software![8].Name);
        Assert.Equal(["inventory.software[8].name"], accepted.Warnings!.Keys);
    }

    [Fact]
    public void A_garbled_mac_on_one_nic_is_dropped_and_the_other_nics_keep_theirs()
    {
        var document = Inventory();
        At(document, "inventory/hardware/networkInterfaces/1")["macAddress"] = "3c:52:82:11:22:3";

        var accepted = Accepted(document);

        var nics = accepted.Request.Inventory!.Hardware!.NetworkInterfaces!;
        Assert.Null(nics[1].MacAddress);
        Assert.Equal("enp0s31f6", nics[1].Name);
        Assert.Equal("a4:c3:f0:85:12:9e", nics[0].MacAddress);
        Assert.Equal(["inventory.hardware.networkInterfaces[1].macAddress"], accepted.Warnings!.Keys);
    }

    [Theory]
    [InlineData("\u202Elt-ops-0417", "lt-ops-0417")]
    [InlineData("lt-ops\u2028-0417", "lt-ops-0417")]
    [InlineData("\uFEFFlt-ops-0417", "lt-ops-0417")]
    [InlineData("lt-\u200Bops-0417", "lt-ops-0417")]
    public void Bidi_format_and_separator_characters_are_removed_from_a_hostname(string sent, string stored)
    {
        var document = Inventory();
        At(document, "inventory")["hostname"] = sent;

        var accepted = Accepted(document);

        Assert.Equal(stored, accepted.Request.Inventory!.Hostname);
        Assert.Equal(["inventory.hostname"], accepted.Warnings!.Keys);
    }

    [Fact]
    public void A_dotnet_zero_date_logon_is_dropped_because_table_storage_cannot_hold_it()
    {
        var heartbeat = Heartbeat();
        At(heartbeat, "heartbeat")["lastInteractiveLogonAt"] = "0001-01-01T00:00:00Z";
        var inventory = Inventory();
        At(inventory, "inventory/localUsers/0")["lastLogonAt"] = "0001-01-01T00:00:00";

        var fromHeartbeat = Accepted(heartbeat);
        var fromInventory = Accepted(inventory);

        Assert.Null(fromHeartbeat.Request.Heartbeat!.LastInteractiveLogonAt);
        Assert.Equal(["heartbeat.lastInteractiveLogonAt"], fromHeartbeat.Warnings!.Keys);
        Assert.Null(fromInventory.Request.Inventory!.LocalUsers![0].LastLogonAt);
        Assert.Equal(["inventory.localUsers[0].lastLogonAt"], fromInventory.Warnings!.Keys);
    }

    /// <summary>Azure Table Storage's documented DateTime range starts at 1601-01-01T00:00:00Z ("Understanding the
    /// Table service data model"); Azurite stores earlier dates, so the limit is tested here, on the rule.</summary>
    [Theory]
    [InlineData("1601-01-01T00:00:00Z", ContractDateTime.Valid)]
    [InlineData("1601-01-01T01:00:00+01:00", ContractDateTime.Valid)]
    [InlineData("1600-12-31T23:59:59.9999999Z", ContractDateTime.OutOfRange)]
    [InlineData("1601-01-01T00:30:00+01:00", ContractDateTime.OutOfRange)]
    [InlineData("0001-01-01T00:00:00Z", ContractDateTime.OutOfRange)]
    [InlineData("9999-12-31T23:59:59Z", ContractDateTime.Valid)]
    [InlineData("9999-12-31T23:59:59-01:00", ContractDateTime.Invalid)]
    [InlineData("2026-11-02T09:00:00", ContractDateTime.WithoutOffset)]
    [InlineData("2026-11-02 09:00:00.5", ContractDateTime.WithoutOffset)]
    [InlineData("N/A", ContractDateTime.Invalid)]
    public void Date_times_are_classified_against_the_real_table_storage_range(string text, ContractDateTime kind)
    {
        Assert.Equal(kind, ContractFormats.ClassifyDateTime(text, out var value));
        if (kind is ContractDateTime.Valid or ContractDateTime.WithoutOffset)
            Assert.True(value >= new DateTimeOffset(1601, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("{\"schemaVersion\":\"1.0\",\"kind\":\"heartbeat\",\"kind\":\"inventory\"", "kind")]
    [InlineData("{\"schemaVersion\":\"1.0\",\"deviceId\":\"a\",\"deviceId\":\"b\"", "deviceId")]
    public void Duplicate_keys_are_refused_with_the_path(string start, string key)
    {
        var json = start + ",\"heartbeat\":{}}";

        var problem = ContractDocuments.ValidateWithApp(json);

        Assert.NotNull(problem);
        Assert.Equal(400, problem.Status);
        Assert.Contains(key, problem.Errors!.Keys.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_inside_a_software_entry_is_refused_with_its_path()
    {
        var json = Inventory()
            .ToJsonString()
            .Replace("{\"name\":\"git\",", "{\"name\":\"git\",\"name\":\"evil\",", StringComparison.Ordinal);
        Assert.Contains("\"evil\"", json, StringComparison.Ordinal);

        var problem = ContractDocuments.ValidateWithApp(json);

        Assert.NotNull(problem);
        Assert.Equal("inventory.software[4].name", problem.Errors!.Keys.Single());
    }

    [Fact]
    public void Every_structural_error_is_reported_with_its_own_path()
    {
        var document = Inventory();
        At(document, "inventory/software/1")["name"] = " ";
        At(document, "inventory/software/7")["name"] = new string('n', 257);
        At(document, "inventory/localUsers/1").AsObject().Remove("name");
        document["deviceId"] = "not-a-device";

        var problem = Read(document).Problem;

        Assert.NotNull(problem);
        Assert.Equal(
            ["deviceId", "inventory.localUsers[1].name", "inventory.software[1].name", "inventory.software[7].name"],
            problem.Errors!.Keys.Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void A_wrong_type_is_malformed_json_with_the_path_of_the_field()
    {
        var document = Heartbeat();
        At(document, "heartbeat")["cpuAveragePercent"] = "12.5";

        var problem = Read(document).Problem;

        Assert.NotNull(problem);
        Assert.Equal(["heartbeat.cpuAveragePercent"], problem.Errors!.Keys);
    }

    [Fact]
    public void Placeholders_in_descriptive_text_are_dropped_but_identities_are_left_to_the_identity_rules()
    {
        var document = Inventory();
        var hardware = At(document, "inventory/hardware");
        hardware["manufacturer"] = "To be filled by O.E.M.";
        hardware["model"] = "Default string";
        hardware["serialNumber"] = "To be filled by O.E.M.";
        At(document, "inventory/software/2")["publisher"] = "Unknown";

        var accepted = Accepted(document);

        var hw = accepted.Request.Inventory!.Hardware!;
        Assert.Null(hw.Manufacturer);
        Assert.Null(hw.Model);
        Assert.Equal("To be filled by O.E.M.", hw.SerialNumber);
        Assert.Null(accepted.Request.Inventory.Software![2].Publisher);
        Assert.Equal(
            ["inventory.hardware.manufacturer", "inventory.hardware.model", "inventory.software[2].publisher"],
            accepted.Warnings!.Keys.Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void Platform_identities_are_checked_as_text()
    {
        var document = Inventory();
        At(document, "inventory/hardware")["platformIdentities"] = new JsonObject
        {
            ["machineId"] = "\u202E4c4c45440042351080 52b4c04f4d3332",
            ["cloudInstanceId"] = new string('i', 257),
        };

        var problem = Read(document).Problem;

        Assert.NotNull(problem);
        Assert.Equal(["inventory.hardware.platformIdentities.cloudInstanceId"], problem.Errors!.Keys);

        At(document, "inventory/hardware/platformIdentities")["cloudInstanceId"] = "i-0abc123";
        var accepted = Accepted(document);
        Assert.Equal(
            "4c4c45440042351080 52b4c04f4d3332",
            accepted.Request.Inventory!.Hardware!.PlatformIdentities!.MachineId
        );
        Assert.Equal(["inventory.hardware.platformIdentities.machineId"], accepted.Warnings!.Keys);
    }

    [Fact]
    public void A_reported_collector_failure_makes_its_section_not_reported()
    {
        var document = Inventory();
        At(document, "inventory")["software"] = new JsonArray();
        At(document, "inventory")["diagnostics"] = new JsonArray(
            new JsonObject { ["section"] = "software", ["error"] = "dpkg-query exited with code 2" },
            new JsonObject { ["section"] = "hardware.disks", ["error"] = "lsblk: not found" },
            new JsonObject { ["section"] = "printers", ["error"] = "cups not running" }
        );

        var accepted = Accepted(document);

        var inventory = accepted.Request.Inventory!;
        Assert.Null(inventory.Software);
        Assert.Null(inventory.Hardware!.Disks);
        Assert.NotNull(inventory.Hardware.NetworkInterfaces);
        Assert.Equal(2, inventory.Diagnostics!.Count);
        Assert.Equal(["inventory.diagnostics[2].section"], accepted.Warnings!.Keys);
        Assert.NotEqual(InventoryHasher.Hash(inventory), InventoryHasher.Hash(inventory with { Software = [] }));
    }

    [Fact]
    public void Too_many_warnings_are_summarised()
    {
        var document = Inventory();
        var software = new JsonArray();
        for (var i = 0; i < 250; i++)
            software.Add(new JsonObject { ["name"] = $"pkg{i}", ["installedOn"] = "0000-00-00" });
        At(document, "inventory")["software"] = software;

        var accepted = Accepted(document);

        Assert.Equal(CheckinLimits.MaxWarnings + 1, accepted.Warnings!.Count);
        Assert.Equal("150 more warning(s) not listed.", accepted.Warnings["$"].Single());
    }

    [Fact]
    public void A_1_0_example_reads_without_warnings()
    {
        foreach (var example in new[] { "heartbeat.json", "inventory.json", "inventory-windows.json" })
        {
            var document = ContractDocuments.Example(example);
            Assert.True(ContractDocuments.Evaluate(ContractDocuments.CheckinSchema10, document).Valid, example);
            Assert.Null(Accepted(document).Warnings);
        }
    }

    [Fact]
    public void Enrollment_mac_errors_are_warnings_keyed_by_index_and_the_rest_is_kept()
    {
        var request = new EnrollmentRequest
        {
            EnrollmentSecret = "secret",
            Hostname = "vm-\u202Ebuild-07",
            MacAddresses = ["52:54:00:12:34:56", "zz:54:00:12:34:57", "00:1b:a9:4c:7e:02"],
            Manufacturer = "QEMU",
            Model = "N/A",
            Type = "tablet",
        };

        var checkedRequest = EnrollmentValidator.Validate(request);

        Assert.False(checkedRequest.Failed);
        var (cleaned, warnings) = (checkedRequest.Value.Request, checkedRequest.Value.Warnings!);
        Assert.Equal(["52:54:00:12:34:56", "00:1b:a9:4c:7e:02"], cleaned.MacAddresses!);
        Assert.Equal("vm-build-07", cleaned.Hostname);
        Assert.Null(cleaned.Model);
        Assert.Null(cleaned.Type);
        Assert.Equal(["hostname", "macAddresses[1]", "model", "type"], warnings.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Enrollment_structural_errors_are_all_reported()
    {
        var request = new EnrollmentRequest
        {
            Hostname = new string('h', 257),
            MacAddresses = Enumerable
                .Range(0, CheckinLimits.MaxEnrollmentMacAddresses + 1)
                .Select(i => Mac(0x00_1b_a9, i))
                .ToList(),
        };

        var problem = EnrollmentValidator.Validate(request).Problem;

        Assert.NotNull(problem);
        Assert.Equal(
            ["enrollmentSecret", "hostname", "macAddresses"],
            problem.Errors!.Keys.Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public void A_switch_can_enroll_with_hundreds_of_macs()
    {
        var request = new EnrollmentRequest
        {
            EnrollmentSecret = "secret",
            Hostname = "sw-core-01",
            MacAddresses = Enumerable.Range(0, 283).Select(i => Mac(0x70_0f_6a, i)).ToList(),
        };

        var checkedRequest = EnrollmentValidator.Validate(request);

        Assert.False(checkedRequest.Failed, ContractDocuments.Describe(checkedRequest.Problem));
        Assert.Null(checkedRequest.Value.Warnings);
    }

    /// <summary>One definition of length, the JSON Schema specification's: Unicode code points (an emoji is one
    /// character, not two UTF-16 code units). JsonSchema.Net, the validator of these tests, counts grapheme clusters
    /// instead (StringInfo.LengthInTextElements), so for combining sequences it is more lenient than the
    /// specification and the server: the last two cases pin that known difference down.</summary>
    [Theory]
    [InlineData("\U0001F600", 256, true, true)]
    [InlineData("\U0001F600", 257, false, false)]
    [InlineData("e\u0301", 128, true, true)]
    [InlineData("e\u0301", 129, true, false)]
    public void String_length_counts_code_points_on_the_server(
        string unit,
        int count,
        bool jsonSchemaNetAccepts,
        bool serverAccepts
    )
    {
        var text = string.Concat(Enumerable.Repeat(unit, count));
        var document = Inventory();
        At(document, "inventory")["hostname"] = text;

        var (schemaValid, errors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, document);
        var problem = Read(document).Problem;

        Assert.True(schemaValid == jsonSchemaNetAccepts, $"schema: {errors}");
        Assert.True(problem is null == serverAccepts, ContractDocuments.Describe(problem));
    }

    private static string Mac(int oui, int i) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{(oui >> 16) & 0xff:x2}:{(oui >> 8) & 0xff:x2}:{oui & 0xff:x2}:"
                + $"{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}"
        );

    [Fact]
    public void Warnings_cost_nothing_when_the_document_is_clean()
    {
        var json = Encoding.UTF8.GetBytes(Inventory().ToJsonString());

        var read = CheckinValidator.Read(json);

        Assert.False(read.Failed);
        Assert.Equal(0, LenientDateTimeConverter.Flagged);
        Assert.Null(read.Value.Warnings);
    }
}
