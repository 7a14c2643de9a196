using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using FunctionsHost.Rpc;
using Google.Protobuf;

namespace FunctionsHost;

/// <summary>Queue clients for the app's storage connections, with the message encoding host.json asks for.</summary>
internal sealed class QueueClients(AppSettings settings, QueueSettings options)
{
    private readonly ConcurrentDictionary<(string Connection, string Queue), QueueClient> clients = new();

    public QueueClient Get(string connectionSetting, string queueName, string context)
    {
        var connectionString = settings.Get(connectionSetting) ?? settings.Get("AzureWebJobs" + connectionSetting);
        if (string.IsNullOrEmpty(connectionString))
        {
            throw new HostStartupException(
                $"{context}: storage connection '{connectionSetting}' is not set. The local host needs a "
                    + "connection string (identity-based connections are not supported locally)."
            );
        }
        return clients.GetOrAdd((connectionString, queueName), key =>
        {
            try
            {
                return new QueueClient(
                    key.Connection,
                    key.Queue,
                    StorageProblems.Bounded(
                        new QueueClientOptions
                        {
                            MessageEncoding = options.Base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
                        }
                    )
                );
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new HostStartupException(
                    $"{context}: connection '{connectionSetting}' is not a valid storage connection string "
                        + $"({ex.Message})."
                );
            }
        });
    }

    /// <summary>Queue names are lower-case in Azure Storage; the Functions extension normalises them the same
    /// way.</summary>
    public static string QueueName(BindingDescriptor binding, AppSettings settings, string function) =>
        settings
            .Resolve(
                binding.String("queueName")
                    ?? throw new HostStartupException(
                        $"Function '{function}': binding '{binding.Name}' has no queueName."
                    ),
                $"Function '{function}'"
            )
            .ToLowerInvariant();

    public static string Connection(BindingDescriptor binding) =>
        binding.String("connection") is { Length: > 0 } c ? c : "AzureWebJobsStorage";
}

/// <summary>Writes the values of queue output bindings after a successful invocation, as the real host does.</summary>
internal sealed class QueueOutputBindings(QueueClients clients, AppSettings settings)
{
    private readonly ConcurrentDictionary<string, bool> created = new();

    public void Validate(FunctionDescriptor function)
    {
        foreach (var binding in Outputs(function))
            Queue(function, binding);
    }

    private QueueClient Queue(FunctionDescriptor function, BindingDescriptor binding) =>
        clients.Get(
            QueueClients.Connection(binding),
            QueueClients.QueueName(binding, settings, function.Name),
            $"Function '{function.Name}'"
        );

