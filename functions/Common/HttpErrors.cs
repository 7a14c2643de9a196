using System.Diagnostics;
using System.Net.Sockets;
using Azure;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Common;

/// <summary>
/// The one place an exception becomes an HTTP answer: a <see cref="ProblemException"/> is the problem it carries; a
/// dependency that cannot be reached (storage down, throttled or timing out after the bounded retries, the identity
/// provider unreachable) is a <c>503</c> with <c>Retry-After</c>; anything else is a <c>500</c> problem with the trace
/// id, logged once. Never a bare 500, never an exception message or type name in the answer.
/// </summary>
public static class HttpErrors
{
    /// <summary>What a client is told to wait after an outage answer.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(10);

    /// <summary>The answer for <paramref name="exception"/>; logs unexpected failures (outages as warnings).</summary>
    public static Problem ToProblem(Exception exception, string? traceId, ILogger logger)
    {
        switch (Unwrap(exception))
        {
            case ProblemException expected:
                return expected.Problem;
            case var outage when IsOutage(outage):
                logger.LogWarning(exception, "A dependency is unavailable; answered 503 (trace {TraceId})", traceId);
                return Problem.Unavailable(
                    "A service this request needs is unavailable for the moment; nothing was changed. Try again later.",
                    RetryAfter,
                    traceId
                );
            default:
                logger.LogError(exception, "Unhandled exception; answered 500 (trace {TraceId})", traceId);
                return Problem.Internal(traceId);
        }
    }

    /// <summary>The W3C trace id of the current request (the one Application Insights correlates on): the current
    /// activity's, else the one the Functions host passed in <paramref name="traceParent"/>, else the request's own
    /// identifier.</summary>
    public static string? TraceId(HttpContext? context, string? traceParent = null) =>
        Activity.Current?.TraceId.ToHexString()
        ?? (ActivityContext.TryParse(traceParent, null, out var parsed) ? parsed.TraceId.ToHexString() : null)
        ?? context?.TraceIdentifier;

    /// <summary>True for failures of a dependency rather than of the request or our code.</summary>
    public static bool IsOutage(Exception exception) =>
        exception switch
        {
            DependencyUnavailableException => true,
            RequestFailedException { Status: 0 or 408 or 429 or >= 500 } => true,
            HttpRequestException or SocketException or TimeoutException => true,
            // The SDK's own network timeout surfaces as a cancellation nobody asked for.
            OperationCanceledException => true,
            AggregateException aggregate => aggregate.InnerExceptions.Count > 0
                && aggregate.InnerExceptions.All(IsOutage),
            _ => exception.InnerException is { } inner && IsOutage(inner),
        };

    private static Exception Unwrap(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: 1 } single && single.InnerException is { } inner
            ? Unwrap(inner)
        : exception is System.Reflection.TargetInvocationException { InnerException: { } target } ? Unwrap(target)
        : exception;
}

/// <summary>A dependency other than storage (e.g. the identity provider's metadata) cannot be reached: answered as an
/// outage (503), not as a fault of ours.</summary>
public sealed class DependencyUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Worker middleware for HTTP-triggered functions: turns what a function throws into its problem+json answer (see
/// <see cref="HttpErrors"/>). It runs inside the ASP.NET Core integration's own middleware, which then executes the
/// result like any returned <c>IActionResult</c>. A request the client aborted is not answered.
/// </summary>
public sealed class HttpErrorMiddleware(ILogger<HttpErrorMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (context.GetHttpContext() is { } http && !http.RequestAborted.IsCancellationRequested)
        {
            var traceId = HttpErrors.TraceId(http, context.TraceContext?.TraceParent);
            var problem = HttpErrors.ToProblem(ex, traceId, logger);
            if (http.Response.HasStarted)
            {
                logger.LogWarning("Could not answer {Status}: the response had already started", problem.Status);
                return;
            }
            http.Response.Clear();
            context.GetInvocationResult().Value = new ProblemResult(problem);
        }
    }

    /// <summary>Whether a function is HTTP-triggered (the middleware runs for those only).</summary>
    public static bool Applies(FunctionContext context) =>
        context.FunctionDefinition.InputBindings.Values.Any(b =>
            b.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase)
        );
}
