using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Xunit.Abstractions;

namespace FunctionsHost.Tests;

/// <summary>
/// The real app under the local host with storage unreachable: every endpoint of AzureWebJobsStorage is a closed
/// loopback port, so each connection is refused at once. Entra ID metadata is served locally, so management calls
/// get past token validation to storage.
/// </summary>
public sealed class StorageOutageFixture : IAsyncLifetime
{
    public const string EnrollmentSecret = "outage-bootstrap-enrollment-secret-0123456789";

    public const string MasterKey = "outage-master-key";

    public HostProcess Host { get; private set; } = null!;

    public LocalEntra Entra { get; private set; } = null!;

    /// <summary>Sends header values as UTF-8 (HttpClient's default refuses non-ASCII values).</summary>
    public HttpClient Http { get; } =
        new(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>From launching the host process to its "Host started" line.</summary>
    public TimeSpan StartDuration { get; private set; }

    /// <summary>A connection string whose blob, queue and table endpoints are a loopback port nothing listens
    /// on.</summary>
    public static string UnreachableStorage()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
            + $"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;"
            + $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
    }

    public static Dictionary<string, string> Settings(string storage) =>
        new(TimerSchedules.FromLocalSettingsExample())
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsStorage"] = storage,
            ["CHECKIN_QUEUE"] = "checkins",
            ["OUTBOX_QUEUE"] = $"outbox-{Guid.NewGuid():N}"[..20],
            // As deployed (the infrastructure creates the tables): creating them at start-up needs storage, and the
            // worker stops when that fails.
            ["Storage__CreateIfNotExists"] = "false",
            ["Enrollment__Secret"] = EnrollmentSecret,
        };

    public async Task InitializeAsync()
    {
        Entra = await LocalEntra.StartAsync();
        var settings = Settings(UnreachableStorage());
        foreach (var (name, value) in Entra.Settings())
            settings[name] = value;
        var watch = Stopwatch.StartNew();
        Host = await HostProcess.StartAsync(BuiltPaths.InventoryApp, settings, masterKey: MasterKey);
        StartDuration = watch.Elapsed;
        Http.BaseAddress = Host.BaseUri;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await Entra.DisposeAsync();
    }
}