    public async Task ApplyAsync(
        FunctionDescriptor function,
        InvocationResponse response,
        CancellationToken cancellationToken
    )
    {
        foreach (var binding in Outputs(function))
        {
            var data =
                binding.Name == "$return"
                    ? response.ReturnValue
                    : response.OutputData.FirstOrDefault(o => o.Name == binding.Name)?.Data;
            var messages = Messages(data).ToList();
            if (messages.Count == 0)
                continue;
            var queue = Queue(function, binding);
            if (created.TryAdd(queue.Uri.ToString(), true))
            {
                await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            foreach (var message in messages)
            {
                await queue.SendMessageAsync(message, cancellationToken: cancellationToken);
            }
        }
    }

    private static IEnumerable<BindingDescriptor> Outputs(FunctionDescriptor function) =>
        function.Bindings.Where(b => b.IsOutput && b.Type.Equals("queue", StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<BinaryData> Messages(TypedData? data) =>
        data?.DataCase switch
        {
            TypedData.DataOneofCase.String => [BinaryData.FromString(data.String)],
            TypedData.DataOneofCase.Json => JsonMessages(data.Json),
            TypedData.DataOneofCase.Bytes => [BinaryData.FromBytes(data.Bytes.ToByteArray())],
            TypedData.DataOneofCase.CollectionString => data.CollectionString.String.Select(BinaryData.FromString),
            TypedData.DataOneofCase.CollectionBytes => data.CollectionBytes.Bytes.Select(b =>
                BinaryData.FromBytes(b.ToByteArray())
            ),
            _ => [],
        };

    /// <summary>A JSON array becomes one message per element (a collection output); anything else is one
    /// message.</summary>
    private static IEnumerable<BinaryData> JsonMessages(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind == JsonValueKind.Null)
            return [];
        if (document.RootElement.ValueKind != JsonValueKind.Array)
            return [BinaryData.FromString(json)];
        return document
            .RootElement.EnumerateArray()
            .Select(e => BinaryData.FromString(e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText()))
            .ToList();
    }
}

/// <summary>
/// Polls the queues of queue-triggered functions like the Storage Queues extension: batches, back-off up to
/// maxPollingInterval, retries after visibilityTimeout, and poison messages moved to &lt;queue&gt;-poison after
/// maxDequeueCount.
/// </summary>
internal sealed class QueueTriggers(
    WorkerChannel channel,
    QueueClients clients,
    AppSettings settings,
    QueueSettings options,
    TimeProvider clock
)
{
    /// <summary>How long a received message stays invisible while the function runs.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<(FunctionDescriptor Function, QueueClient Queue, QueueClient Poison)> listeners = [];

    public IEnumerable<(string Function, string Description)> Describe() =>
        listeners.Select(l =>
            (
                l.Function.Name,
                $"queueTrigger (queue '{l.Queue.Name}', poison '{l.Poison.Name}', "
                    + $"{(options.Base64 ? "base64" : "plain")} messages)"
            )
        );

    public void Add(FunctionDescriptor function)
    {
        var trigger = function.Trigger;
        var queueName = QueueClients.QueueName(trigger, settings, function.Name);
        var connection = QueueClients.Connection(trigger);
        var context = $"Function '{function.Name}'";
        listeners.Add(
            (
                function,
                clients.Get(connection, queueName, context),
                clients.Get(connection, queueName + "-poison", context)
            )
        );
    }

    public IEnumerable<Task> Start(CancellationToken stopping) =>
        listeners.Select(l =>
            Task.Run(() => PollAsync(l.Function, l.Queue, l.Poison, stopping), CancellationToken.None)
        );

    /// <summary>Runs a queue function now on a message made from <paramref name="text"/> (admin API); nothing is
    /// dequeued.</summary>
    public Task<InvocationOutcome> InvokeNowAsync(
        FunctionDescriptor function,
        string text,
        CancellationToken cancellationToken
    )
    {
        var now = clock.GetUtcNow();
        var message = QueuesModelFactory.QueueMessage(
            Guid.NewGuid().ToString(),
            "",
            BinaryData.FromString(text),
            1,
            now,
            now,
            now.AddDays(7)
        );
        return InvokeAsync(
            function,
            message,
            "This function was programmatically called via the host APIs.",
            cancellationToken
        );
    }

    private async Task PollAsync(
        FunctionDescriptor function,
        QueueClient queue,
        QueueClient poison,
        CancellationToken stopping
    )
    {
        var inFlight = new List<Task>();
        var delay = MinimumPollingInterval;
        var outage = new OutageNotice($"Queue '{queue.Name}' of '{function.Name}'", "polling it again with back-off");
        while (!stopping.IsCancellationRequested)
        {
            inFlight.RemoveAll(t => t.IsCompleted);
            if (inFlight.Count > options.NewBatchThreshold)
            {
                await Task.WhenAny(inFlight);
                continue;
            }
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(options.BatchSize, Lease, stopping)).Value;
                outage.Succeeded();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                outage.Succeeded();
                messages = []; // The queue does not exist (yet): poll it as an empty one.
            }
            catch (Exception ex) when (StorageProblems.IsStorageFailure(ex, stopping))
            {
                outage.Failed(ex);
                messages = [];
            }

            if (messages.Length == 0)
            {
                try
                {
                    await Task.Delay(delay, clock, stopping);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollingInterval.Ticks));
                continue;
            }
            delay = MinimumPollingInterval;
            foreach (var message in messages)
                inFlight.Add(ProcessAsync(function, queue, poison, message));
        }
        // Stopping: let the messages already handed to the worker finish (the host waits for them with a deadline).
        await Task.WhenAll(inFlight);
    }

    private async Task ProcessAsync(
        FunctionDescriptor function,
        QueueClient queue,
        QueueClient poison,
        QueueMessage message
    )
    {
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message);
                return;
            }
            var outcome = await InvokeAsync(
                function,
                message,
                $"New queue message detected on '{queue.Name}'.",
                CancellationToken.None
            );
            if (outcome.Succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(queue, poison, message);
            }
            else
            {
                // Visible again after visibilityTimeout, for the next try.
                await queue.UpdateMessageAsync(
                    message.MessageId,
                    message.PopReceipt,
                    visibilityTimeout: options.VisibilityTimeout
                );
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            HostConsole.Warn(
                $"Message {message.MessageId} of '{queue.Name}' was gone when the host tried to settle it "
                    + "(lease lost)."
            );
        }
        catch (Exception ex) when (ex is RequestFailedException or HttpRequestException)
        {
            HostConsole.Error(
                $"Could not settle message {message.MessageId} of '{queue.Name}': {StorageProblems.Describe(ex)}"
            );
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message)
    {
        HostConsole.Warn(
            $"Message {message.MessageId} has reached MaxDequeueCount of {options.MaxDequeueCount}. "
                + $"Moving message to queue '{poison.Name}'."
        );
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(message.Body);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    private Task<InvocationOutcome> InvokeAsync(
        FunctionDescriptor function,
        QueueMessage message,
        string reason,
        CancellationToken cancellationToken
    )
    {
        var trigger = function.Trigger;
        var text = message.Body.ToString();
        TypedData input;
        if (trigger.Property("supportsDeferredBinding") && !trigger.Property("skipDeferredBinding"))
        {
            // SDK-type parameters (QueueMessage, BinaryData): the message itself as ModelBindingData, as the
            // Storage Queues extension's ParameterBindingData converter produces it.
            input = new TypedData
            {
                ModelBindingData = new ModelBindingData
                {
                    Version = "1.0",
                    Source = "AzureStorageQueues",
                    ContentType = "application/json",
                    Content = ByteString.CopyFrom(MessageJson(message, text)),
                },
            };
        }
        else if (string.Equals(trigger.DataType, "binary", StringComparison.OrdinalIgnoreCase))
        {
            input = new TypedData { Bytes = ByteString.CopyFrom(message.Body.ToMemory().Span) };
        }
        else
        {
            input = new TypedData { String = text };
        }

        var request = new InvocationRequest { InvocationId = Guid.NewGuid().ToString() };
        request.InputData.Add(new ParameterBinding { Name = trigger.Name, Data = input });
        var metadata = request.TriggerMetadata;
        metadata["QueueTrigger"] = new TypedData { String = text };
        metadata["Id"] = new TypedData { String = message.MessageId };
        metadata["PopReceipt"] = new TypedData { String = message.PopReceipt ?? "" };
        metadata["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) };
        if (message.ExpiresOn is { } expires)
        {
            metadata["ExpirationTime"] = new TypedData { Json = JsonSerializer.Serialize(expires) };
        }
        if (message.InsertedOn is { } inserted)
        {
            metadata["InsertionTime"] = new TypedData { Json = JsonSerializer.Serialize(inserted) };
        }
        if (message.NextVisibleOn is { } visible)
        {
            metadata["NextVisibleTime"] = new TypedData { Json = JsonSerializer.Serialize(visible) };
        }
        return channel.InvokeAsync(function, request, reason, cancellationToken);
    }

    private static byte[] MessageJson(QueueMessage message, string text)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("MessageId", message.MessageId);
            json.WriteString("PopReceipt", message.PopReceipt ?? "");
            json.WriteString("MessageText", text);
            json.WriteNumber("DequeueCount", message.DequeueCount);
            // The worker's reader parses dates without accepting null: leave absent ones out.
            if (message.NextVisibleOn is { } visible)
                json.WriteString("NextVisibleOn", visible);
            if (message.InsertedOn is { } inserted)
                json.WriteString("InsertedOn", inserted);
            if (message.ExpiresOn is { } expires)
                json.WriteString("ExpiresOn", expires);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
