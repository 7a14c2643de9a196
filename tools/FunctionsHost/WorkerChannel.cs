using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using FunctionsHost.Rpc;
using Grpc.Core;
using GrpcException = Grpc.Core.RpcException;
using RpcException = FunctionsHost.Rpc.RpcException;

namespace FunctionsHost;

/// <summary>The gRPC service the worker connects to. One bidirectional stream carries the whole conversation.</summary>
internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(
        IAsyncStreamReader<StreamingMessage> requestStream,
        IServerStreamWriter<StreamingMessage> responseStream,
        ServerCallContext context
    ) => channel.RunStreamAsync(requestStream, responseStream, context.CancellationToken);
}

/// <summary>The outcome of one invocation as the host reports it.</summary>
internal sealed record InvocationOutcome(InvocationResponse Response, TimeSpan Duration)
{
    public bool Succeeded => Response.Result?.Status == StatusResult.Types.Status.Success;

    public string Error =>
        Response.Result?.Exception is { } e
            ? $"{(string.IsNullOrEmpty(e.Type) ? "" : e.Type + ": ")}{e.Message}"
            : Response.Result?.Result ?? "no result";
}

/// <summary>
/// The host's side of the worker conversation: matches responses to requests, writes outgoing messages in order,
/// prints the worker's logs, and runs invocations with the host's "Executing/Executed" lines.
/// </summary>
internal sealed class WorkerChannel(string workerId)
{
    /// <summary>Which worker logs to show (host.json logging.logLevel).</summary>
    public LogFilter Logs { get; set; } = LogFilter.Default;

    private readonly Channel<StreamingMessage> outgoing = Channel.CreateUnbounded<StreamingMessage>(
        new UnboundedChannelOptions { SingleReader = true }
    );
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> pending = new();
    private readonly ConcurrentDictionary<string, string> invocationNames = new();
    private readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int streamTaken;
    private volatile string? failure;

    public string WorkerId { get; } = workerId;

    /// <summary>Completes when the worker has opened its stream with a matching StartStream.</summary>
    public Task Connected => connected.Task;

    /// <summary>Completes when the worker's stream has ended.</summary>
    public Task Disconnected => disconnected.Task;

    public int InFlight => invocationNames.Count;

    /// <summary>Performs the output bindings of a successful invocation (queue messages); a failure fails the
    /// invocation.</summary>
    public Func<FunctionDescriptor, InvocationResponse, CancellationToken, Task>? ApplyOutputs { get; set; }

    public async Task RunStreamAsync(
        IAsyncStreamReader<StreamingMessage> requests,
        IServerStreamWriter<StreamingMessage> responses,
        CancellationToken cancellationToken
    )
    {
        if (!await requests.MoveNext(cancellationToken))
            return;
        var first = requests.Current;
        if (
            first.ContentCase != StreamingMessage.ContentOneofCase.StartStream
            || first.StartStream.WorkerId != WorkerId
        )
        {
            HostConsole.Warn(
                "Ignoring a worker stream that did not start with StartStream for worker "
                    + $"{WorkerId} ({first.ContentCase})."
            );
            return;
        }
        if (Interlocked.Exchange(ref streamTaken, 1) == 1)
        {
            HostConsole.Warn("Ignoring a second stream from the worker.");
            return;
        }
        HostConsole.Debug($"Worker {WorkerId} connected.");

        var writer = Task.Run(
            async () =>
            {
                await foreach (var message in outgoing.Reader.ReadAllAsync(cancellationToken))
                {
                    await responses.WriteAsync(message, cancellationToken);
                }
            },
            cancellationToken
        );
        connected.TrySetResult();
        try
        {
            while (await requests.MoveNext(cancellationToken))
                Dispatch(requests.Current);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or GrpcException)
        {
            HostConsole.Debug($"Worker stream ended: {ex.Message}");
        }
        finally
        {
            Fail("The worker closed its connection.");
            outgoing.Writer.TryComplete();
            try
            {
                await writer;
            }
            catch (Exception ex)
                when (ex is IOException or OperationCanceledException or InvalidOperationException or GrpcException) { }
            disconnected.TrySetResult();
        }
    }

