using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using static ItInventory.Functions.Tests.Catalogue.CatalogueKit;

namespace ItInventory.Functions.Tests.Catalogue;

public sealed class AssetCreateTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        await SeedAsync(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Admin_creates_a_peripheral_detail_summary_history_identity_and_audit_are_written()
    {
        var answer = await CreateAsync(
            app,
            $$"""
            {"name":"Dell U2723QE","type":"peripheral","category":"monitors","serialNumber":"cn-0abc-123",
             "manufacturer":"Dell","model":"U2723QE",
             "owner":"{{Alice.ToUpperInvariant()}}","itStakeholder":"{{Bob}}","department":"Finance","location":"hq-3f",
             "criticality":"Low"}
            """
        );

        Assert.Equal(201, answer.Status);
        var id = answer.Json.GetProperty("id").GetString()!;
        Assert.Equal($"/api/assets/{id}", answer.Headers.Location.ToString());
        Assert.Equal("InStock", answer.Json.GetProperty("state").GetString());
        Assert.Equal("Dell U2723QE", answer.Json.GetProperty("name").GetString());
        var detail = (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(id, TableKeys.AssetDetailRow)).Value;
        Assert.Equal(answer.Headers.ETag.ToString(), detail.ETag.ToString());
        Assert.Equal(
            ("Hardware", "Peripheral", "CN0ABC123", Alice, "api"),
            (detail.Kind, detail.Type, detail.SerialNumber, detail.Owner, detail.Source)
        );
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(id), id)
        ).Value;
        Assert.Equal(
            ("monitors", "hq-3f", "Finance", "Low", "InStock", false),
            (
                summary.Category,
                summary.Location,
                summary.Department,
                summary.Criticality,
                summary.State,
                summary.NeedsReview
            )
        );
        Assert.Null(summary.CredentialHash);
        var identity = (
            await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>("serial|CN0ABC123", TableKeys.IdentityRow)
        ).Value;
        Assert.Equal(id, identity.AssetId);
        Assert.Single(
            await app
                .Store.Assets.QueryAsync<AssetHistoryEntity>(
                    TableClient.CreateQueryFilter(
                        $"PartitionKey eq {id} and RowKey ge {TableKeys.HistoryRowPrefix} and RowKey lt {"h}"}"
                    )
                )
                .ToListAsync()
        );
        var audit = Assert.Single(await AuditAsync(app, "asset", id));
        Assert.Equal(("create", TestTokens.Admin.ObjectId), (audit.Action, audit.ActorId));
        Assert.Contains("\"to\":\"Peripheral\"", audit.ChangesJson);
    }

    [Fact]
    public async Task A_later_enrollment_of_the_same_serial_finds_the_created_asset()
    {
        var (id, _) = await CreatePeripheralAsync(app, serial: "PF9ZZZ01");

        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment("PF9ZZZ01", macs: ["3C:52:82:AB:CD:01"], secret: TestApp.EnrollmentSecret)
        );

        Assert.Equal(200, enrolled.Status);
        Assert.Equal(id, enrolled.Json.GetProperty("deviceId").GetString());
    }

    [Fact]
    public async Task Duplicate_serial_or_cloud_resource_id_is_409_and_writes_nothing()
    {
        await CreatePeripheralAsync(app, serial: "SER-0001");
        const string resource = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
        Assert.Equal(
            201,
            (
                await CreateAsync(
                    app,
                    $$"""
                    {"name":"vm1","type":"virtual-machine","cloudResourceId":"{{resource}}","department":"Finance"}
                    """
                )
            ).Status
        );
        var snapshot = await app.SnapshotAsync();

        var serial = await CreateAsync(app, """{"name":"Other","type":"peripheral","serialNumber":"ser0001"}""");
        var cloud = await CreateAsync(
            app,
            $$"""{"name":"vm1 again","type":"VirtualMachine","cloudResourceId":"{{resource.ToUpperInvariant()}}"}"""
        );

        Assert.Equal(409, serial.Status);
        Assert.True(serial.Json.GetProperty("errors").TryGetProperty("serialNumber", out _));
        Assert.Equal(409, cloud.Status);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Theory]
    [InlineData("""{"type":"peripheral"}""", "name")]
    [InlineData("""{"name":"x"}""", "type")]
    [InlineData("""{"name":"x","type":"unknown"}""", "type")]
    [InlineData("""{"name":"x","type":"drone"}""", "type")]
    [InlineData("""{"name":"x","type":"peripheral","kind":"IotDevice"}""", "kind")]
    [InlineData("""{"name":"x","type":"peripheral","kind":"Software"}""", "kind")]
    [InlineData("""{"name":"x","type":"peripheral","state":"Discovered"}""", "state")]
    [InlineData("""{"name":"x","type":"peripheral","state":"Retired"}""", "state")]
    [InlineData("""{"name":"x","type":"peripheral","criticality":"Extreme"}""", "criticality")]
    [InlineData("""{"name":"x","type":"peripheral","owner":"alice"}""", "owner")]
    [InlineData("""{"name":"x","type":"peripheral","serialNumber":"0000000"}""", "serialNumber")]
    [InlineData("""{"name":"x","type":"peripheral","cloudResourceId":"/subscriptions/1"}""", "cloudResourceId")]
    [InlineData("""{"name":"x","type":"peripheral","category":"x' or 'a' eq 'a"}""", "category")]
    [InlineData("""{"name":"a\u0007b","type":"peripheral"}""", "name")]
    public async Task Invalid_fields_are_400_naming_the_field_and_write_nothing(string body, string field)
    {
        var snapshot = await app.SnapshotAsync();

        var answer = await CreateAsync(app, body);

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Theory]
    [InlineData("""{"name":"x","type":"peripheral","category":"phones"}""", "category")]
    [InlineData("""{"name":"x","type":"peripheral","category":"retired-cat"}""", "category")]
    [InlineData("""{"name":"x","type":"peripheral","location":"old-site"}""", "location")]
    [InlineData("""{"name":"x","type":"peripheral","owner":"30000000-0000-4000-8000-000000000009"}""", "owner")]
    [InlineData(
        """{"name":"x","type":"peripheral","itStakeholder":"20000000-0000-4000-8000-000000000003"}""",
        "itStakeholder"
    )]
    public async Task Unknown_or_inactive_references_are_422_naming_the_field_and_write_nothing(
        string body,
        string field
    )
    {
        var snapshot = await app.SnapshotAsync();

        var answer = await CreateAsync(app, body);

        Assert.Equal(422, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Department_leads_create_only_in_their_departments_with_mfa()
    {
        Assert.Equal(
            201,
            (
                await CreateAsync(
                    app,
                    """{"name":"Sensor","type":"iot-sensor","department":"Finance","state":"Ordered"}""",
                    TestTokens.FinanceLead
                )
            ).Status
        );
        var snapshot = await app.SnapshotAsync();
        Assert.Equal(
            403,
            (await CreateAsync(app, """{"name":"Sensor","type":"iot-sensor"}""", TestTokens.FinanceLead)).Status
        );
        Assert.Equal(
            403,
            (
                await CreateAsync(
                    app,
                    """{"name":"Sensor","type":"iot-sensor","department":"HR"}""",
                    TestTokens.FinanceLead
                )
            ).Status
        );
        Assert.Equal(
            403,
            (
                await CreateAsync(
                    app,
                    """{"name":"Sensor","type":"iot-sensor","department":"Finance"}""",
                    TestTokens.Auditor
                )
            ).Status
        );
        Assert.Equal(
            403,
            (await CreateAsync(app, """{"name":"Sensor","type":"iot-sensor"}""", TestTokens.AdminWithoutMfa)).Status
        );
        Assert.Equal(
            403,
            (await CreateAsync(app, """{"name":"Sensor","type":"iot-sensor"}""", TestTokens.EndUser)).Status
        );
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Malformed_or_wrongly_typed_bodies_are_refused()
    {
        Assert.Equal(400, (await CreateAsync(app, """{"name":"x","type":""")).Status);
        Assert.Equal(400, (await CreateAsync(app, """{"name":5,"type":"peripheral"}""")).Status);
        var request = app.Request(
            "POST",
            "/api/assets",
            "name=x"u8.ToArray(),
            "application/x-www-form-urlencoded",
            Auth(TestTokens.Admin)
        );
        Assert.Equal(
            415,
            (
                await TestApp.ExecuteAsync(
                    request,
                    app.Create<Functions.Catalogue.CatalogueFunctions>().CreateAsset(request, CancellationToken.None)
                )
            ).Status
        );
    }
}
