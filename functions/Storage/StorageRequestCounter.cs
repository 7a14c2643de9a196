using Azure.Core;
using Azure.Core.Pipeline;

namespace ItInventory.Functions.Storage;

/// <summary>
/// Counts the storage requests sent by the app's Azure SDK clients, per logical operation. A scope opened with
/// <see cref="BeginScope"/> flows with the async context, so the storage cost of a code path becomes a
/// deterministic number for tests and benchmarks. Outside a scope nothing is counted but the process total.
/// </summary>
public sealed class StorageRequestCounter : HttpPipelinePolicy
{
    private static readonly AsyncLocal<Scope?> Current = new();
    private static long total;

    public static StorageRequestCounter Instance { get; } = new();

    /// <summary>Requests sent by this process since start, in or out of a scope.</summary>
    public static long Total => Interlocked.Read(ref total);

    public static Scope BeginScope()
    {
        var scope = new Scope(Current.Value);
        Current.Value = scope;
        return scope;
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private static void Record(HttpMessage message)
    {
        Interlocked.Increment(ref total);
        var request =
            $"{message.Request.Method} {message.Request.Uri.Host}:{message.Request.Uri.Port}{message.Request.Uri.Path}";
        Current.Value?.Add(request);
        if (Current.Value?.ShouldFail() == true)
            throw new InjectedFaultException(request);
    }

    /// <summary>The requests counted since the scope began (including nested scopes).</summary>
    public sealed class Scope(Scope? parent) : IDisposable
    {
        private readonly List<string> requests = [];
        private int failAt;

        /// <summary>
        /// Fault injection for crash tests: the scope's <paramref name="request"/>-th request (1-based, counted from
        /// now) throws <see cref="InjectedFaultException"/> instead of being sent, as if the process died just before
        /// it. Only this scope's own requests count.
        /// </summary>
        public Scope FailAt(int request)
        {
            lock (requests)
            {
                failAt = requests.Count + request;
            }
            return this;
        }

        /// <summary>Whether the fault armed by <see cref="FailAt"/> fired.</summary>
        public bool Failed { get; private set; }

        internal bool ShouldFail()
        {
            lock (requests)
            {
                if (failAt == 0 || requests.Count != failAt)
                    return false;
                failAt = 0;
                Failed = true;
                return true;
            }
        }

        public int Count
        {
            get
            {
                lock (requests)
                {
                    return requests.Count;
                }
            }
        }

        /// <summary>Method and path of each request, in order: what to print when a cost assertion fails.</summary>
        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (requests)
                {
                    return [.. requests];
                }
            }
        }

        internal void Add(string request)
        {
            lock (requests)
            {
                requests.Add(request);
            }
            parent?.Add(request);
        }

        public void Dispose() => Current.Value = parent;
    }
}

/// <summary>A storage request refused by <see cref="StorageRequestCounter.Scope.FailAt"/>: a simulated crash.</summary>
public sealed class InjectedFaultException(string request)
    : Exception($"Injected fault before storage request {request}");
