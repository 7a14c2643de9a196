using System.Text.Json;
using System.Text.Json.Nodes;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Shared;
using Xunit.Abstractions;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>The published examples are valid against their schemas and mean the same to the app.</summary>
public sealed class ExampleTests(ITestOutputHelper output)
{
    public static TheoryData<string> Examples() => [.. ContractDocuments.ExampleFiles()];

    public static TheoryData<string> CheckinExamples() =>
        [
            .. ContractDocuments
                .ExampleFiles()
                .Where(f => ContractDocuments.SchemaOfExample(f) == ContractDocuments.CheckinSchema),
        ];

    [Fact]
    public void Examples_folder_holds_the_documented_examples()
    {
        var files = ContractDocuments.ExampleFiles().ToList();
        foreach (
            var expected in new[]
            {
                "enrollment.json",
                "heartbeat.json",
                "inventory.json",
                "inventory-windows.json",
                "checkin-response-heartbeat.json",
                "enrollment-response.json",
            }
        )
        {
            Assert.Contains(expected, files);
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_is_valid_against_its_schema(string example)
    {
        var schema = ContractDocuments.SchemaOfExample(example);
        var (valid, errors) = ContractDocuments.Evaluate(schema, ContractDocuments.Example(example));
        output.WriteLine(errors);
        Assert.True(valid, $"docs/examples/{example} is not valid against {schema}:\n{errors}");
    }

    [Theory]
    [MemberData(nameof(CheckinExamples))]
    public void Check_in_example_is_accepted_by_the_apps_validator(string example)
    {
        var json = File.ReadAllText(ContractDocuments.ExamplePath(example));

        var problem = ContractDocuments.ValidateWithApp(json);

        Assert.True(
            problem is null,
            $"docs/examples/{example} is refused by the app:\n{ContractDocuments.Describe(problem)}"
        );
    }

    [Fact]
    public void Enrollment_example_deserialises_into_the_enrollment_request()
    {
        var json = File.ReadAllBytes(ContractDocuments.ExamplePath("enrollment.json"));

        var parsed = JsonBody.Deserialize(json, ApiJsonContext.Default.EnrollmentRequest);

        Assert.Null(parsed.Problem);
        Assert.Equal("PF4XK2M7", parsed.Value!.SerialNumber);
        Assert.Equal(2, parsed.Value.MacAddresses!.Count);
        Assert.Equal("1.0.0", parsed.Value.Agent!.Version);
    }

    /// <summary>
    /// Unknown properties are allowed by the schema (forward compatibility), so a misspelt property in an example
    /// would pass it and be dropped silently by the app. Every value in an example must survive a round trip
    /// through the contract records.
    /// </summary>
    [Theory]
    [InlineData("heartbeat.json")]
    [InlineData("inventory.json")]
    [InlineData("inventory-windows.json")]
    [InlineData("enrollment.json")]
    [InlineData("checkin-response-heartbeat.json")]
    [InlineData("checkin-response-inventory.json")]
    [InlineData("checkin-response-rotation.json")]
    [InlineData("enrollment-response.json")]
    public void Example_uses_only_properties_the_contract_records_know(string example)
    {
        var original = ContractDocuments.Example(example);
        var json = original.ToJsonString();
        JsonNode roundTripped = ContractDocuments.SchemaOfExample(example) switch
        {
            ContractDocuments.CheckinSchema => JsonSerializer.SerializeToNode(
                JsonSerializer.Deserialize(json, ApiJsonContext.Default.CheckinRequest),
                ApiJsonContext.Default.CheckinRequest
            )!,
            ContractDocuments.EnrollmentSchema => JsonSerializer.SerializeToNode(
                JsonSerializer.Deserialize(json, ApiJsonContext.Default.EnrollmentRequest),
                ApiJsonContext.Default.EnrollmentRequest
            )!,
            ContractDocuments.CheckinResponseSchema => JsonSerializer.SerializeToNode(
                JsonSerializer.Deserialize(json, ApiJsonContext.Default.CheckinResponse),
                ApiJsonContext.Default.CheckinResponse
            )!,
            _ => JsonSerializer.SerializeToNode(
                JsonSerializer.Deserialize(json, ApiJsonContext.Default.EnrollmentResponse),
                ApiJsonContext.Default.EnrollmentResponse
            )!,
        };

        var lost = ValuePaths(original).Except(ValuePaths(roundTripped)).ToList();

        Assert.True(
            lost.Count == 0,
            $"docs/examples/{example} has values the contract records drop: {string.Join(", ", lost)}"
        );
    }

    [Fact]
    public void Sample_heartbeat_of_the_tests_is_valid_against_the_schema()
    {
        var deviceId = TableKeys.NewAssetId();
        foreach (
            var heartbeat in new[]
            {
                SamplePayloads.Heartbeat(deviceId),
                SamplePayloads.Heartbeat(deviceId, new string('a', 64), cpu: 0, interactiveMinutes: 0),
            }
        )
        {
            var (valid, errors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, heartbeat);
            Assert.True(valid, errors);
            Assert.Null(ContractDocuments.ValidateWithApp(heartbeat.Text()));
        }
    }

    [Fact]
    public void Sample_800_entry_inventory_of_the_tests_is_valid_against_the_schema()
    {
        var inventory = SamplePayloads.Inventory(
            TableKeys.NewAssetId(),
            "PF3ABC12",
            uuid: "4c4c4544-0042-3510-8052-b4c04f4d3332",
            macs: ["3C:52:82:11:22:33", "3c-52-82-11-22-34"],
            neighbours: [("00:1B:A9:4C:7E:02", "192.168.1.40"), ("3c37.865d.2011", "fe80::1")]
        );
        Assert.Equal(800, inventory["inventory"]!["software"]!.AsArray().Count);

        var (valid, errors) = ContractDocuments.Evaluate(ContractDocuments.CheckinSchema, inventory);

        Assert.True(valid, errors);
        Assert.Null(ContractDocuments.ValidateWithApp(inventory.Text()));
    }

    [Fact]
    public void Sample_enrollment_of_the_tests_is_valid_against_the_schema()
    {
        var enrollment = SamplePayloads.Enrollment(
            "PF3ABC12",
            macs: ["3C:52:82:11:22:33"],
            secret: "a-secret-of-the-tests"
        );

        var (valid, errors) = ContractDocuments.Evaluate(ContractDocuments.EnrollmentSchema, enrollment);

        Assert.True(valid, errors);
    }

    /// <summary>JSON paths of every non-null scalar (array positions included), e.g.
    /// <c>/inventory/software/3/name</c>.</summary>
    private static IEnumerable<string> ValuePaths(JsonNode? node, string path = "")
    {
        switch (node)
        {
            case null:
                yield break;
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    foreach (var p in ValuePaths(value, $"{path}/{name}"))
                        yield return p;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    foreach (var p in ValuePaths(array[i], $"{path}/{i}"))
                        yield return p;
                }
                break;
            default:
                yield return path;
                break;
        }
    }
}
