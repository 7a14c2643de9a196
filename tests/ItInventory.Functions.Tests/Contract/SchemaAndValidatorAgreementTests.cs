using System.Globalization;
using System.Text.Json.Nodes;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using Xunit.Abstractions;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// One contract: for documents on either side of every rule, the published schema and the app (strict
/// deserialisation plus <see cref="CheckinValidator"/>) give the verdict each case expects. Each case changes one value
/// of an example.
/// </summary>
public sealed class SchemaAndValidatorAgreementTests(ITestOutputHelper output)
{
    private const string Heartbeat = "heartbeat.json";
    private const string Inventory = "inventory.json";
    private const string H = Heartbeat;
    private const string I = Inventory;

    /// <summary>What the schema and the app make of a document.</summary>
    public enum Verdict
    {
        /// <summary>Outside the contract: both refuse it.</summary>
        Refused,

        /// <summary>A bad optional value: the schema refuses it, the app accepts the check-in with a warning at the
        /// value's path.</summary>
        Warned,

        /// <summary>Inside the contract: both accept it.</summary>
        Accepted,
    }

    /// <summary>The cases: a name, the example changed, the JSON pointer of the value changed, the new value (raw
    /// JSON, <c>repeat:&lt;text&gt;:&lt;count&gt;</c>, or null to remove it), the verdict expected and, for a
    /// warning, its path (by default the pointer's: <c>/heartbeat/ipAddresses/0</c> → heartbeat.ipAddresses[0]).
    /// </summary>
    public static TheoryData<string, string, string, string?, Verdict, string?> Cases()
    {
        var data = new TheoryData<string, string, string, string?, Verdict, string?>();
        foreach (var c in OutsideTheContract.Concat(BadOptionalValues).Concat(InsideTheContract))
            data.Add(c.Name, c.Example, c.Pointer, c.Value, c.Expected, c.WarningAt);
        return data;
    }

    private static readonly Case[] OutsideTheContract =
    [
        Refused("kind is neither heartbeat nor inventory", H, "/kind", "\"status\""),
        Refused("kind is missing", H, "/kind", null),
        Refused("kind is null", H, "/kind", "null"),
        Refused("an inventory check-in without inventory", I, "/inventory", null),
        Refused("an inventory check-in whose inventory is null", I, "/inventory", "null"),
        Refused("a heartbeat check-in without heartbeat", H, "/heartbeat", null),
        Refused("a heartbeat check-in that also carries an inventory", H, "/inventory", "{}"),
        Refused("an inventory check-in that also carries a heartbeat", I, "/heartbeat", "{}"),
        Refused("schemaVersion 2.0", H, "/schemaVersion", "\"2.0\""),
        Refused("schemaVersion 0.9", H, "/schemaVersion", "\"0.9\""),
        Refused("schemaVersion with three parts", H, "/schemaVersion", "\"1.0.1\""),
        Refused("schemaVersion with a five-digit minor", H, "/schemaVersion", "\"1.10000\""),
        Refused("schemaVersion missing", H, "/schemaVersion", null),
        Refused("schemaVersion as a number", H, "/schemaVersion", "1.0"),
        Refused("deviceId missing", H, "/deviceId", null),
        Refused("deviceId in upper case", H, "/deviceId", "\"7C1E4B2F9A0D4E6B8F3A5C2D1E0B9A84\""),
        Refused("deviceId with 31 digits", H, "/deviceId", "\"7c1e4b2f9a0d4e6b8f3a5c2d1e0b9a8\""),
        Refused("deviceId as a GUID with hyphens", H, "/deviceId", "\"7c1e4b2f-9a0d-4e6b-8f3a-5c2d1e0b9a84\""),
        Refused("agent version longer than 256 characters", H, "/agent/version", "repeat:9:257"),
        Refused("diskUsedPercent as a string", H, "/heartbeat/diskUsedPercent", "\"48\""),
        Refused("uptimeSeconds beyond a 64-bit integer", H, "/heartbeat/uptimeSeconds", "9223372036854775808"),
        Refused("ipAddresses as a single string", H, "/heartbeat/ipAddresses", "\"192.168.1.23\""),
        Refused("hostname longer than 256 characters", I, "/inventory/hostname", "repeat:x:257"),
        Refused("serial number longer than 256 characters", I, "/inventory/hardware/serialNumber", "repeat:A:257"),
        Refused("a null disk", I, "/inventory/hardware/disks/0", "null"),
        Refused("a software entry without name", I, "/inventory/software/0/name", null),
        Refused("a software entry with a blank name", I, "/inventory/software/0/name", "\"   \""),
        Refused("a software entry with an empty name", I, "/inventory/software/0/name", "\"\""),
        Refused("a software entry whose name is a no-break space", I, "/inventory/software/0/name", "\"\\u00a0\""),
        Refused("a software name longer than 256 characters", I, "/inventory/software/0/name", "repeat:n:257"),
        Refused("a null software entry", I, "/inventory/software/0", "null"),
        Refused("software as an object", I, "/inventory/software", "{}"),
        Refused("a local user without name", I, "/inventory/localUsers/1/name", null),
        Refused("isAdmin as a string", I, "/inventory/localUsers/0/isAdmin", "\"yes\""),
        Refused("schemaVersion with a leading zero", H, "/schemaVersion", "\"01.0\""),
        // Schema 1.2 sections
        Refused("a null firewall", I, "/inventory/firewalls", "[null]"),
        Refused("batteries as an object", I, "/inventory/hardware/batteries", "{}"),
        Refused("loggedOnUsers as a string", I, "/inventory/loggedOnUsers", "\"alice\""),
        Refused("antivirus enabled as a string", I, "/inventory/antivirus", "[{\"name\":\"x\",\"enabled\":\"yes\"}]"),
    ];

