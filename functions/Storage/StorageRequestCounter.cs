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
        Current.Value?.Add(
            $"{message.Request.Method} {message.Request.Uri.Host}:{message.Request.Uri.Port}{message.Request.Uri.Path}"
        );
    }

    /// <summary>The requests counted since the scope began (including nested scopes).</summary>
    public sealed class Scope(Scope? parent) : IDisposable
    {
        private readonly List<string> requests = [];

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
