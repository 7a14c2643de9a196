using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests;

/// <summary>
/// The sample app (tests/FunctionsHost.SampleApp) under the host: everything but its blob-triggered function, which
/// the host refuses. Its host.json: routePrefix v1, base64 queue messages, maxDequeueCount 2, no retry delay.
/// </summary>
public sealed class SampleHostFixture : IAsyncLifetime
{
    public const string MasterKey = "sample-master-key";
    public const string DefaultFunctionKey = "sample-default-function-key";
    public const string HelloKey = "sample-hello-key";

    public static readonly string[] SupportedFunctions =
    [
        "Hello",
        "Echo",
        "EchoHeader",
        "AdminOnly",
        "Fail",
        "Tick",
        "StartupTick",
        "Work",
        "WorkMessage",
    ];

    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];

    public HostProcess Host { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string ConnectionString { get; private set; } = null!;

    public QueueClient Queue(string name, bool base64 = true) =>
        new(
            ConnectionString,
            name,
            new QueueClientOptions
            {
                MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
            }
        );

    public Dictionary<string, string> Settings { get; private set; } = null!;

    public string WorkQueue => Settings["WORK_QUEUE"];

    public string MessageQueue => Settings["MESSAGE_QUEUE"];

    public string DoneQueue => Settings["DONE_QUEUE"];

    public string TimerLogQueue => Settings["TIMER_LOG_QUEUE"];

    public static Dictionary<string, string> SampleSettings(string connectionString, string suffix) =>
        new()
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["WORK_QUEUE"] = $"work-{suffix}",
            ["MESSAGE_QUEUE"] = $"messages-{suffix}",
            ["DONE_QUEUE"] = $"done-{suffix}",
            ["TIMER_LOG_QUEUE"] = $"timerlog-{suffix}",
            // Yearly: never due during a test; the admin API runs it.
            ["TICK_SCHEDULE"] = "0 0 0 1 1 *",
        };

    public async Task InitializeAsync()
    {
        ConnectionString = (await Azurite.SharedAsync()).ConnectionString;
        Settings = SampleSettings(ConnectionString, suffix);
        await Queue(WorkQueue).CreateIfNotExistsAsync();
        await Queue(MessageQueue).CreateIfNotExistsAsync();
        Host = await HostProcess.StartAsync(
            BuiltPaths.SampleApp,
            Settings,
            MasterKey,
            new Dictionary<string, string> { ["default"] = DefaultFunctionKey, ["Hello"] = HelloKey },
            ["--functions", string.Join(',', SupportedFunctions)]
        );
        Http.BaseAddress = Host.BaseUri;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>The texts of the messages in a queue, read without taking them.</summary>
    public async Task<string[]> PeekAsync(string queue) =>
        await Queue(queue).ExistsAsync()
            ? (await Queue(queue).PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString()).ToArray()
            : [];
}

