using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using FunctionsHost.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ItInventory.Agent.Tests;

/// <summary>
/// A front between the agent and the host that answers 503 (with Retry-After) to the first check-ins, as the app does
/// while its storage is down, then passes everything through.
/// </summary>
public sealed class OutageFront : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpClient upstream;
    private int refusalsLeft;

    private OutageFront(WebApplication app, Uri host, int refusals)
    {
        this.app = app;
        upstream = new HttpClient { BaseAddress = host };
        refusalsLeft = refusals;
    }

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>When each check-in arrived and what it was answered.</summary>
    public ConcurrentQueue<(DateTimeOffset At, int Status)> Checkins { get; } = new();

    public static async Task<OutageFront> StartAsync(Uri host, int refusals)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var front = new OutageFront(builder.Build(), host, refusals);
        front.app.Run(front.AnswerAsync);
        await front.app.StartAsync();
        var address = front
            .app.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        front.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return front;
    }

    private async Task AnswerAsync(HttpContext http)
    {
        var isCheckin = http.Request.Path.Value == "/api/checkins";
        if (isCheckin && Interlocked.Decrement(ref refusalsLeft) >= 0)
        {
            Checkins.Enqueue((DateTimeOffset.UtcNow, 503));
            http.Response.StatusCode = 503;
            http.Response.Headers.RetryAfter = "1";
            http.Response.ContentType = "application/problem+json";
            await http.Response.WriteAsync("""{"title":"Service unavailable","status":503,"detail":"storage"}""");
            return;
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        using var request = new HttpRequestMessage(
            new HttpMethod(http.Request.Method),
            http.Request.Path.Value!.TrimStart('/')
        )
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var header in new[] { "Content-Type", "Content-Encoding" })
        {
            if (http.Request.Headers.TryGetValue(header, out var value))
                request.Content.Headers.TryAddWithoutValidation(header, value.ToString());
        }
        if (http.Request.Headers.Authorization is { Count: > 0 } authorization)
            request.Headers.TryAddWithoutValidation("Authorization", authorization.ToString());
        using var answer = await upstream.SendAsync(request);
        if (isCheckin)
            Checkins.Enqueue((DateTimeOffset.UtcNow, (int)answer.StatusCode));
        http.Response.StatusCode = (int)answer.StatusCode;
        http.Response.ContentType = answer.Content.Headers.ContentType?.ToString();
        await http.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync());
    }

    public async ValueTask DisposeAsync()
    {
        upstream.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed class AgentBackoffTests(AgentHostFixture fixture) : IClassFixture<AgentHostFixture>
{
    [Fact]
    public async Task Service_backs_off_through_an_outage_honouring_retry_after_then_checks_in_and_stops_on_sigterm()
    {
        await using var front = await OutageFront.StartAsync(fixture.Host.BaseUri, refusals: 3);
        using var agent = new AgentRunner(fixture, front.BaseUri);
        var start = agent.StartInfo(
            [],
            new Dictionary<string, string>
            {
                ["ITINVENTORY_AGENT_ENROLLMENT_SECRET"] = fixture.EnrollmentSecret,
                ["ITINVENTORY_AGENT_RETRY_BASE_SECONDS"] = "1",
                ["ITINVENTORY_AGENT_STARTUP_DELAY_SECONDS"] = "0",
            }
        );
        using var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => output.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.ReturnsAsync(
                () => Task.FromResult(front.Checkins.Any(c => c.Status == 200)),
                "a check-in to get through after the outage",
                TimeSpan.FromSeconds(90),
                () => string.Join('\n', output)
            );
        }
        finally
        {
            // A service manager stops the agent with SIGTERM: it exits cleanly.
            HostProcessSignals.Terminate(process.Id);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var attempts = front.Checkins.ToList();
        Assert.Equal([503, 503, 503, 200], attempts.Take(4).Select(a => a.Status));
        // Never faster than Retry-After (1 s) between attempts: no hammering during an outage.
        for (var i = 1; i < 4; i++)
            Assert.True(attempts[i].At - attempts[i - 1].At >= TimeSpan.FromSeconds(0.95), $"attempt {i}");
        Assert.Equal(0, process.ExitCode);
        Assert.Equal(0, agent.State.ConsecutiveFailures);
    }
}

internal static class HostProcessSignals
{
    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public static void Terminate(int pid) => kill(pid, 15);
}
