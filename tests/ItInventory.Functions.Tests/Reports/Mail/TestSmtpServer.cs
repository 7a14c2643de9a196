using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ItInventory.Functions.Tests.Reports.Mail;

/// <summary>A real SMTP server in the test process (the SmtpServer package) on a loopback port: it keeps what it
/// accepts, with the envelope and the credentials it was given, and can refuse the first N messages with a
/// transient 451.</summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    public sealed record Received(MimeMessage Message, IReadOnlyList<string> EnvelopeTo, string EnvelopeFrom);

    private readonly CancellationTokenSource stop = new();
    private readonly Task running;
    private int refuseRemaining;

    public ConcurrentQueue<Received> Messages { get; } = new();
    public ConcurrentQueue<(string User, string Password)> Logins { get; } = new();
    public int Refused;

    public int Port { get; }

    private TestSmtpServer(int port, int refuseFirst)
    {
        Port = port;
        refuseRemaining = refuseFirst;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b =>
                b.Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                    .AllowUnsecureAuthentication(true)
                    .AuthenticationRequired(false)
            )
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(
            new DelegatingUserAuthenticator(
                (user, password) =>
                {
                    Logins.Enqueue((user, password));
                    return true;
                }
            )
        );
        running = new SmtpServer.SmtpServer(options, services).StartAsync(stop.Token);
    }

    public static TestSmtpServer Start(int refuseFirst = 0) => new(FreePort(), refuseFirst);

    public static TestSmtpServer Start(int port, int refuseFirst) => new(port, refuseFirst);

    /// <summary>A port that nothing listens on (bound and released): a server that is down.</summary>
    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public Dictionary<string, string?> Settings(string user = "inventory", string password = "smtp-secret") =>
        new()
        {
            ["FinanceMail:Transport"] = "Smtp",
            ["Smtp:Host"] = "127.0.0.1",
            ["Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Smtp:Security"] = "None",
            ["Smtp:Username"] = user,
            ["Smtp:Password"] = password,
        };

    private sealed class Store(TestSmtpServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(
            ISessionContext context,
            IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken
        )
        {
            if (Interlocked.Decrement(ref server.refuseRemaining) >= 0)
            {
                Interlocked.Increment(ref server.Refused);
                return Task.FromResult(new SmtpResponse((SmtpReplyCode)451, "Try again later"));
            }
            using var stream = new MemoryStream(buffer.ToArray());
            var message = MimeMessage.Load(stream, cancellationToken);
            server.Messages.Enqueue(
                new Received(
                    message,
                    [.. transaction.To.Select(m => $"{m.User}@{m.Host}")],
                    $"{transaction.From.User}@{transaction.From.Host}"
                )
            );
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