public sealed class SampleAppTests(SampleHostFixture fixture) : IClassFixture<SampleHostFixture>
{
    private HttpClient Http => fixture.Http;

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string path,
        string? key = null,
        string? body = null
    )
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Add("x-functions-key", key);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await Http.SendAsync(request);
    }

    [Fact]
    public async Task Function_level_routes_need_a_function_key_and_get_their_route_values()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync("v1/hello/ada")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync("v1/hello/ada?code=wrong")).StatusCode);

        foreach (
            var url in new[]
            {
                $"v1/hello/ada?q=1&code={SampleHostFixture.HelloKey}",
                $"v1/hello/ada?q=1&code={SampleHostFixture.DefaultFunctionKey}",
                $"v1/hello/ada?q=1&code={SampleHostFixture.MasterKey}",
            }
        )
        {
            using var response = await Http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Hello, ada", json.GetProperty("greeting").GetString());
            Assert.Equal("1", json.GetProperty("query").GetString());
        }
        using var header = await SendAsync(HttpMethod.Get, "v1/hello/grace", SampleHostFixture.HelloKey);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Contains("Hello, grace", await header.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_level_routes_need_the_master_key()
    {
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SendAsync(HttpMethod.Get, "v1/secret", SampleHostFixture.DefaultFunctionKey)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.OK,
            (await SendAsync(HttpMethod.Get, "v1/secret", SampleHostFixture.MasterKey)).StatusCode
        );
    }

    [Fact]
    public async Task Requests_and_responses_pass_through_and_a_throwing_function_answers_500()
    {
        var payload = "{\"text\":\"" + new string('x', 200_000) + "\"}";
        using var echo = await SendAsync(HttpMethod.Post, "v1/echo", body: payload);
        Assert.Equal(HttpStatusCode.OK, echo.StatusCode);
        Assert.Equal(payload, await echo.Content.ReadAsStringAsync());
        Assert.Equal("application/json", echo.Content.Headers.ContentType?.MediaType);

        Assert.Equal(HttpStatusCode.InternalServerError, (await Http.GetAsync("v1/fail")).StatusCode);
        Assert.Contains(
            (await Http.GetAsync("v1/echo")).StatusCode,
            new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed }
        );
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("api/echo")).StatusCode);
    }

    [Fact]
    public async Task Non_ascii_header_values_reach_the_function_as_sent()
    {
        const string value = "Grüße aus Köln ✓ 東京";
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/echo-header");
        request.Headers.TryAddWithoutValidation("x-echo", value);
        // A client that sends the value as UTF-8 (HttpClient's default refuses non-ASCII values).
        var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        using var client = new HttpClient(handler)
        {
            BaseAddress = fixture.Host.BaseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(value, json.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Request_the_worker_refuses_itself_is_answered_at_once()
    {
        // Headers just under the front end's 32 KB limit, over the worker's once the forwarding headers are added:
        // the worker answers 431 without running the function (and would hold the invocation 15 s).
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/echo-header");
        request.Headers.Add("x-echo", new string('x', 32_700));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await Http.SendAsync(request);
        Assert.True(
            response.StatusCode == HttpStatusCode.RequestHeaderFieldsTooLarge,
            $"{(int)response.StatusCode}{Environment.NewLine}{fixture.Host.Output}"
        );
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Answered after {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Admin_endpoint_runs_a_timer_function_on_demand()
    {
        const string master = SampleHostFixture.MasterKey;
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SendAsync(HttpMethod.Post, "admin/functions/Tick")).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.Unauthorized,
            (await SendAsync(HttpMethod.Post, "admin/functions/Tick", SampleHostFixture.DefaultFunctionKey)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.NotFound,
            (await SendAsync(HttpMethod.Post, "admin/functions/NoSuchFunction", master)).StatusCode
        );
        Assert.Equal(
            HttpStatusCode.BadRequest,
            (await SendAsync(HttpMethod.Post, "admin/functions/Hello", SampleHostFixture.MasterKey)).StatusCode
        );

        Assert.Equal(
            HttpStatusCode.Accepted,
            (await SendAsync(HttpMethod.Post, "admin/functions/Tick", SampleHostFixture.MasterKey, "{}")).StatusCode
        );
        var message = await Eventually.ReturnsAsync(
            async () =>
                (await fixture.PeekAsync(fixture.TimerLogQueue)).FirstOrDefault(m =>
                    m.Contains("\"function\":\"Tick\"", StringComparison.Ordinal)
                ),
            "the Tick function's output message",
            diagnostics: () => fixture.Host.Output
        );
        var tick = JsonDocument.Parse(message).RootElement;
        Assert.False(tick.GetProperty("isPastDue").GetBoolean());
        // The schedule monitor saved a status at start-up; the next run is the yearly schedule's.
        Assert.True(tick.GetProperty("hasStatus").GetBoolean());
        Assert.Equal(1, tick.GetProperty("next").GetDateTime().Month);
    }

    [Fact]
    public async Task RunOnStartup_timer_ran_when_the_host_started()
    {
        var startup = await Eventually.ReturnsAsync(
            async () =>
                (await fixture.PeekAsync(fixture.TimerLogQueue)).FirstOrDefault(m =>
                    m.Contains("\"StartupTick\"", StringComparison.Ordinal)
                ),
            "the StartupTick output message",
            diagnostics: () => fixture.Host.Output
        );
        Assert.Contains("\"isPastDue\":false", startup);
    }

    [Fact]
    public async Task Queue_message_runs_a_string_trigger_with_its_trigger_metadata_and_the_output_binding_is_written()
    {
        var text = "job-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Queue(fixture.WorkQueue).SendMessageAsync(text);
        await Eventually.ReturnsAsync(
            async () => (await fixture.PeekAsync(fixture.DoneQueue)).Contains($"work|{text}|1|True"),
            "the Work function's output message",
            diagnostics: () => fixture.Host.Output
        );
    }

    [Fact]
    public async Task Queue_message_binds_to_QueueMessage_through_model_binding_data()
    {
        var text = "payload-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Queue(fixture.MessageQueue).SendMessageAsync(text);
        await Eventually.ReturnsAsync(
            async () => (await fixture.PeekAsync(fixture.DoneQueue)).Contains($"message|{text}|1|True|True"),
            "the WorkMessage function's output message",
            diagnostics: () => fixture.Host.Output
        );
    }

    [Fact]
    public async Task Message_that_keeps_failing_lands_in_the_poison_queue_after_maxDequeueCount()
    {
        await fixture.Queue(fixture.WorkQueue).SendMessageAsync("poison");
        await Eventually.ReturnsAsync(
            async () => (await fixture.PeekAsync(fixture.WorkQueue + "-poison")).Contains("poison"),
            "the message in the poison queue",
            diagnostics: () => fixture.Host.Output
        );
        // Tried exactly maxDequeueCount (2) times, then moved.
        Assert.Contains("Cannot process 'poison' (delivery 1)", fixture.Host.Output);
        Assert.Contains("Cannot process 'poison' (delivery 2)", fixture.Host.Output);
        Assert.DoesNotContain("Cannot process 'poison' (delivery 3)", fixture.Host.Output);
        Assert.Contains("has reached MaxDequeueCount of 2", fixture.Host.Output);
    }
}
