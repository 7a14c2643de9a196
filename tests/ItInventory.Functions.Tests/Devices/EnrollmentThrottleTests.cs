using System.Net;
using System.Text;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;

namespace ItInventory.Functions.Tests.Devices;

public sealed class EnrollmentThrottleTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(settings => settings["Enrollment:MaxAttemptsPerSecret"] = "3");

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task<HttpAnswer> EnrollFromAsync(string forwardedFor, string serial, string secret)
    {
        var request = app.Request(
            "POST",
            "/api/devices/enroll",
            Encoding.UTF8.GetBytes(SamplePayloads.Enrollment(serial, secret: secret)),
            "application/json",
            new Dictionary<string, string> { ["X-Forwarded-For"] = forwardedFor }
        );
        return TestApp.ExecuteAsync(request, app.Devices.EnrollDevice(request, CancellationToken.None));
    }

    private static void AssertThrottled(HttpAnswer answer)
    {
        Assert.Equal(429, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        Assert.EndsWith("/too-many-requests", answer.Json.GetProperty("type").GetString());
        var retryAfter = int.Parse(answer.Headers.RetryAfter.ToString());
        Assert.InRange(retryAfter, 1, 60);
    }

    [Fact]
    public async Task Two_hundred_wrong_secrets_from_one_source_are_throttled_with_retry_after_and_write_nothing()
    {
        var snapshot = await app.SnapshotAsync();
        var answers = new List<HttpAnswer>();
        for (var i = 0; i < 200; i++)
        {
            answers.Add(
                await EnrollFromAsync("203.0.113.50, 198.51.100.7:50123", "PF3ABC12", $"guess-{i:D4}-000000000000")
            );
        }

        Assert.All(answers.Take(10), a => Assert.Equal(401, a.Status));
        Assert.All(answers.Skip(10), AssertThrottled);
        // The source stays throttled for the window even with the right secret; another source is not.
        AssertThrottled(await EnrollFromAsync("198.51.100.7:50999", "PF3ABC12", TestApp.EnrollmentSecret));
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(201, (await EnrollFromAsync("192.0.2.10", "PF3ABC12", TestApp.EnrollmentSecret)).Status);
    }

    [Fact]
    public async Task A_throttled_source_may_enroll_again_once_its_window_has_passed()
    {
        for (var i = 0; i < 10; i++)
            Assert.Equal(401, (await EnrollFromAsync("198.51.100.8", "PF3ABC12", $"wrong-{i:D4}-0000000000")).Status);
        AssertThrottled(await EnrollFromAsync("198.51.100.8", "PF3ABC12", TestApp.EnrollmentSecret));

        app.Clock.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal(201, (await EnrollFromAsync("198.51.100.8", "PF3ABC12", TestApp.EnrollmentSecret)).Status);
    }

    [Fact]
    public async Task One_enrollment_secret_is_throttled_across_sources_and_writes_nothing_once_over()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(
                201,
                (await EnrollFromAsync($"192.0.2.{i + 1}", $"SECRETTEST{i}", TestApp.EnrollmentSecret)).Status
            );
        var snapshot = await app.SnapshotAsync();

        var answer = await EnrollFromAsync("192.0.2.99", "SECRETTEST9", TestApp.EnrollmentSecret);

        AssertThrottled(answer);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Theory]
    [InlineData("203.0.113.9", "203.0.113.9")]
    [InlineData("10.1.1.1, 203.0.113.9:443", "203.0.113.9")]
    [InlineData("[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    [InlineData("::ffff:192.0.2.4", "192.0.2.4")]
    public void Source_is_the_hop_the_front_end_appended_without_its_port(string forwardedFor, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        context.Connection.RemoteIpAddress = IPAddress.Loopback;

        Assert.Equal(expected, EnrollmentThrottle.SourceOf(context.Request));
    }

    [Fact]
    public void A_configured_client_address_header_names_the_source_when_present()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Forwarded-For"] = "147.243.1.1:1234";
        context.Request.Headers["X-Azure-ClientIP"] = "203.0.113.77";

        Assert.Equal("203.0.113.77", EnrollmentThrottle.SourceOf(context.Request, "X-Azure-ClientIP"));
        Assert.Equal("147.243.1.1", EnrollmentThrottle.SourceOf(context.Request));
        context.Request.Headers.Remove("X-Azure-ClientIP");
        Assert.Equal("147.243.1.1", EnrollmentThrottle.SourceOf(context.Request, "X-Azure-ClientIP"));
    }

    [Fact]
    public void Without_a_forwarded_header_the_connection_is_the_source()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("192.0.2.77");

        Assert.Equal("192.0.2.77", EnrollmentThrottle.SourceOf(context.Request));
        Assert.Null(EnrollmentThrottle.SourceOf(new DefaultHttpContext().Request));
    }
}
