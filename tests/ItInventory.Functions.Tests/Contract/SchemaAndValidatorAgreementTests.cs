using System.Globalization;
using System.Text.Json.Nodes;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using Xunit.Abstractions;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// One contract: for documents on either side of every rule, the published schema and the app (strict
/// deserialisation plus <see cref="CheckinValidator"/>) give the same verdict. Each case changes one value of an
/// example.
/// </summary>
public sealed class SchemaAndValidatorAgreementTests(ITestOutputHelper output)
{
    private const string Heartbeat = "heartbeat.json";
    private const string Inventory = "inventory.json";

    [Theory]
    [InlineData("kind is neither heartbeat nor inventory", Heartbeat, "/kind", "\"status\"")]
    [InlineData("kind is missing", Heartbeat, "/kind", null)]
    [InlineData("kind is null", Heartbeat, "/kind", "null")]
    [InlineData("an inventory check-in without inventory", Inventory, "/inventory", null)]
    [InlineData("an inventory check-in whose inventory is null", Inventory, "/inventory", "null")]
    [InlineData("a heartbeat check-in without heartbeat", Heartbeat, "/heartbeat", null)]
    [InlineData("a heartbeat check-in that also carries an inventory", Heartbeat, "/inventory", "{}")]
    [InlineData("an inventory check-in that also carries a heartbeat", Inventory, "/heartbeat", "{}")]
    [InlineData("schemaVersion 2.0", Heartbeat, "/schemaVersion", "\"2.0\"")]
    [InlineData("schemaVersion 0.9", Heartbeat, "/schemaVersion", "\"0.9\"")]
    [InlineData("schemaVersion with three parts", Heartbeat, "/schemaVersion", "\"1.0.1\"")]
    [InlineData("schemaVersion with a five-digit minor", Heartbeat, "/schemaVersion", "\"1.10000\"")]
    [InlineData("schemaVersion missing", Heartbeat, "/schemaVersion", null)]
    [InlineData("schemaVersion as a number", Heartbeat, "/schemaVersion", "1.0")]
    [InlineData("deviceId missing", Heartbeat, "/deviceId", null)]
    [InlineData("deviceId in upper case", Heartbeat, "/deviceId", "\"7C1E4B2F9A0D4E6B8F3A5C2D1E0B9A84\"")]
    [InlineData("deviceId with 31 digits", Heartbeat, "/deviceId", "\"7c1e4b2f9a0d4e6b8f3a5c2d1e0b9a8\"")]
    [InlineData("deviceId as a GUID with hyphens", Heartbeat, "/deviceId", "\"7c1e4b2f-9a0d-4e6b-8f3a-5c2d1e0b9a84\"")]
    [InlineData("agent version longer than 256 characters", Heartbeat, "/agent/version", "repeat:9:257")]
    [InlineData("diskUsedPercent as a string", Heartbeat, "/heartbeat/diskUsedPercent", "\"48\"")]
    [InlineData("uptimeSeconds beyond a 64-bit integer", Heartbeat, "/heartbeat/uptimeSeconds", "9223372036854775808")]
    [InlineData("ipAddresses as a single string", Heartbeat, "/heartbeat/ipAddresses", "\"192.168.1.23\"")]
    [InlineData("hostname longer than 256 characters", Inventory, "/inventory/hostname", "repeat:x:257")]
    [InlineData(
        "serial number longer than 256 characters",
        Inventory,
        "/inventory/hardware/serialNumber",
        "repeat:A:257"
    )]
    [InlineData("a null disk", Inventory, "/inventory/hardware/disks/0", "null")]
    [InlineData("a software entry without name", Inventory, "/inventory/software/0/name", null)]
    [InlineData("a software entry with a blank name", Inventory, "/inventory/software/0/name", "\"   \"")]
    [InlineData("a software entry with an empty name", Inventory, "/inventory/software/0/name", "\"\"")]
    [InlineData(
        "a software entry whose name is a no-break space",
        Inventory,
        "/inventory/software/0/name",
        "\"\\u00a0\""
    )]
    [InlineData("a software name longer than 256 characters", Inventory, "/inventory/software/0/name", "repeat:n:257")]
    [InlineData("a null software entry", Inventory, "/inventory/software/0", "null")]
    [InlineData("software as an object", Inventory, "/inventory/software", "{}")]
    [InlineData("a local user without name", Inventory, "/inventory/localUsers/1/name", null)]
    [InlineData("isAdmin as a string", Inventory, "/inventory/localUsers/0/isAdmin", "\"yes\"")]
    [InlineData("schemaVersion with a leading zero", Heartbeat, "/schemaVersion", "\"01.0\"")]
    // Schema 1.2 sections
    [InlineData("a null firewall", Inventory, "/inventory/firewalls", "[null]")]
    [InlineData("batteries as an object", Inventory, "/inventory/hardware/batteries", "{}")]
    [InlineData("loggedOnUsers as a string", Inventory, "/inventory/loggedOnUsers", "\"alice\"")]
    [InlineData(
        "antivirus enabled as a string",
        Inventory,
        "/inventory/antivirus",
        "[{\"name\":\"x\",\"enabled\":\"yes\"}]"
    )]
    public void Check_in_outside_the_contract_is_rejected_by_both_the_schema_and_the_validator(
        string @case,
        string example,
        string pointer,
        string? value
    )
    {
        var document = ContractMutations.With(example, pointer, Value(value));

        var (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, document);
        var problem = ContractDocuments.ValidateWithApp(document.ToJsonString());

        output.WriteLine($"schema: {schemaErrors}\napp: {ContractDocuments.Describe(problem)}");
        Assert.False(schemaValid, $"{@case}: the schema accepts it");
        Assert.True(problem is not null, $"{@case}: the app accepts it (schema says:\n{schemaErrors})");
    }