public sealed class StorageOutageTests(StorageOutageFixture fixture, ITestOutputHelper output)
    : IClassFixture<StorageOutageFixture>
{
    /// <summary>What "quickly" means here: seconds of bounded retries, not the minute of SDK defaults, nor the
    /// worker's 15 s wait for a request the host did not forward. A bound, not a benchmark.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(20);

    private static readonly string SomeDeviceId = new('a', 32);

    private static HttpRequestMessage Post(string path, string json, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    private static HttpRequestMessage Get(string path, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return request;
    }

    private static string Enrollment() =>
        SamplePayloads.Enrollment(
            "OUT" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant(),
            macs: ["3C:52:82:AA:BB:02"],
            secret: StorageOutageFixture.EnrollmentSecret
        );

    /// <summary>Sends the request and checks it gets the outage answer: 503 problem+json with Retry-After, in
    /// time.</summary>
    private async Task AssertUnavailableAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var watch = Stopwatch.StartNew();
            using var response = await fixture.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var elapsed = watch.Elapsed;
            var what =
                $"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} after "
                + $"{elapsed.TotalSeconds:0.0} s: {body}{Environment.NewLine}{fixture.Host.Output}";
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, what);
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", what);
            Assert.True(response.Headers.RetryAfter is { Delta: not null } or { Date: not null }, what);
            Assert.Equal(503, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
            Assert.True(elapsed < AnswerBound, what);
            output.WriteLine(
                $"{request.Method} {request.RequestUri!.AbsolutePath}: 503 in {elapsed.TotalSeconds:0.00} s"
            );
        }
    }

    [Fact]
    public void Host_starts_within_seconds_while_storage_is_unreachable()
    {
        output.WriteLine($"Started in {fixture.StartDuration.TotalSeconds:0.0} s");
        // Reading the timers' schedule status used to hold the start-up for a minute or more. What is left is
        // starting the worker (a few seconds; more on a busy machine).
        Assert.True(
            fixture.StartDuration < TimeSpan.FromSeconds(30),
            $"Started after {fixture.StartDuration.TotalSeconds:0.0} s.{Environment.NewLine}{fixture.Host.Output}"
        );
    }

    [Fact]
    public async Task Device_enrollment_answers_503_with_retry_after() =>
        await AssertUnavailableAsync(Post("api/devices/enroll", Enrollment()));

    [Fact]
    public async Task Device_check_in_answers_503_with_retry_after() =>
        await AssertUnavailableAsync(
            Post(
                "api/checkins",
                SamplePayloads.Heartbeat(SomeDeviceId).Text(),
                $"Device {SomeDeviceId}.some-device-secret-0123456789"
            )
        );

    [Fact]
    public async Task Management_call_with_a_valid_token_answers_503_with_retry_after() =>
        await AssertUnavailableAsync(Get("api/assets", fixture.Entra.Bearer(TestTokens.Auditor)));

    [Fact]
    public async Task Csv_export_answers_503_with_retry_after() =>
        await AssertUnavailableAsync(Get("api/assets/export", fixture.Entra.Bearer(TestTokens.Auditor)));

    [Fact]
    public async Task Request_with_a_utf8_header_value_reaches_the_app_and_answers_503_at_once()
    {
        var request = Post("api/devices/enroll", Enrollment());
        request.Headers.TryAddWithoutValidation("X-Client-Note", "Grüße aus Köln ✓");
        await AssertUnavailableAsync(request);
    }

    [Fact]
    public async Task Management_tokens_are_validated_without_storage_so_the_503s_are_storage_outages()
    {
        // A valid token without the needed role is refused before any storage call: validation works, and the 503s
        // above come from storage, not from token validation.
        using var request = Get("api/enrollment-secrets", fixture.Entra.Bearer(TestTokens.EndUser));
        using var response = await fixture.Http.SendAsync(request);
        Assert.True(
            response.StatusCode == HttpStatusCode.Forbidden,
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}{Environment.NewLine}"
                + $"Entra requests: {string.Join(", ", fixture.Entra.Requests)}"
        );
    }

    [Fact]
    public async Task Queue_and_timer_functions_that_hit_the_outage_fail_so_the_host_retries_them()
    {
        // The 503 answer is for HTTP functions only: a queue or timer function that cannot reach storage must fail
        // (the queue message is then retried, then poisoned), not succeed with a problem nobody reads.
        var message = JsonSerializer.Serialize(
            new
            {
                checkinId = Guid.NewGuid().ToString("N"),
                deviceId = SomeDeviceId,
                blobName = $"{SomeDeviceId}/inventory.json.gz",
                receivedAt = DateTimeOffset.UtcNow,
                inventoryHash = new string('0', 64),
            }
        );
        foreach (var (function, input) in new[] { ("ProcessCheckin", message), ("LicenceComplianceScan", "") })
        {
            using var run = new HttpRequestMessage(HttpMethod.Post, $"admin/functions/{function}")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { input }), Encoding.UTF8, "application/json"),
            };
            run.Headers.Add("x-functions-key", StorageOutageFixture.MasterKey);
            using var accepted = await fixture.Http.SendAsync(run);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            await Eventually.ReturnsAsync(
                () =>
                    Task.FromResult(
                        fixture.Host.Output.Contains(
                            $"Executed 'Functions.{function}' (Failed",
                            StringComparison.Ordinal
                        )
                    ),
                $"{function} to fail",
                AnswerBound,
                () => fixture.Host.Output
            );
        }
    }

    [Fact]
    public async Task Console_says_once_that_storage_is_down_for_the_host_s_own_work()
    {
        // The host's own storage work (timer schedule status, the check-in queue): one warning each, whatever the
        // number of failed tries, and no stack traces.
        await Eventually.ReturnsAsync(
            () =>
                Task.FromResult(
                    fixture.Host.Output.Contains(
                        "Timer schedule status: storage is unavailable",
                        StringComparison.Ordinal
                    )
                        && fixture.Host.Output.Contains(
                            "Queue 'checkins' of 'ProcessCheckin': storage",
                            StringComparison.Ordinal
                        )
                ),
            "the storage warnings",
            TimeSpan.FromSeconds(30),
            () => fixture.Host.Output
        );
        var output = fixture.Host.Output;
        Assert.Equal(1, Count(output, "Timer schedule status: storage is unavailable"));
        Assert.Equal(1, Count(output, "Queue 'checkins' of 'ProcessCheckin': storage is unavailable"));
        Assert.DoesNotContain("   at Azure.Core", output);
    }

    private static int Count(string text, string what)
    {
        var count = 0;
        for (
            var i = text.IndexOf(what, StringComparison.Ordinal);
            i >= 0;
            i = text.IndexOf(what, i + 1, StringComparison.Ordinal)
        )
        {
            count++;
        }
        return count;
    }
}

/// <summary>Stopping the host while storage is unreachable: its own process, since the test ends it.</summary>
public sealed class StorageOutageShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_stops_the_host_and_its_worker_within_seconds_while_storage_is_unreachable()
    {
        await using var host = await HostProcess.StartAsync(
            BuiltPaths.InventoryApp,
            StorageOutageFixture.Settings(StorageOutageFixture.UnreachableStorage())
        );
        var children = host.Descendants();
        Assert.NotEmpty(children); // the worker

        var watch = Stopwatch.StartNew();
        host.Signal(HostProcess.SIGTERM);
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await Eventually.ReturnsAsync(
            () => Task.FromResult(children.All(pid => !HostProcess.IsAlive(pid))),
            "the worker to exit",
            TimeSpan.FromSeconds(10),
            () => host.Output
        );
        output.WriteLine($"Host and worker gone {watch.Elapsed.TotalSeconds:0.00} s after SIGTERM");
        Assert.True(
            watch.Elapsed < TimeSpan.FromSeconds(15),
            $"Stopped after {watch.Elapsed.TotalSeconds:0.0} s.{Environment.NewLine}{host.Output}"
        );
        Assert.Contains("Host stopped.", host.Output);
    }
}
