using System.Text.Json.Nodes;
using ItInventory.Functions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ItInventory.Functions.Tests.Contract;

/// <summary>
/// The examples sent through the real app (Azurite): what an agent built from the schemas sends is accepted, and
/// what the app answers is valid against the response schemas. Enrollment has no pure validator to call, so its
/// rules are checked here, end to end.
/// </summary>
public sealed class ApiContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Examples_sent_in_order_are_accepted_and_every_answer_matches_its_response_schema()
    {
        var enrolled = await app.EnrollAsync(Enrollment().ToJsonString());
        Assert.Equal(201, enrolled.Status);
        AssertMatches(ContractDocuments.EnrollmentResponseSchema, enrolled.Body);
        var deviceId = enrolled.Json.GetProperty("deviceId").GetString()!;
        var authorization = enrolled.Json.GetProperty("authorization").GetString()!;

        var heartbeat = await app.CheckinAsync(
            CheckinExample("heartbeat.json", deviceId).ToJsonString(),
            authorization
        );
        Assert.Equal(200, heartbeat.Status);
        AssertMatches(ContractDocuments.CheckinResponseSchema, heartbeat.Body);
        Assert.True(heartbeat.Json.GetProperty("fullInventoryRequested").GetBoolean());

        var inventory = CheckinExample("inventory.json", deviceId).ToJsonString();
        var queued = await app.CheckinAsync(inventory, authorization, gzip: true);
        Assert.Equal(202, queued.Status);
        AssertMatches(ContractDocuments.CheckinResponseSchema, queued.Body);
        Assert.True(await app.ProcessNextCheckinAsync());

        var unchanged = await app.CheckinAsync(inventory, authorization);
        Assert.Equal(200, unchanged.Status);
        AssertMatches(ContractDocuments.CheckinResponseSchema, unchanged.Body);
        Assert.Equal("unchanged", unchanged.Json.GetProperty("status").GetString());

        var echo = CheckinExample("heartbeat.json", deviceId);
        echo["heartbeat"]!["inventoryHash"] = queued.Json.GetProperty("inventoryHash").GetString();
        var settled = await app.CheckinAsync(echo.ToJsonString(), authorization);
        Assert.Equal(200, settled.Status);
        AssertMatches(ContractDocuments.CheckinResponseSchema, settled.Body);
        Assert.False(settled.Json.GetProperty("fullInventoryRequested").GetBoolean());

        var again = await app.EnrollAsync(Enrollment().ToJsonString());
        Assert.Equal(200, again.Status);
        AssertMatches(ContractDocuments.EnrollmentResponseSchema, again.Body);
        Assert.Equal("re-enrolled", again.Json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Windows_inventory_example_is_queued_and_processed()
    {
        var windows = ContractDocuments.Example("inventory-windows.json");
        var hardware = windows["inventory"]!["hardware"]!;
        var enrollment = new JsonObject
        {
            ["enrollmentSecret"] = TestApp.EnrollmentSecret,
            ["hostname"] = windows["inventory"]!["hostname"]!.GetValue<string>(),
            ["serialNumber"] = hardware["serialNumber"]!.GetValue<string>(),
            ["smbiosUuid"] = hardware["smbiosUuid"]!.GetValue<string>(),
            ["macAddresses"] = new JsonArray(
                hardware["networkInterfaces"]!
                    .AsArray()
                    .Select(n => (JsonNode?)n!["macAddress"]!.GetValue<string>())
                    .ToArray()
            ),
            ["type"] = "desktop",
        };
        AssertMatches(ContractDocuments.EnrollmentSchema, enrollment.ToJsonString());
        var enrolled = await app.EnrollAsync(enrollment.ToJsonString());
        Assert.Equal(201, enrolled.Status);
        var deviceId = enrolled.Json.GetProperty("deviceId").GetString()!;

        var queued = await app.CheckinAsync(
            CheckinExample("inventory-windows.json", deviceId).ToJsonString(),
            enrolled.Json.GetProperty("authorization").GetString()
        );

        Assert.Equal(202, queued.Status);
        AssertMatches(ContractDocuments.CheckinResponseSchema, queued.Body);
        Assert.True(await app.ProcessNextCheckinAsync());
    }

    [Theory]
    [InlineData("enrollmentSecret missing", "/enrollmentSecret", null)]
    [InlineData("an empty enrollmentSecret", "/enrollmentSecret", "\"\"")]
    [InlineData("an enrollmentSecret longer than 256 characters", "/enrollmentSecret", "repeat:s:257")]
    [InlineData("a hostname longer than 256 characters", "/hostname", "repeat:h:257")]
    [InlineData("macAddresses as a string", "/macAddresses", "\"a4:c3:f0:85:12:9e\"")]
    [InlineData("an agent version longer than 256 characters", "/agent/version", "repeat:1:257")]
    [InlineData("no hardware identity at all", "/serialNumber", "none")]
    public async Task Enrollment_outside_the_contract_is_rejected_by_both_the_schema_and_the_app(
        string @case,
        string pointer,
        string? value
    )
    {
        var document = Enrollment();
        if (value == "none")
        {
            document.Remove("serialNumber");
            document.Remove("smbiosUuid");
            document.Remove("macAddresses");
        }
        else
        {
            ContractMutations.Set(
                document,
                pointer,
                value is null ? null : JsonNode.Parse(Repeat(value)),
                remove: value is null
            );
        }

        var (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.EnrollmentSchema, document);
        var answer = await app.EnrollAsync(document.ToJsonString());

        output.WriteLine($"schema: {schemaErrors}\napp: {answer.Status} {answer.Body}");
        Assert.False(schemaValid, $"{@case}: the schema accepts it");
        Assert.Equal(400, answer.Status);
    }

    /// <summary>A bad optional value: the schema refuses it, the app enrolls the machine (201) and names it in the
    /// answer's warnings, which match the response schema.</summary>
    [Theory]
    [InlineData("a model with a control character", "/model", "\"ThinkPad\\u0007\"", "model")]
    [InlineData("a MAC that is not a MAC", "/macAddresses/0", "\"not-a-mac\"", "macAddresses[0]")]
    [InlineData("a null MAC", "/macAddresses/0", "null", "macAddresses[0]")]
    [InlineData("a type the app does not know", "/type", "\"tablet\"", "type")]
    [InlineData("a hostname with a right-to-left override", "/hostname", "\"\\u202Eevil\"", "hostname")]
    public async Task Enrollment_with_a_bad_optional_value_is_accepted_with_a_warning_at_its_path(
        string @case,
        string pointer,
        string value,
        string warningAt
    )
    {
        var document = Enrollment();
        ContractMutations.Set(document, pointer, JsonNode.Parse(value));

        var (schemaValid, _) = ContractDocuments.Evaluate(ContractDocuments.EnrollmentSchema, document);
        var answer = await app.EnrollAsync(document.ToJsonString());

        output.WriteLine($"app: {answer.Status} {answer.Body}");
        Assert.False(schemaValid, $"{@case}: the schema accepts it");
        Assert.True(answer.Status == 201, $"{@case}: the app answers {answer.Status} {answer.Body}");
        Assert.True(answer.Json.GetProperty("warnings").TryGetProperty(warningAt, out _), answer.Body);
        AssertMatches(ContractDocuments.EnrollmentResponseSchema, answer.Body);
    }

    [Theory]
    [InlineData("only a MAC address as identity", "serialNumber,smbiosUuid")]
    [InlineData("only a serial number as identity", "smbiosUuid,macAddresses")]
    [InlineData(
        "only the secret and an SMBIOS UUID",
        "hostname,serialNumber,macAddresses,manufacturer,model,type,agent"
    )]
    public async Task Enrollment_inside_the_contract_is_accepted_by_both_the_schema_and_the_app(
        string @case,
        string removed
    )
    {
        var document = Enrollment();
        foreach (var name in removed.Split(','))
            document.Remove(name);

        var (schemaValid, schemaErrors) = ContractDocuments.Evaluate(ContractDocuments.EnrollmentSchema, document);
        var answer = await app.EnrollAsync(document.ToJsonString());

        Assert.True(schemaValid, $"{@case}: the schema refuses it:\n{schemaErrors}");
        Assert.True(answer.Status == 201, $"{@case}: the app answers {answer.Status} {answer.Body}");
    }

    private static JsonObject Enrollment()
    {
        var enrollment = ContractDocuments.Example("enrollment.json");
        enrollment["enrollmentSecret"] = TestApp.EnrollmentSecret;
        return enrollment;
    }

    private static JsonObject CheckinExample(string example, string deviceId)
    {
        var checkin = ContractDocuments.Example(example);
        checkin["deviceId"] = deviceId;
        return checkin;
    }

    private void AssertMatches(string schema, string body)
    {
        var (valid, errors) = ContractDocuments.Evaluate(schema, body);
        output.WriteLine($"{schema}: {body}");
        Assert.True(valid, $"The answer does not match {schema}:\n{errors}\n{body}");
    }

    private static string Repeat(string spec)
    {
        if (!spec.StartsWith("repeat:", StringComparison.Ordinal))
            return spec;
        var parts = spec.Split(':');
        return JsonValue
            .Create(
                string.Concat(
                    Enumerable.Repeat(parts[1], int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture))
                )
            )!
            .ToJsonString();
    }
}