    [Theory]
    [InlineData("sentAt that is not a date-time", Heartbeat, "/sentAt", "\"yesterday\"", "sentAt")]
    [InlineData("sentAt on a day that does not exist", Heartbeat, "/sentAt", "\"2026-02-30T09:00:00Z\"", "sentAt")]
    [InlineData("sentAt with a leap second", Heartbeat, "/sentAt", "\"2026-06-30T23:59:60Z\"", "sentAt")]
    [InlineData(
        "sentAt with an offset beyond 14 hours",
        Heartbeat,
        "/sentAt",
        "\"2026-11-02T09:00:00+14:01\"",
        "sentAt"
    )]
    [InlineData("sentAt with lower-case t and z", Heartbeat, "/sentAt", "\"2026-11-02t09:00:00z\"", "sentAt")]
    [InlineData(
        "sentAt with 17 fractional digits",
        Heartbeat,
        "/sentAt",
        "\"2026-11-02T09:00:00.12345678901234567Z\"",
        "sentAt"
    )]
    [InlineData("agent name with a control character", Heartbeat, "/agent/name", "\"agent\\u0007\"", "agent.name")]
    [InlineData(
        "cpuAveragePercent above 100",
        Heartbeat,
        "/heartbeat/cpuAveragePercent",
        "100.01",
        "heartbeat.cpuAveragePercent"
    )]
    [InlineData(
        "memoryUsedPercent below 0",
        Heartbeat,
        "/heartbeat/memoryUsedPercent",
        "-0.5",
        "heartbeat.memoryUsedPercent"
    )]
    [InlineData("uptimeSeconds negative", Heartbeat, "/heartbeat/uptimeSeconds", "-1", "heartbeat.uptimeSeconds")]
    [InlineData(
        "interactiveMinutes above a week",
        Heartbeat,
        "/heartbeat/interactiveMinutes",
        "10081",
        "heartbeat.interactiveMinutes"
    )]
    [InlineData(
        "interactiveMinutes negative",
        Heartbeat,
        "/heartbeat/interactiveMinutes",
        "-1",
        "heartbeat.interactiveMinutes"
    )]
    [InlineData(
        "lastInteractiveLogonAt without a time",
        Heartbeat,
        "/heartbeat/lastInteractiveLogonAt",
        "\"last tuesday\"",
        "heartbeat.lastInteractiveLogonAt"
    )]
    [InlineData(
        "an IP address out of range",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"192.168.1.300\"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "an IP address that is a host name",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"gateway.local\"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "an IP address with a trailing space",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"10.0.0.1 \"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "a null IP address in the list",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "null",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "inventoryHash in upper case",
        Heartbeat,
        "/heartbeat/inventoryHash",
        "\"2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881\"",
        "heartbeat.inventoryHash"
    )]
    [InlineData(
        "inventoryHash too short",
        Heartbeat,
        "/heartbeat/inventoryHash",
        "\"2d711642b726b044\"",
        "heartbeat.inventoryHash"
    )]
    [InlineData("hostname with a newline", Inventory, "/inventory/hostname", "\"lt-ops\\n0417\"", "inventory.hostname")]
    [InlineData(
        "hostname with a C1 control character",
        Inventory,
        "/inventory/hostname",
        "\"lt-ops\\u00850417\"",
        "inventory.hostname"
    )]
    [InlineData(
        "a hardware type the app does not know",
        Inventory,
        "/inventory/hardware/type",
        "\"tablet\"",
        "inventory.hardware.type"
    )]
    [InlineData("zero CPU cores", Inventory, "/inventory/hardware/cpu/cores", "0", "inventory.hardware.cpu.cores")]
    [InlineData(
        "more than 4096 CPU cores",
        Inventory,
        "/inventory/hardware/cpu/cores",
        "4097",
        "inventory.hardware.cpu.cores"
    )]
    [InlineData(
        "more than 8192 CPU threads",
        Inventory,
        "/inventory/hardware/cpu/threads",
        "8193",
        "inventory.hardware.cpu.threads"
    )]
    [InlineData("zero memory", Inventory, "/inventory/hardware/memoryMb", "0", "inventory.hardware.memoryMb")]
    [InlineData(
        "more than 4 PiB of memory",
        Inventory,
        "/inventory/hardware/memoryMb",
        "4294967297",
        "inventory.hardware.memoryMb"
    )]
    [InlineData(
        "a negative disk size",
        Inventory,
        "/inventory/hardware/disks/0/sizeGb",
        "-1",
        "inventory.hardware.disks[0].sizeGb"
    )]
    [InlineData(
        "a disk above 10,000,000 GB",
        Inventory,
        "/inventory/hardware/disks/0/sizeGb",
        "10000000.5",
        "inventory.hardware.disks[0].sizeGb"
    )]
    [InlineData(
        "an interface MAC with a non-hex digit",
        Inventory,
        "/inventory/hardware/networkInterfaces/0/macAddress",
        "\"a4:c3:f0:85:12:9g\"",
        "inventory.hardware.networkInterfaces[0].macAddress"
    )]
    [InlineData(
        "an interface MAC with seven octets",
        Inventory,
        "/inventory/hardware/networkInterfaces/0/macAddress",
        "\"a4:c3:f0:85:12:9e:01\"",
        "inventory.hardware.networkInterfaces[0].macAddress"
    )]
    [InlineData(
        "an interface IP that is not an address",
        Inventory,
        "/inventory/hardware/networkInterfaces/0/ipAddresses/0",
        "\"dhcp\"",
        "inventory.hardware.networkInterfaces[0].ipAddresses[0]"
    )]
    [InlineData(
        "an OS name with a tab",
        Inventory,
        "/inventory/operatingSystem/name",
        "\"Ubuntu\\t24.04\"",
        "inventory.operatingSystem.name"
    )]
    [InlineData(
        "a software version with a control character",
        Inventory,
        "/inventory/software/0/version",
        "\"1.0\\u0000\"",
        "inventory.software[0].version"
    )]
    [InlineData(
        "installedOn on a day that does not exist",
        Inventory,
        "/inventory/software/0/installedOn",
        "\"2026-02-30\"",
        "inventory.software[0].installedOn"
    )]
    [InlineData(
        "installedOn in day.month.year form",
        Inventory,
        "/inventory/software/0/installedOn",
        "\"15.01.2026\"",
        "inventory.software[0].installedOn"
    )]
    [InlineData(
        "installedOn with a time",
        Inventory,
        "/inventory/software/0/installedOn",
        "\"2026-01-15T00:00:00Z\"",
        "inventory.software[0].installedOn"
    )]
    [InlineData(
        "installedOn without leading zeros",
        Inventory,
        "/inventory/software/0/installedOn",
        "\"2026-1-5\"",
        "inventory.software[0].installedOn"
    )]
    [InlineData(
        "a neighbour without MAC",
        Inventory,
        "/inventory/neighbours/0/macAddress",
        null,
        "inventory.neighbours[0].macAddress"
    )]
    [InlineData(
        "a neighbour whose MAC is null",
        Inventory,
        "/inventory/neighbours/0/macAddress",
        "null",
        "inventory.neighbours[0].macAddress"
    )]
    [InlineData(
        "a neighbour MAC with five octets",
        Inventory,
        "/inventory/neighbours/0/macAddress",
        "\"3c:37:86:5d:20\"",
        "inventory.neighbours[0].macAddress"
    )]
    [InlineData(
        "a neighbour IP that is not an address",
        Inventory,
        "/inventory/neighbours/0/ipAddress",
        "\"router\"",
        "inventory.neighbours[0].ipAddress"
    )]
    [InlineData(
        "an IPv4 address in a legacy short form",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"10.1\"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "an IPv4 address in hexadecimal",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"0x7f.0.0.1\"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "an IPv4 address with leading zeros",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"192.168.001.001\"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "an IPv6 address with a zone index",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"fe80::1%eth0\"",
        "heartbeat.ipAddresses[0]"
    )]
    [InlineData(
        "an IPv6 address in brackets",
        Inventory,
        "/inventory/neighbours/0/ipAddress",
        "\"[fe80::1]\"",
        "inventory.neighbours[0].ipAddress"
    )]
    [InlineData(
        "a MAC with mixed separators",
        Inventory,
        "/inventory/neighbours/0/macAddress",
        "\"3c:37:86:5d:2011\"",
        "inventory.neighbours[0].macAddress"
    )]
    [InlineData(
        "a MAC with surrounding spaces",
        Inventory,
        "/inventory/hardware/networkInterfaces/0/macAddress",
        "\" a4:c3:f0:85:12:9e \"",
        "inventory.hardware.networkInterfaces[0].macAddress"
    )]
    [InlineData(
        "a hardware type not in lower case",
        Inventory,
        "/inventory/hardware/type",
        "\"Laptop\"",
        "inventory.hardware.type"
    )]
    [InlineData("sentAt without an offset", Heartbeat, "/sentAt", "\"2026-11-02T09:00:00\"", "sentAt")]
    [InlineData("sentAt as a date only", Heartbeat, "/sentAt", "\"2026-11-02\"", "sentAt")]
    [InlineData("sentAt without seconds", Heartbeat, "/sentAt", "\"2026-11-02T09:00Z\"", "sentAt")]
    // Schema 1.2 sections
    [InlineData(
        "a firmware date that does not exist",
        Inventory,
        "/inventory/hardware/bios",
        "{\"releaseDate\":\"2024-02-30\"}",
        "inventory.hardware.bios.releaseDate"
    )]
    [InlineData(
        "an unknown peripheral kind",
        Inventory,
        "/inventory/hardware/peripherals",
        "[{\"kind\":\"trackball\"}]",
        "inventory.hardware.peripherals[0].kind"
    )]
    [InlineData(
        "an antivirus without a name",
        Inventory,
        "/inventory/antivirus",
        "[{\"enabled\":true}]",
        "inventory.antivirus[0].name"
    )]
    [InlineData(
        "a blank logged-on user",
        Inventory,
        "/inventory/loggedOnUsers",
        "[\" \"]",
        "inventory.loggedOnUsers[0]"
    )]
    [InlineData(
        "a battery design capacity of 0",
        Inventory,
        "/inventory/hardware/batteries",
        "[{\"designCapacityMwh\":0}]",
        "inventory.hardware.batteries[0].designCapacityMwh"
    )]
    [InlineData(
        "a device's own key hash that is not one",
        Inventory,
        "/inventory/licences",
        "[{\"key\":\"ABCDE-12345\",\"keyHash\":\"nope\"}]",
        "inventory.licences[0].keyHash"
    )]
    public void Bad_optional_value_is_refused_by_the_schema_and_accepted_by_the_app_with_a_warning_at_its_path(
        string @case,
        string example,
        string pointer,
        string? value,
        string warningAt
    )
    {
        var document = ContractMutations.With(example, pointer, Value(value));

        var (schemaValid, _) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, document);
        var read = ContractDocuments.ReadWithApp(document.ToJsonString());

