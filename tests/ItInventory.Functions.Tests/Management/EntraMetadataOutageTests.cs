using System.Diagnostics;
using System.Security.Cryptography;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using Xunit.Abstractions;

namespace ItInventory.Functions.Tests.Management;

/// <summary>
/// The management API against an Entra ID metadata endpoint that accepts connections but never answers, and one that
/// answers: the real JWT bearer path (Microsoft.Identity.Web) with the app's metadata manager, pointed at a local
/// endpoint. The fake clock stands still, so a remembered failure stays remembered until a test moves it.
/// </summary>
public sealed class EntraMetadataOutageTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int TimeoutSeconds = 2;
    private const int RetrySeconds = 15;

    /// <summary>Far below the ≈60 s per request (and more, queued) of the stock configuration manager.</summary>
    private static readonly TimeSpan WithinSeconds = TimeSpan.FromSeconds(TimeoutSeconds + 4);

    /// <summary>No wait on the identity provider at all.</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(1);

    private readonly LocalMetadataEndpoint endpoint = new(answering: false);
    private TestApp app = null!;
    private string deviceId = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync(settings =>
        {
            settings["AzureAd:Instance"] = endpoint.Instance;
            settings["AzureAd:RequireHttpsMetadata"] = "false";
            settings["ManagementSecurity:MetadataTimeoutSeconds"] = TimeoutSeconds.ToString();
            settings["ManagementSecurity:MetadataRetrySeconds"] = RetrySeconds.ToString();
        });
        deviceId = (await app.EnrollNewDeviceAsync()).DeviceId;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await endpoint.DisposeAsync();
    }

    private async Task<(HttpAnswer Answer, TimeSpan Took)> GetAssetAsync(string authorization)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = authorization };
        var request = app.Request("GET", $"/api/assets/{deviceId}", [], null, headers);
        var clock = Stopwatch.StartNew();
        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, deviceId, CancellationToken.None)
        );
        output.WriteLine($"{answer.Status} after {clock.Elapsed.TotalMilliseconds:F0} ms");
        return (answer, clock.Elapsed);
    }

    private static void AssertUnavailable(HttpAnswer answer)
    {
        Assert.Equal(503, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        Assert.Contains("signing keys", answer.Json.GetProperty("detail").GetString());
        Assert.True(int.Parse(answer.Headers.RetryAfter.ToString()) >= 1);
    }

    /// <summary>Another key under the tenant key's id: what a forger signs with.</summary>
    private static readonly RsaSecurityKey ForgerKey = new(RSA.Create(2048)) { KeyId = "local-key-1" };

    private static string Forged() => TestTokens.Mint(TestTokens.Admin, key: ForgerKey);

    [Fact]
    public async Task Stalled_metadata_endpoint_gives_503_within_seconds_then_503_at_once_while_it_is_known_down()
    {
        var (first, firstTook) = await GetAssetAsync(endpoint.Bearer(TestTokens.Admin));

        AssertUnavailable(first);
        Assert.True(firstTook < WithinSeconds, $"took {firstTook}");
        Assert.Equal(1, endpoint.Requests);

        var (again, againTook) = await GetAssetAsync("Bearer " + Forged());

        AssertUnavailable(again);
        Assert.True(againTook < AtOnce, $"took {againTook}");
        Assert.Equal(RetrySeconds, int.Parse(again.Headers.RetryAfter.ToString()));
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task Twenty_concurrent_requests_share_one_bounded_fetch_instead_of_queueing()
    {
        var tokens = Enumerable
            .Range(0, 20)
            .Select(i => i % 2 == 0 ? endpoint.Bearer(TestTokens.Admin) : "Bearer " + Forged())
            .ToList();
        var clock = Stopwatch.StartNew();

        var answers = await Task.WhenAll(tokens.Select(GetAssetAsync));

        output.WriteLine($"20 concurrent requests answered after {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.True(clock.Elapsed < WithinSeconds, $"took {clock.Elapsed}");
        Assert.All(answers, a => AssertUnavailable(a.Answer));
        Assert.Equal(1, endpoint.Requests);
    }

    [Fact]
    public async Task When_the_endpoint_answers_again_a_signed_token_is_accepted_and_forged_ones_stay_401()
    {
        AssertUnavailable((await GetAssetAsync(endpoint.Bearer(TestTokens.Admin))).Answer);

        endpoint.Answer();
        app.Clock.Advance(TimeSpan.FromSeconds(RetrySeconds));
        var (accepted, _) = await GetAssetAsync(endpoint.Bearer(TestTokens.Admin));

        Assert.Equal(200, accepted.Status);
        Assert.Equal(deviceId, accepted.Json.GetProperty("id").GetString());
        var (forged, forgedTook) = await GetAssetAsync("Bearer " + Forged());
        Assert.Equal(401, forged.Status);
        Assert.True(forgedTook < AtOnce, $"took {forgedTook}");
        var unknownKey = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "nobody-knows-this-key" };
        var (unknown, unknownTook) = await GetAssetAsync(endpoint.Bearer(TestTokens.Admin, unknownKey));
        Assert.Equal(401, unknown.Status);
        Assert.True(unknownTook < AtOnce, $"took {unknownTook}");
    }

    [Fact]
    public async Task With_keys_cached_an_outage_does_not_stop_validation()
    {
        endpoint.Answer();
        Assert.Equal(200, (await GetAssetAsync(endpoint.Bearer(TestTokens.Admin))).Answer.Status);
        var fetches = endpoint.Requests;

        // The endpoint goes dark and the cached metadata falls due for its refresh (every 12 hours by default).
        endpoint.Stall();
        app.Clock.Advance(TimeSpan.FromHours(13));
        var (during, duringTook) = await GetAssetAsync(endpoint.Bearer(TestTokens.Admin));

        Assert.Equal(200, during.Status);
        Assert.True(duringTook < AtOnce, $"took {duringTook}");
        var (forged, forgedTook) = await GetAssetAsync("Bearer " + Forged());
        Assert.Equal(401, forged.Status);
        Assert.True(forgedTook < AtOnce, $"took {forgedTook}");

        // The background refresh times out; the cached keys stay in use.
        var deadline = DateTime.UtcNow + WithinSeconds;
        while (endpoint.Abandoned == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(fetches + 1, endpoint.Requests);
        Assert.Equal(1, endpoint.Abandoned);
        var (after, afterTook) = await GetAssetAsync(endpoint.Bearer(TestTokens.Admin));
        Assert.Equal(200, after.Status);
        Assert.True(afterTook < AtOnce, $"took {afterTook}");
    }

    [Fact]
    public async Task A_bearer_value_that_is_no_jwt_is_401_without_asking_the_identity_provider()
    {
        var (answer, took) = await GetAssetAsync("Bearer not-a-token");

        Assert.Equal(401, answer.Status);
        Assert.StartsWith("Bearer", answer.Headers.WWWAuthenticate.ToString());
        Assert.True(took < AtOnce, $"took {took}");
        Assert.Equal(0, endpoint.Requests);
    }
}
