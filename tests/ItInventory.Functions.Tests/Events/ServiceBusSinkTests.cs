using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Sasl;
using Amqp.Types;
using ItInventory.Functions.Events;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Events;

/// <summary>
/// The real Service Bus client (Azure.Messaging.ServiceBus) over the wire, against an in-process AMQP 1.0 endpoint
/// (AMQPNetLite's ContainerHost) that speaks just enough of Service Bus: the MSSBCBS SASL mechanism, the CBS
/// put-token exchange on <c>$cbs</c>, and a receiving link for the topic. Assertions are on the messages as they
/// arrived on the wire.
/// </summary>
public sealed class ServiceBusSinkTests : IAsyncLifetime
{
    private const string Topic = "inventory-events";
    private readonly ConcurrentQueue<(string Address, Message Message)> received = new();
    private ContainerHost host = null!;
    private int port;

    public Task InitializeAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        host = new ContainerHost(new Address($"amqp://127.0.0.1:{port}"));
        host.Listeners[0].SASL.EnableMechanism(new Symbol("MSSBCBS"), new AcceptingSaslProfile());
        host.RegisterRequestProcessor("$cbs", new CbsTokenProcessor());
        host.RegisterLinkProcessor(new TopicLinkProcessor(received));
        host.Open();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        host.Close();
        return Task.CompletedTask;
    }

    private string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{port};SharedAccessKeyName=test;"
        + $"SharedAccessKey={Convert.ToBase64String(new byte[32])};UseDevelopmentEmulator=true";

    [Fact]
    public async Task A_change_publishes_its_event_to_the_topic_as_structured_CloudEvents_JSON_with_its_id()
    {
        await using var app = await TestApp.StartAsync(settings =>
        {
            settings[EventsServiceCollectionExtensions.ServiceBusConnection] = ConnectionString;
            settings["Events:Topic"] = Topic;
        });
        Assert.IsType<ServiceBusEventSink>(app.Services.GetRequiredService<IEventSink>());

        var (assetId, _) = await CatalogueKit.CreatePeripheralAsync(app);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        var (address, message) = Assert.Single(received);
        Assert.Equal("/" + Topic, address);
        Assert.Equal(EventTypes.AssetDiscovered, message.Properties.Subject);
        Assert.Equal(IntegrationEvent.ContentType, message.Properties.ContentType.ToString());
        var body = JsonDocument.Parse(Encoding.UTF8.GetString((byte[])message.Body)).RootElement;
        Assert.Equal(body.GetProperty("id").GetString(), message.Properties.MessageId);
        Assert.Equal("1.0", body.GetProperty("specversion").GetString());
        Assert.Equal(EventTypes.AssetDiscovered, body.GetProperty("type").GetString());
        Assert.Equal("/itinventory", body.GetProperty("source").GetString());
        Assert.Equal($"assets/{assetId}", body.GetProperty("subject").GetString());
        Assert.Equal(assetId, body.GetProperty("data").GetProperty("assetId").GetString());
    }

    [Fact]
    public async Task Publishing_an_event_again_sends_the_same_message_id_for_the_topics_duplicate_detection()
    {
        await using var client = new Azure.Messaging.ServiceBus.ServiceBusClient(ConnectionString);
        await using var sink = new ServiceBusEventSink(
            client.CreateSender(Topic),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ServiceBusEventSink>.Instance
        );
        var e = new IntegrationEvent(
            "0639000000000000000-abc.0",
            new StagedEvent(
                EventTypes.DeviceOffline,
                "assets/a1",
                JsonDocument.Parse("{\"assetId\":\"a1\"}").RootElement
            ),
            DateTimeOffset.UnixEpoch
        );
        await sink.PublishAsync([e], CancellationToken.None);
        await sink.PublishAsync([e], CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.Count < 2 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(e.Id, r.Message.Properties.MessageId));
        Assert.All(received, r => Assert.Equal(EventTypes.DeviceOffline, r.Message.Properties.Subject));
    }

    /// <summary>Service Bus clients insist on the MSSBCBS mechanism; the endpoint accepts whatever they send.</summary>
    private sealed class AcceptingSaslProfile() : SaslProfile(new Symbol("MSSBCBS"))
    {
        protected override ITransport UpgradeTransport(ITransport transport) => transport;

        protected override DescribedList GetStartCommand(string hostname) => null!;

        protected override DescribedList OnCommand(DescribedList command) => new SaslOutcome { Code = SaslCode.Ok };
    }

    /// <summary>Answers every CBS put-token with 202 Accepted, correlated to the request.</summary>
    private sealed class CbsTokenProcessor : IRequestProcessor
    {
        public int Credit => 100;

        public void Process(RequestContext requestContext)
        {
            var response = new Message
            {
                Properties = new Properties { CorrelationId = requestContext.Message.Properties.MessageId },
                ApplicationProperties = new ApplicationProperties(),
            };
            response.ApplicationProperties["status-code"] = 202;
            response.ApplicationProperties["status-description"] = "Accepted";
            requestContext.Complete(response);
        }
    }

    /// <summary>Accepts sender links (the topic) and keeps what they send.</summary>
    private sealed class TopicLinkProcessor(ConcurrentQueue<(string, Message)> received) : ILinkProcessor
    {
        public void Process(AttachContext attachContext)
        {
            // The client reads the maximum message size from the attach; zero or absent means "no limit known".
            attachContext.Attach.MaxMessageSize = 1024 * 1024;
            var address = ((Target)attachContext.Attach.Target).Address;
            attachContext.Complete(new TargetLinkEndpoint(new Collector(address, received), attachContext.Link), 300);
        }
    }

    private sealed class Collector(string address, ConcurrentQueue<(string, Message)> received) : IMessageProcessor
    {
        public int Credit => 300;

        public void Process(MessageContext messageContext)
        {
            received.Enqueue((address, messageContext.Message));
            messageContext.Complete();
        }
    }
}
