using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.IdentityModel.Tokens;

namespace ItInventory.Functions.Tests.Management;

public sealed class ManagementSecurityTests : IAsyncLifetime
{
    private TestApp app = null!;
    private EnrolledDevice device = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        device = await app.EnrollNewDeviceAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<HttpAnswer> GetAssetAsync(string? authorization)
    {
        var headers = new Dictionary<string, string>();
        if (authorization is not null)
            headers["Authorization"] = authorization;
        var request = app.Request("GET", $"/api/assets/{device.DeviceId}", [], null, headers);
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, device.DeviceId, CancellationToken.None)
        );
    }

    [Fact]
    public async Task Admin_reads_an_asset_with_its_etag()
    {
        var answer = await GetAssetAsync(TestTokens.Bearer(TestTokens.Admin));

        Assert.Equal(200, answer.Status);
        Assert.Equal(device.DeviceId, answer.Json.GetProperty("id").GetString());
        Assert.Equal(device.Serial, answer.Json.GetProperty("serialNumber").GetString());
        Assert.StartsWith("W/\"", answer.Headers.ETag.ToString());
    }

    [Fact]
    public async Task Management_401_challenges_with_bearer()
    {
        var answer = await GetAssetAsync(null);

        Assert.Equal(401, answer.Status);
        Assert.StartsWith("Bearer ", answer.Headers.WWWAuthenticate.ToString());
        Assert.StartsWith("application/problem+json", answer.ContentType);
    }

    [Fact]
    public async Task Management_401_for_a_bad_token_challenges_with_bearer()
    {
        var token = TestTokens.Mint(TestTokens.Admin, expires: DateTime.UtcNow.AddMinutes(-10));

        var answer = await GetAssetAsync("Bearer " + token);

        Assert.Equal(401, answer.Status);
        Assert.StartsWith("Bearer ", answer.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Device_401_challenges_with_the_device_scheme()
    {
        var answer = await app.CheckinAsync(
            SamplePayloads.Heartbeat(device.DeviceId).Text(),
            device.Authorization + "x"
        );

        Assert.Equal(401, answer.Status);
        Assert.StartsWith(DeviceCredentialScheme.Name + " ", answer.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Expired_token_is_401()
    {
        var token = TestTokens.Mint(TestTokens.Admin, expires: DateTime.UtcNow.AddMinutes(-10));

        Assert.Equal(401, (await GetAssetAsync("Bearer " + token)).Status);
    }

    [Fact]
    public async Task Token_for_another_audience_is_401()
    {
        var token = TestTokens.Mint(TestTokens.Admin, audience: "api://some-other-api");

        Assert.Equal(401, (await GetAssetAsync("Bearer " + token)).Status);
    }

    [Fact]
    public async Task Token_signed_by_another_key_is_401()
    {
        var forged = TestTokens.Mint(
            TestTokens.Admin,
            key: new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "test-key" }
        );

        Assert.Equal(401, (await GetAssetAsync("Bearer " + forged)).Status);
    }

    [Fact]
    public async Task Token_without_roles_or_scopes_is_refused()
    {
        var token = TestTokens.Mint(TestTokens.EndUser with { Scope = false });

        Assert.True((await GetAssetAsync("Bearer " + token)).Status is 401 or 403);
    }

    [Fact]
    public async Task Device_credential_never_reaches_a_management_endpoint()
    {
        var answer = await GetAssetAsync(device.Authorization);

        Assert.Equal(401, answer.Status);
        Assert.Contains("device endpoints", answer.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Write_without_mfa_is_403_naming_mfa()
    {
        var headers = new Dictionary<string, string>
        {
            ["Authorization"] = TestTokens.Bearer(TestTokens.AdminWithoutMfa),
        };
        var request = app.Request("POST", $"/api/devices/{device.DeviceId}/revoke", [], null, headers);

        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<DeviceAdminFunctions>().RevokeDevice(request, device.DeviceId, CancellationToken.None)
        );

        Assert.Equal(403, answer.Status);
        Assert.Contains("multi-factor", answer.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Revoking_through_the_api_locks_the_device_out()
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) };
        var request = app.Request("POST", $"/api/devices/{device.DeviceId}/revoke", [], null, headers);

        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<DeviceAdminFunctions>().RevokeDevice(request, device.DeviceId, CancellationToken.None)
        );

        Assert.Equal(204, answer.Status);
        Assert.Equal(
            401,
            (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization)).Status
        );
    }
}

public sealed class UnconfiguredManagementApiTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(settings =>
        {
            foreach (var key in settings.Keys.Where(k => k.StartsWith("AzureAd:", StringComparison.Ordinal)).ToList())
            {
                settings.Remove(key);
            }
        });

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Without_entra_settings_the_management_api_answers_503_and_devices_keep_working()
    {
        var device = await app.EnrollNewDeviceAsync();
        var headers = new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) };
        var request = app.Request("GET", $"/api/assets/{device.DeviceId}", [], null, headers);

        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, device.DeviceId, CancellationToken.None)
        );

        Assert.Equal(503, answer.Status);
        Assert.Contains("AzureAd", answer.Json.GetProperty("detail").GetString());
        Assert.Equal(
            200,
            (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization)).Status
        );
    }
}