    /// <summary>Fails everything that waits on the worker (it exited or disconnected).</summary>
    public void Fail(string reason)
    {
        failure ??= reason;
        connected.TrySetException(new HostStartupException(reason));
        foreach (var key in pending.Keys)
        {
            if (pending.TryRemove(key, out var waiter))
                waiter.TrySetException(new WorkerUnavailableException(reason));
        }
    }

    public void Send(StreamingMessage message)
    {
        if (!outgoing.Writer.TryWrite(message))
        {
            throw new WorkerUnavailableException(failure ?? "The worker is not connected.");
        }
    }

    /// <summary>Sends a request and waits for the response registered under <paramref name="key"/>.</summary>
    public async Task<StreamingMessage> RequestAsync(
        string key,
        StreamingMessage message,
        CancellationToken cancellationToken
    )
    {
        var waiter = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (failure is { } reason)
            throw new WorkerUnavailableException(reason);
        if (!pending.TryAdd(key, waiter))
            throw new InvalidOperationException($"A request '{key}' is already pending.");
        try
        {
            // Fail() sets the reason before it fails the waiters: either it saw this one, or this sees the reason.
            if (failure is { } failed)
                throw new WorkerUnavailableException(failed);
            Send(message);
            return await waiter.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            pending.TryRemove(key, out _);
        }
    }

