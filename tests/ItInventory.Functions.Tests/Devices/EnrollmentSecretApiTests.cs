using System.Text;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Devices;

public sealed class EnrollmentSecretApiTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private EnrollmentSecretFunctions Functions => app.Create<EnrollmentSecretFunctions>();

    private Microsoft.AspNetCore.Http.HttpRequest Request(
        string method,
        string path,
        Persona persona,
        string? body = null
    ) =>
        app.Request(
            method,
            path,
            Encoding.UTF8.GetBytes(body ?? ""),
            body is null ? null : "application/json",
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona) }
        );

    private async Task<HttpAnswer> CreateAsync(Persona persona, string body)
    {
        var request = Request("POST", "/api/enrollment-secrets", persona, body);
        return await TestApp.ExecuteAsync(request, Functions.CreateEnrollmentSecret(request, CancellationToken.None));
    }

    private async Task<HttpAnswer> ListAsync(Persona persona)
    {
        var request = Request("GET", "/api/enrollment-secrets", persona);
        return await TestApp.ExecuteAsync(request, Functions.ListEnrollmentSecrets(request, CancellationToken.None));
    }

    private async Task<HttpAnswer> RevokeAsync(Persona persona, string id)
    {
        var request = Request("DELETE", $"/api/enrollment-secrets/{id}", persona);
        return await TestApp.ExecuteAsync(
            request,
            Functions.RevokeEnrollmentSecret(request, id, CancellationToken.None)
        );
    }

    [Fact]
    public async Task Admin_creates_a_secret_shown_once_that_enrolls_devices_into_its_department_until_revoked()
    {
        var created = await CreateAsync(
            TestTokens.Admin,
            """{"label":"2026-Q4 laptops","expiresAt":"2026-12-31T00:00:00Z","defaultDepartment":"Finance"}"""
        );

        Assert.Equal(201, created.Status);
        var secret = created.Json.GetProperty("secret").GetString()!;
        var id = created.Json.GetProperty("details").GetProperty("id").GetString()!;
        Assert.Equal(DeviceSecrets.Hash(secret), id);

        var listed = await ListAsync(TestTokens.Auditor);
        Assert.Equal(200, listed.Status);
        Assert.DoesNotContain(secret, listed.Body);
        var item = Assert.Single(listed.Json.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal(
            ("2026-Q4 laptops", "Finance", false),
            (
                item.GetProperty("label").GetString(),
                item.GetProperty("defaultDepartment").GetString(),
                item.GetProperty("revoked").GetBoolean()
            )
        );

        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment("SECRETAPI1", macs: ["3C:52:82:5E:C0:01"], secret: secret)
        );
        Assert.Equal(201, enrolled.Status);

        Assert.Equal(204, (await RevokeAsync(TestTokens.Admin, id)).Status);
        Assert.True(
            (await ListAsync(TestTokens.Admin)).Json.GetProperty("items")[0].GetProperty("revoked").GetBoolean()
        );
        Assert.Equal(
            401,
            (
                await app.EnrollAsync(
                    SamplePayloads.Enrollment("SECRETAPI2", macs: ["3C:52:82:5E:C0:02"], secret: secret)
                )
            ).Status
        );
    }

    [Fact]
    public async Task A_secret_with_defaults_gives_enrolled_assets_category_location_and_an_asset_tag()
    {
        await Catalogue.CatalogueKit.SeedTaxonomyAsync(app, "category", "laptops");
        await Catalogue.CatalogueKit.SeedTaxonomyAsync(app, "location", "HQ-2F");
        var created = await CreateAsync(
            TestTokens.Admin,
            """
            {"label":"HQ laptops","defaultDepartment":"Finance","defaultCategory":"laptops","defaultLocation":"HQ-2F",
             "allocateTag":true}
            """
        );
        Assert.Equal(201, created.Status);
        var details = created.Json.GetProperty("details");
        Assert.Equal(
            ("laptops", "HQ-2F", true),
            (
                details.GetProperty("defaultCategory").GetString(),
                details.GetProperty("defaultLocation").GetString(),
                details.GetProperty("allocateTag").GetBoolean()
            )
        );

        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment(
                "SECRETDEF1",
                macs: ["3C:52:82:5E:C0:11"],
                secret: created.Json.GetProperty("secret").GetString()!
            )
        );

        Assert.Equal(201, enrolled.Status);
        var assetId = enrolled.Json.GetProperty("deviceId").GetString()!;
        var asset = (
            await app
                .Services.GetRequiredService<ItInventory.Functions.Assets.AssetReader>()
                .FindAsync(assetId, CancellationToken.None)
        )!.Value;
        Assert.Equal(
            ("Finance", "laptops", "HQ-2F"),
            (asset.Detail.Department, asset.Detail.Category, asset.Detail.Location)
        );
        Assert.Matches("^ITI-[0-9]{6}$", asset.Detail.Tag);
        Assert.Equal(asset.Detail.Tag, asset.Summary!.Tag);
        Assert.Equal("laptops", asset.Summary.Category);
        var tagRecord = (
            await app
                .Services.GetRequiredService<ItInventory.Functions.Audit.AuditTrail>()
                .QueryAsync("asset", assetId, null, null, null, 100, CancellationToken.None)
        ).Single(r => r.Action == "tag");
        Assert.Equal(ItInventory.Functions.Audit.AuditActor.System("enrollment"), tagRecord.Actor);

        // Without allocateTag, enrolled assets wait for a tag.
        var plain = await CreateAsync(TestTokens.Admin, """{"label":"no tags"}""");
        var untagged = await app.EnrollAsync(
            SamplePayloads.Enrollment(
                "SECRETDEF2",
                macs: ["3C:52:82:5E:C0:12"],
                secret: plain.Json.GetProperty("secret").GetString()!
            )
        );
        var other = (
            await app
                .Services.GetRequiredService<ItInventory.Functions.Assets.AssetReader>()
                .FindAsync(untagged.Json.GetProperty("deviceId").GetString()!, CancellationToken.None)
        )!.Value;
        Assert.Null(other.Detail.Tag);
    }

    [Theory]
    [InlineData("""{"defaultCategory":"no-such-category"}""", "defaultCategory")]
    [InlineData("""{"defaultLocation":"nowhere"}""", "defaultLocation")]
    public async Task Defaults_must_name_active_taxonomy_entries(string body, string field)
    {
        var snapshot = await app.SnapshotAsync();
        var answer = await CreateAsync(TestTokens.Admin, body);

        Assert.Equal(422, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        Assert.Empty((await ListAsync(TestTokens.Admin)).Json.GetProperty("items").EnumerateArray());
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Theory]
    [InlineData("""{"expiresAt":"2020-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"label":"a\u0001"}""", "label")]
    public async Task Invalid_secret_request_is_400_and_creates_nothing(string body, string field)
    {
        var snapshot = await app.SnapshotAsync();
        var answer = await CreateAsync(TestTokens.Admin, body);

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        Assert.Empty((await ListAsync(TestTokens.Admin)).Json.GetProperty("items").EnumerateArray());
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Revoking_an_unknown_secret_is_404()
    {
        Assert.Equal(404, (await RevokeAsync(TestTokens.Admin, new string('a', 64))).Status);
        Assert.Equal(404, (await RevokeAsync(TestTokens.Admin, "not-an-id")).Status);
    }
}