        output.WriteLine($"app: {ContractDocuments.Describe(read.Problem)} warnings: {Warnings(read)}");
        Assert.False(schemaValid, $"{@case}: the schema accepts it");
        Assert.True(read.Problem is null, $"{@case}: the app refuses it:\n{ContractDocuments.Describe(read.Problem)}");
        Assert.True(
            read.Value!.Warnings?.ContainsKey(warningAt) == true,
            $"{@case}: no warning at {warningAt} (warnings: {Warnings(read)})"
        );
    }

    private static string Warnings(Outcome<CheckedCheckin> read) =>
        read.Value?.Warnings is { } w
            ? string.Join("; ", w.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"))
            : "none";

    [Theory]
    [InlineData("a future minor schemaVersion", Heartbeat, "/schemaVersion", "\"1.7\"")]
    [InlineData("a schemaVersion with the major only", Heartbeat, "/schemaVersion", "\"1\"")]
    [InlineData("an unknown property at the root (forward compatibility)", Heartbeat, "/priority", "{\"any\":[1,2]}")]
    [InlineData("an unknown property in the heartbeat", Heartbeat, "/heartbeat/gpuAveragePercent", "12.5")]
    [InlineData(
        "an unknown property in a software entry",
        Inventory,
        "/inventory/software/0/licenseKey",
        "\"XXXX-1234\""
    )]
    [InlineData("an unknown property in the hardware", Inventory, "/inventory/hardware/tpm", "{\"version\":\"2.0\"}")]
    [InlineData("optional values that are null", Heartbeat, "/heartbeat/cpuAveragePercent", "null")]
    [InlineData("a null inventoryHash", Heartbeat, "/heartbeat/inventoryHash", "null")]
    [InlineData("a null sentAt", Heartbeat, "/sentAt", "null")]
    [InlineData("no agent", Heartbeat, "/agent", null)]
    [InlineData("a heartbeat whose inventory is null", Heartbeat, "/inventory", "null")]
    [InlineData("an inventory whose heartbeat is null", Inventory, "/heartbeat", "null")]
    [InlineData("an empty heartbeat", Heartbeat, "/heartbeat", "{}")]
    [InlineData("an empty inventory", Inventory, "/inventory", "{}")]
    [InlineData("cpuAveragePercent 0", Heartbeat, "/heartbeat/cpuAveragePercent", "0")]
    [InlineData("cpuAveragePercent 100", Heartbeat, "/heartbeat/cpuAveragePercent", "100")]
    [InlineData("a percentage written with an exponent", Heartbeat, "/heartbeat/memoryUsedPercent", "1.5e1")]
    [InlineData("uptimeSeconds 0", Heartbeat, "/heartbeat/uptimeSeconds", "0")]
    [InlineData("uptimeSeconds at the 64-bit maximum", Heartbeat, "/heartbeat/uptimeSeconds", "9223372036854775807")]
    [InlineData("interactiveMinutes of a full week", Heartbeat, "/heartbeat/interactiveMinutes", "10080")]
    [InlineData("4096 CPU cores", Inventory, "/inventory/hardware/cpu/cores", "4096")]
    [InlineData("8192 CPU threads", Inventory, "/inventory/hardware/cpu/threads", "8192")]
    [InlineData("1 MiB of memory", Inventory, "/inventory/hardware/memoryMb", "1")]
    [InlineData("4 PiB of memory", Inventory, "/inventory/hardware/memoryMb", "4294967296")]
    [InlineData("a disk of 0 GB", Inventory, "/inventory/hardware/disks/0/sizeGb", "0")]
    [InlineData("a disk of 10,000,000 GB", Inventory, "/inventory/hardware/disks/0/sizeGb", "10000000")]
    [InlineData("a hostname of 256 characters", Inventory, "/inventory/hostname", "repeat:x:256")]
    [InlineData("a software name of 256 characters", Inventory, "/inventory/software/0/name", "repeat:n:256")]
    [InlineData("non-ASCII text", Inventory, "/inventory/hostname", "\"büro-drucker-äöü-東京\"")]
    [InlineData(
        "a software name with inner and outer spaces",
        Inventory,
        "/inventory/software/0/name",
        "\" Visual Studio Code \""
    )]
    [InlineData("a software entry with a name only", Inventory, "/inventory/software/0", "{\"name\":\"htop\"}")]
    [InlineData("installedOn on a leap day", Inventory, "/inventory/software/0/installedOn", "\"2024-02-29\"")]
    [InlineData("an empty software list", Inventory, "/inventory/software", "[]")]
    [InlineData("no neighbour list", Inventory, "/inventory/neighbours", null)]
    [InlineData("a MAC without separators", Inventory, "/inventory/neighbours/0/macAddress", "\"3c378653d011\"")]
    [InlineData("a MAC in Cisco dotted form", Inventory, "/inventory/neighbours/0/macAddress", "\"3c37.865d.2011\"")]
    [InlineData(
        "a MAC with hyphens in upper case",
        Inventory,
        "/inventory/neighbours/0/macAddress",
        "\"3C-37-86-5D-20-11\""
    )]
    [InlineData(
        "a locally administered MAC",
        Inventory,
        "/inventory/hardware/networkInterfaces/0/macAddress",
        "\"02:42:ac:11:00:02\""
    )]
    [InlineData("an interface without MAC", Inventory, "/inventory/hardware/networkInterfaces/0/macAddress", null)]
    [InlineData("a neighbour without IP", Inventory, "/inventory/neighbours/0/ipAddress", null)]
    [InlineData("the IPv6 loopback", Heartbeat, "/heartbeat/ipAddresses/0", "\"::1\"")]
    [InlineData("an IPv4-mapped IPv6 address", Heartbeat, "/heartbeat/ipAddresses/0", "\"::ffff:192.168.1.1\"")]
    [InlineData(
        "an uncompressed IPv6 address",
        Heartbeat,
        "/heartbeat/ipAddresses/0",
        "\"2001:0db8:0000:0000:0000:ff00:0042:8329\""
    )]
    [InlineData("sentAt with an offset of +14:00", Heartbeat, "/sentAt", "\"2026-11-02T09:00:00+14:00\"")]
    [InlineData(
        "sentAt with 16 fractional digits",
        Heartbeat,
        "/sentAt",
        "\"2026-11-02T09:00:00.1234567890123456-03:30\""
    )]
    [InlineData("an integer written with a fraction", Heartbeat, "/heartbeat/interactiveMinutes", "30.0")]
    [InlineData("an integer written with an exponent", Heartbeat, "/heartbeat/uptimeSeconds", "1e3")]
    [InlineData("a hostname of 200 emoji", Inventory, "/inventory/hostname", "repeat:\U0001F600:200")]
    [InlineData(
        "a 1.2 antivirus",
        Inventory,
        "/inventory/antivirus",
        "[{\"name\":\"Defender\",\"vendor\":\"Microsoft\",\"enabled\":true,\"upToDate\":false}]"
    )]
    [InlineData(
        "a 1.2 virtual machine",
        Inventory,
        "/inventory/virtualMachines",
        "[{\"name\":\"vm1\",\"cpus\":2,\"memoryMb\":4096,\"macAddress\":\"52:54:00:ab:cd:ef\"}]"
    )]
    [InlineData(
        "a 1.2 firmware",
        Inventory,
        "/inventory/hardware/bios",
        "{\"vendor\":\"LENOVO\",\"version\":\"N3MET18W\",\"releaseDate\":\"2024-05-21\"}"
    )]
    public void Check_in_inside_the_contract_is_accepted_by_both_the_schema_and_the_validator(
        string @case,
        string example,
        string pointer,
        string? value
    )
    {
        var document = ContractMutations.With(example, pointer, Value(value));

        var (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, document);
        var problem = ContractDocuments.ValidateWithApp(document.ToJsonString());

        Assert.True(schemaValid, $"{@case}: the schema refuses it:\n{schemaErrors}");
        Assert.True(problem is null, $"{@case}: the app refuses it:\n{ContractDocuments.Describe(problem)}");
    }

    [Fact]
    public void Property_names_are_case_sensitive_for_both()
    {
        var document = ContractDocuments.Example(Heartbeat);
        document.Remove("kind");
        document["Kind"] = "heartbeat";

        Assert.False(ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, document).Valid);
        Assert.NotNull(ContractDocuments.ValidateWithApp(document.ToJsonString()));
    }

    /// <summary>Each list of the contract: full at its limit it passes both; one item more fails both.</summary>
    [Theory]
    [InlineData(Inventory, "/inventory/software", CheckinLimits.MaxSoftware)]
    [InlineData(Inventory, "/inventory/neighbours", CheckinLimits.MaxNeighbours)]
    [InlineData(Inventory, "/inventory/localUsers", CheckinLimits.MaxLocalUsers)]
    [InlineData(Inventory, "/inventory/hardware/disks", CheckinLimits.MaxDisks)]
    [InlineData(Inventory, "/inventory/hardware/networkInterfaces", CheckinLimits.MaxNetworkInterfaces)]
    [InlineData(Inventory, "/inventory/hardware/networkInterfaces/0/ipAddresses", CheckinLimits.MaxIpAddresses)]
    [InlineData(Heartbeat, "/heartbeat/ipAddresses", CheckinLimits.MaxIpAddresses)]
    public void List_at_its_limit_is_accepted_and_one_item_more_is_rejected_by_both(
        string example,
        string pointer,
        int limit
    )
    {
        var atLimit = ContractMutations.With(example, pointer, "[]");
        var list = (JsonArray)Resolve(atLimit, pointer);
        for (var i = 0; i < limit; i++)
            list.Add(Item(pointer, i));

        var (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, atLimit);
        var problem = ContractDocuments.ValidateWithApp(atLimit.ToJsonString());
        Assert.True(schemaValid, $"{limit} items at {pointer}: the schema refuses them:\n{schemaErrors}");
        Assert.True(
            problem is null,
            $"{limit} items at {pointer}: the app refuses them:\n{ContractDocuments.Describe(problem)}"
        );

        list.Add(Item(pointer, limit));
        (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, atLimit);
        problem = ContractDocuments.ValidateWithApp(atLimit.ToJsonString());
        output.WriteLine($"schema: {schemaErrors}\napp: {ContractDocuments.Describe(problem)}");
        Assert.False(schemaValid, $"{limit + 1} items at {pointer}: the schema accepts them");
        Assert.True(problem is not null, $"{limit + 1} items at {pointer}: the app accepts them");
    }

    /// <summary>A unique, valid item for the list at <paramref name="pointer"/>.</summary>
    private static JsonNode Item(string pointer, int i) =>
        pointer.Split('/')[^1] switch
        {
            "software" => new JsonObject
            {
                ["name"] = $"package-{i}",
                ["version"] = "1.0." + i.ToString(CultureInfo.InvariantCulture),
                ["architecture"] = "amd64",
                ["installedOn"] = "2026-01-15",
            },
            "neighbours" => new JsonObject { ["macAddress"] = Mac(i), ["ipAddress"] = Ip(i) },
            "localUsers" => new JsonObject { ["name"] = $"user{i}", ["isAdmin"] = false },
            "disks" => new JsonObject { ["name"] = $"sd{i}", ["sizeGb"] = 256 },
            "networkInterfaces" => new JsonObject { ["name"] = $"eth{i}", ["macAddress"] = Mac(i) },
            "ipAddresses" => JsonValue.Create(Ip(i)),
            var other => throw new ArgumentOutOfRangeException(
                nameof(pointer),
                other,
                "No item generator for this list."
            ),
        };

    private static string Mac(int i) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"00:1b:a9:{(i >> 16) & 0xff:x2}:{(i >> 8) & 0xff:x2}:{i & 0xff:x2}"
        );

    private static string Ip(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"10.{(i >> 16) & 0xff}.{(i >> 8) & 0xff}.{i & 0xff}");

    private static JsonNode Resolve(JsonNode root, string pointer) =>
        pointer
            .Split('/')
            .Skip(1)
            .Aggregate(root, (node, token) =>
                node is JsonArray array ? array[int.Parse(token, CultureInfo.InvariantCulture)]! : node[token]!
            );

    /// <summary>Raw JSON, or <c>repeat:&lt;text&gt;:&lt;count&gt;</c> for a JSON string of that text
    /// repeated.</summary>
    private static string? Value(string? spec)
    {
        if (spec is null || !spec.StartsWith("repeat:", StringComparison.Ordinal))
            return spec;
        var separator = spec.LastIndexOf(':');
        var text = spec["repeat:".Length..separator];
        var count = int.Parse(spec[(separator + 1)..], CultureInfo.InvariantCulture);
        return JsonValue.Create(string.Concat(Enumerable.Repeat(text, count)))!.ToJsonString();
    }
}