    private static readonly Case[] BadOptionalValues =
    [
        Warned("sentAt that is not a date-time", H, "/sentAt", "\"yesterday\""),
        Warned("sentAt on a day that does not exist", H, "/sentAt", "\"2026-02-30T09:00:00Z\""),
        Warned("sentAt with a leap second", H, "/sentAt", "\"2026-06-30T23:59:60Z\""),
        Warned("sentAt with an offset beyond 14 hours", H, "/sentAt", "\"2026-11-02T09:00:00+14:01\""),
        Warned("sentAt with lower-case t and z", H, "/sentAt", "\"2026-11-02t09:00:00z\""),
        Warned("sentAt with 17 fractional digits", H, "/sentAt", "\"2026-11-02T09:00:00.12345678901234567Z\""),
        Warned("agent name with a control character", H, "/agent/name", "\"agent\\u0007\""),
        Warned("cpuAveragePercent above 100", H, "/heartbeat/cpuAveragePercent", "100.01"),
        Warned("memoryUsedPercent below 0", H, "/heartbeat/memoryUsedPercent", "-0.5"),
        Warned("uptimeSeconds negative", H, "/heartbeat/uptimeSeconds", "-1"),
        Warned("interactiveMinutes above a week", H, "/heartbeat/interactiveMinutes", "10081"),
        Warned("interactiveMinutes negative", H, "/heartbeat/interactiveMinutes", "-1"),
        Warned("lastInteractiveLogonAt without a time", H, "/heartbeat/lastInteractiveLogonAt", "\"last tuesday\""),
        Warned("an IP address out of range", H, "/heartbeat/ipAddresses/0", "\"192.168.1.300\""),
        Warned("an IP address that is a host name", H, "/heartbeat/ipAddresses/0", "\"gateway.local\""),
        Warned("an IP address with a trailing space", H, "/heartbeat/ipAddresses/0", "\"10.0.0.1 \""),
        Warned("a null IP address in the list", H, "/heartbeat/ipAddresses/0", "null"),
        Warned(
            "inventoryHash in upper case",
            H,
            "/heartbeat/inventoryHash",
            "\"2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881\""
        ),
        Warned("inventoryHash too short", H, "/heartbeat/inventoryHash", "\"2d711642b726b044\""),
        Warned("hostname with a newline", I, "/inventory/hostname", "\"lt-ops\\n0417\""),
        Warned("hostname with a C1 control character", I, "/inventory/hostname", "\"lt-ops\\u00850417\""),
        Warned("a hardware type the app does not know", I, "/inventory/hardware/type", "\"tablet\""),
        Warned("zero CPU cores", I, "/inventory/hardware/cpu/cores", "0"),
        Warned("more than 4096 CPU cores", I, "/inventory/hardware/cpu/cores", "4097"),
        Warned("more than 8192 CPU threads", I, "/inventory/hardware/cpu/threads", "8193"),
        Warned("zero memory", I, "/inventory/hardware/memoryMb", "0"),
        Warned("more than 4 PiB of memory", I, "/inventory/hardware/memoryMb", "4294967297"),
        Warned("a negative disk size", I, "/inventory/hardware/disks/0/sizeGb", "-1"),
        Warned("a disk above 10,000,000 GB", I, "/inventory/hardware/disks/0/sizeGb", "10000000.5"),
        Warned(
            "an interface MAC with a non-hex digit",
            I,
            "/inventory/hardware/networkInterfaces/0/macAddress",
            "\"a4:c3:f0:85:12:9g\""
        ),
        Warned(
            "an interface MAC with seven octets",
            I,
            "/inventory/hardware/networkInterfaces/0/macAddress",
            "\"a4:c3:f0:85:12:9e:01\""
        ),
        Warned(
            "an interface IP that is not an address",
            I,
            "/inventory/hardware/networkInterfaces/0/ipAddresses/0",
            "\"dhcp\""
        ),
        Warned("an OS name with a tab", I, "/inventory/operatingSystem/name", "\"Ubuntu\\t24.04\""),
        Warned("a software version with a control character", I, "/inventory/software/0/version", "\"1.0\\u0000\""),
        Warned("installedOn on a day that does not exist", I, "/inventory/software/0/installedOn", "\"2026-02-30\""),
        Warned("installedOn in day.month.year form", I, "/inventory/software/0/installedOn", "\"15.01.2026\""),
        Warned("installedOn with a time", I, "/inventory/software/0/installedOn", "\"2026-01-15T00:00:00Z\""),
        Warned("installedOn without leading zeros", I, "/inventory/software/0/installedOn", "\"2026-1-5\""),
        Warned("a neighbour without MAC", I, "/inventory/neighbours/0/macAddress", null),
        Warned("a neighbour whose MAC is null", I, "/inventory/neighbours/0/macAddress", "null"),
        Warned("a neighbour MAC with five octets", I, "/inventory/neighbours/0/macAddress", "\"3c:37:86:5d:20\""),
        Warned("a neighbour IP that is not an address", I, "/inventory/neighbours/0/ipAddress", "\"router\""),
        Warned("an IPv4 address in a legacy short form", H, "/heartbeat/ipAddresses/0", "\"10.1\""),
        Warned("an IPv4 address in hexadecimal", H, "/heartbeat/ipAddresses/0", "\"0x7f.0.0.1\""),
        Warned("an IPv4 address with leading zeros", H, "/heartbeat/ipAddresses/0", "\"192.168.001.001\""),
        Warned("an IPv6 address with a zone index", H, "/heartbeat/ipAddresses/0", "\"fe80::1%eth0\""),
        Warned("an IPv6 address in brackets", I, "/inventory/neighbours/0/ipAddress", "\"[fe80::1]\""),
        Warned("a MAC with mixed separators", I, "/inventory/neighbours/0/macAddress", "\"3c:37:86:5d:2011\""),
        Warned(
            "a MAC with surrounding spaces",
            I,
            "/inventory/hardware/networkInterfaces/0/macAddress",
            "\" a4:c3:f0:85:12:9e \""
        ),
        Warned("a hardware type not in lower case", I, "/inventory/hardware/type", "\"Laptop\""),
        Warned("sentAt without an offset", H, "/sentAt", "\"2026-11-02T09:00:00\""),
        Warned("sentAt as a date only", H, "/sentAt", "\"2026-11-02\""),
        Warned("sentAt without seconds", H, "/sentAt", "\"2026-11-02T09:00Z\""),
        // Schema 1.2 sections
        Warned(
            "a firmware date that does not exist",
            I,
            "/inventory/hardware/bios",
            "{\"releaseDate\":\"2024-02-30\"}",
            at: "inventory.hardware.bios.releaseDate"
        ),
        Warned(
            "an unknown peripheral kind",
            I,
            "/inventory/hardware/peripherals",
            "[{\"kind\":\"trackball\"}]",
            at: "inventory.hardware.peripherals[0].kind"
        ),
        Warned(
            "an antivirus without a name",
            I,
            "/inventory/antivirus",
            "[{\"enabled\":true}]",
            at: "inventory.antivirus[0].name"
        ),
        Warned("a blank logged-on user", I, "/inventory/loggedOnUsers", "[\" \"]", at: "inventory.loggedOnUsers[0]"),
        Warned(
            "a battery design capacity of 0",
            I,
            "/inventory/hardware/batteries",
            "[{\"designCapacityMwh\":0}]",
            at: "inventory.hardware.batteries[0].designCapacityMwh"
        ),
        Warned(
            "a device's own key hash that is not one",
            I,
            "/inventory/licences",
            "[{\"key\":\"ABCDE-12345\",\"keyHash\":\"nope\"}]",
            at: "inventory.licences[0].keyHash"
        ),
    ];