    /// <summary>Runs one invocation and prints its start and its result with the duration.</summary>
    public async Task<InvocationOutcome> InvokeAsync(
        FunctionDescriptor function,
        InvocationRequest request,
        string reason,
        CancellationToken cancellationToken
    )
    {
        request.FunctionId = function.FunctionId;
        request.TraceContext ??= NewTraceContext();
        var id = request.InvocationId;
        invocationNames[id] = function.Name;
        HostConsole.Info($"Executing 'Functions.{function.Name}' (Reason='{reason}', Id={id})");
        var watch = Stopwatch.StartNew();
        // An invocation the caller gives up on is cancelled in the worker; the host still waits for its answer.
        using var cancel = cancellationToken.Register(() =>
        {
            try
            {
                Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = id } });
            }
            catch (WorkerUnavailableException) { }
        });
        try
        {
            var answer = await RequestAsync(
                "invocation:" + id,
                new StreamingMessage { InvocationRequest = request },
                CancellationToken.None
            );
            if (
                answer.InvocationResponse.Result?.Status == StatusResult.Types.Status.Success
                && ApplyOutputs is { } apply
            )
            {
                try
                {
                    await apply(function, answer.InvocationResponse, CancellationToken.None);
                }
                catch (Exception ex)
                    when (ex
                            is Azure.RequestFailedException
                                or HttpRequestException
                                or System.Text.Json.JsonException
                                or HostStartupException
                    )
                {
                    answer.InvocationResponse.Result = new StatusResult
                    {
                        Status = StatusResult.Types.Status.Failure,
                        Exception = new RpcException
                        {
                            Type = "OutputBindingException",
                            Message = $"Writing the output bindings failed: {StorageProblems.Describe(ex)}",
                        },
                    };
                }
            }
            var outcome = new InvocationOutcome(answer.InvocationResponse, watch.Elapsed);
            if (outcome.Succeeded)
            {
                HostConsole.Info(
                    $"Executed 'Functions.{function.Name}' (Succeeded, Id={id}, "
                        + $"Duration={watch.ElapsedMilliseconds}ms)"
                );
            }
            else
            {
                var status =
                    answer.InvocationResponse.Result?.Status == StatusResult.Types.Status.Cancelled
                        ? "Cancelled"
                        : "Failed";
                HostConsole.Error(
                    $"Executed 'Functions.{function.Name}' ({status}, Id={id}, "
                        + $"Duration={watch.ElapsedMilliseconds}ms)"
                );
                var error = HostConsole.Verbose ? outcome.Error : StorageProblems.FirstLine(outcome.Error);
                HostConsole.Error($"  {error}");
            }
            return outcome;
        }
        catch (WorkerUnavailableException ex)
        {
            HostConsole.Error(
                $"Executed 'Functions.{function.Name}' (Failed, Id={id}, "
                    + $"Duration={watch.ElapsedMilliseconds}ms): {ex.Message}"
            );
            return new InvocationOutcome(
                new InvocationResponse
                {
                    InvocationId = id,
                    Result = new StatusResult
                    {
                        Status = StatusResult.Types.Status.Failure,
                        Exception = new RpcException { Message = ex.Message },
                    },
                },
                watch.Elapsed
            );
        }
        finally
        {
            invocationNames.TryRemove(id, out _);
        }
    }

    /// <summary>A W3C traceparent for the invocation: the worker requires a trace context.</summary>
    private static RpcTraceContext NewTraceContext()
    {
        var activity = Activity.Current;
        var traceId = activity?.TraceId ?? ActivityTraceId.CreateRandom();
        var spanId = ActivitySpanId.CreateRandom();
        return new RpcTraceContext
        {
            TraceParent = $"00-{traceId}-{spanId}-00",
            TraceState = activity?.TraceStateString ?? "",
        };
    }

    private void Dispatch(StreamingMessage message)
    {
        string? key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.WorkerInitResponse => "init",
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => "metadata",
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => "load:" + message.FunctionLoadResponse.FunctionId,
            StreamingMessage.ContentOneofCase.InvocationResponse => "invocation:"
                + message.InvocationResponse.InvocationId,
            StreamingMessage.ContentOneofCase.WorkerStatusResponse => "status",
            _ => null,
        };
        if (key is not null)
        {
            if (pending.TryRemove(key, out var waiter))
                waiter.TrySetResult(message);
            else
                HostConsole.Debug($"Unexpected {message.ContentCase} ({key}) from the worker.");
            return;
        }
        if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            Log(message.RpcLog);
            return;
        }
        // The worker may send messages this host does not know, or an empty one at shutdown.
        HostConsole.Debug($"Ignored a message from the worker ({message.ContentCase}).");
    }

    private void Log(RpcLog log)
    {
        var system = log.LogCategory == RpcLog.Types.RpcLogCategory.System;
        string? name = null;
        var inInvocation =
            !string.IsNullOrEmpty(log.InvocationId) && invocationNames.TryGetValue(log.InvocationId, out name);
        var category = inInvocation && !system ? $"Function.{name}.User" : log.Category;
        var level = LogFilter.EffectiveLevel(log.Category, log.Level, log.Message);
        if (
            (system && level < RpcLog.Types.Level.Warning)
            || !Logs.Shows(log.Category, level)
            || !Logs.Shows(category, level)
        )
        {
            HostConsole.Debug($"[worker {log.Level}] {log.Category}: {log.Message}");
            return;
        }
        var text = inInvocation ? $"{name}: {log.Message}" : log.Message;
        if (log.Exception is { } ex)
            text += Environment.NewLine + "  " + ExceptionText(ex);
        switch (level)
        {
            case RpcLog.Types.Level.Warning:
                HostConsole.Warn(text);
                break;
            case RpcLog.Types.Level.Error or RpcLog.Types.Level.Critical:
                HostConsole.Error(text);
                break;
            default:
                HostConsole.Info(text);
                break;
        }
    }

    /// <summary>
    /// An exception in a worker log: one line unless --verbose. The worker sends the exception's whole ToString() as
    /// its message (inner exceptions and stacks included); printed in full, one storage outage fills the screen.
    /// </summary>
    private static string ExceptionText(RpcException exception)
    {
        var type = string.IsNullOrEmpty(exception.Type) ? "" : exception.Type + ": ";
        if (HostConsole.Verbose)
        {
            var stack = string.IsNullOrEmpty(exception.StackTrace) ? "" : Environment.NewLine + exception.StackTrace;
            return type + exception.Message + stack;
        }
        var line = StorageProblems.FirstLine(exception.Message);
        return (line.StartsWith(type, StringComparison.Ordinal) ? "" : type) + line + " (--verbose shows the details)";
    }
}

internal sealed class WorkerUnavailableException(string message) : Exception(message);