    private static readonly Case[] InsideTheContract =
    [
        Accepted("a future minor schemaVersion", H, "/schemaVersion", "\"1.7\""),
        Accepted("a schemaVersion with the major only", H, "/schemaVersion", "\"1\""),
        Accepted("an unknown property at the root (forward compatibility)", H, "/priority", "{\"any\":[1,2]}"),
        Accepted("an unknown property in the heartbeat", H, "/heartbeat/gpuAveragePercent", "12.5"),
        Accepted("an unknown property in a software entry", I, "/inventory/software/0/licenseKey", "\"XXXX-1234\""),
        Accepted("an unknown property in the hardware", I, "/inventory/hardware/tpm", "{\"version\":\"2.0\"}"),
        Accepted("optional values that are null", H, "/heartbeat/cpuAveragePercent", "null"),
        Accepted("a null inventoryHash", H, "/heartbeat/inventoryHash", "null"),
        Accepted("a null sentAt", H, "/sentAt", "null"),
        Accepted("no agent", H, "/agent", null),
        Accepted("a heartbeat whose inventory is null", H, "/inventory", "null"),
        Accepted("an inventory whose heartbeat is null", I, "/heartbeat", "null"),
        Accepted("an empty heartbeat", H, "/heartbeat", "{}"),
        Accepted("an empty inventory", I, "/inventory", "{}"),
        Accepted("cpuAveragePercent 0", H, "/heartbeat/cpuAveragePercent", "0"),
        Accepted("cpuAveragePercent 100", H, "/heartbeat/cpuAveragePercent", "100"),
        Accepted("a percentage written with an exponent", H, "/heartbeat/memoryUsedPercent", "1.5e1"),
        Accepted("uptimeSeconds 0", H, "/heartbeat/uptimeSeconds", "0"),
        Accepted("uptimeSeconds at the 64-bit maximum", H, "/heartbeat/uptimeSeconds", "9223372036854775807"),
        Accepted("interactiveMinutes of a full week", H, "/heartbeat/interactiveMinutes", "10080"),
        Accepted("4096 CPU cores", I, "/inventory/hardware/cpu/cores", "4096"),
        Accepted("8192 CPU threads", I, "/inventory/hardware/cpu/threads", "8192"),
        Accepted("1 MiB of memory", I, "/inventory/hardware/memoryMb", "1"),
        Accepted("4 PiB of memory", I, "/inventory/hardware/memoryMb", "4294967296"),
        Accepted("a disk of 0 GB", I, "/inventory/hardware/disks/0/sizeGb", "0"),
        Accepted("a disk of 10,000,000 GB", I, "/inventory/hardware/disks/0/sizeGb", "10000000"),
        Accepted("a hostname of 256 characters", I, "/inventory/hostname", "repeat:x:256"),
        Accepted("a software name of 256 characters", I, "/inventory/software/0/name", "repeat:n:256"),
        Accepted("non-ASCII text", I, "/inventory/hostname", "\"büro-drucker-äöü-東京\""),
        Accepted(
            "a software name with inner and outer spaces",
            I,
            "/inventory/software/0/name",
            "\" Visual Studio Code \""
        ),
        Accepted("a software entry with a name only", I, "/inventory/software/0", "{\"name\":\"htop\"}"),
        Accepted("installedOn on a leap day", I, "/inventory/software/0/installedOn", "\"2024-02-29\""),
        Accepted("an empty software list", I, "/inventory/software", "[]"),
        Accepted("no neighbour list", I, "/inventory/neighbours", null),
        Accepted("a MAC without separators", I, "/inventory/neighbours/0/macAddress", "\"3c378653d011\""),
        Accepted("a MAC in Cisco dotted form", I, "/inventory/neighbours/0/macAddress", "\"3c37.865d.2011\""),
        Accepted("a MAC with hyphens in upper case", I, "/inventory/neighbours/0/macAddress", "\"3C-37-86-5D-20-11\""),
        Accepted(
            "a locally administered MAC",
            I,
            "/inventory/hardware/networkInterfaces/0/macAddress",
            "\"02:42:ac:11:00:02\""
        ),
        Accepted("an interface without MAC", I, "/inventory/hardware/networkInterfaces/0/macAddress", null),
        Accepted("a neighbour without IP", I, "/inventory/neighbours/0/ipAddress", null),
        Accepted("the IPv6 loopback", H, "/heartbeat/ipAddresses/0", "\"::1\""),
        Accepted("an IPv4-mapped IPv6 address", H, "/heartbeat/ipAddresses/0", "\"::ffff:192.168.1.1\""),
        Accepted(
            "an uncompressed IPv6 address",
            H,
            "/heartbeat/ipAddresses/0",
            "\"2001:0db8:0000:0000:0000:ff00:0042:8329\""
        ),
        Accepted("sentAt with an offset of +14:00", H, "/sentAt", "\"2026-11-02T09:00:00+14:00\""),
        Accepted("sentAt with 16 fractional digits", H, "/sentAt", "\"2026-11-02T09:00:00.1234567890123456-03:30\""),
        Accepted("an integer written with a fraction", H, "/heartbeat/interactiveMinutes", "30.0"),
        Accepted("an integer written with an exponent", H, "/heartbeat/uptimeSeconds", "1e3"),
        Accepted("a hostname of 200 emoji", I, "/inventory/hostname", "repeat:\U0001F600:200"),
        Accepted(
            "a 1.2 antivirus",
            I,
            "/inventory/antivirus",
            "[{\"name\":\"Defender\",\"vendor\":\"Microsoft\",\"enabled\":true,\"upToDate\":false}]"
        ),
        Accepted(
            "a 1.2 virtual machine",
            I,
            "/inventory/virtualMachines",
            "[{\"name\":\"vm1\",\"cpus\":2,\"memoryMb\":4096,\"macAddress\":\"52:54:00:ab:cd:ef\"}]"
        ),
        Accepted(
            "a 1.2 firmware",
            I,
            "/inventory/hardware/bios",
            "{\"vendor\":\"LENOVO\",\"version\":\"N3MET18W\",\"releaseDate\":\"2024-05-21\"}"
        ),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_schema_and_the_app_give_each_changed_value_its_expected_verdict(
        string @case,
        string example,
        string pointer,
        string? value,
        Verdict expected,
        string? warningAt
    )
    {
        var document = ContractMutations.With(example, pointer, Value(value));

        var (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, document);
        var read = ContractDocuments.ReadWithApp(document.ToJsonString());

        output.WriteLine(
            $"schema: {schemaErrors}\napp: {ContractDocuments.Describe(read.Problem)} warnings: {Warnings(read)}"
        );
        if (expected == Verdict.Accepted)
            Assert.True(schemaValid, $"{@case}: the schema refuses it:\n{schemaErrors}");
        else
            Assert.False(schemaValid, $"{@case}: the schema accepts it");
        if (expected == Verdict.Refused)
            Assert.True(read.Problem is not null, $"{@case}: the app accepts it (schema says:\n{schemaErrors})");
        else
            Assert.True(
                read.Problem is null,
                $"{@case}: the app refuses it:\n{ContractDocuments.Describe(read.Problem)}"
            );
        if (expected == Verdict.Warned)
        {
            Assert.True(
                read.Value?.Warnings?.ContainsKey(warningAt ?? "") == true,
                $"{@case}: no warning at {warningAt} (warnings: {Warnings(read)})"
            );
        }
    }

    private sealed record Case(
        string Name,
        string Example,
        string Pointer,
        string? Value,
        Verdict Expected,
        string? WarningAt
    );

    private static Case Refused(string name, string example, string pointer, string? value) =>
        new(name, example, pointer, value, Verdict.Refused, null);

    private static Case Warned(string name, string example, string pointer, string? value, string? at = null) =>
        new(name, example, pointer, value, Verdict.Warned, at ?? PathOf(pointer));

    private static Case Accepted(string name, string example, string pointer, string? value) =>
        new(name, example, pointer, value, Verdict.Accepted, null);

    /// <summary>The app's path of a value at a JSON pointer: <c>/inventory/software/0/name</c> →
    /// inventory.software[0].name.</summary>
    private static string PathOf(string pointer) =>
        string.Concat(
            pointer
                .Split('/')
                .Skip(1)
                .Select(
                    (token, i) =>
                        token.All(char.IsAsciiDigit) ? $"[{token}]"
                        : i == 0 ? token
                        : "." + token
                )
        );

    private static string Warnings(Outcome<CheckedCheckin> read) =>
        read.Value?.Warnings is { } w
            ? string.Join("; ", w.Select(kv => $"{kv.Key}: {string.Join(" ", kv.Value)}"))
            : "none";

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
