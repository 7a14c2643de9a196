using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace FunctionsHost;

/// <summary>
/// How the host's own storage calls (timer schedule status, queue polling, output bindings) behave while storage
/// cannot be reached: bounded retries, and one short console line per problem instead of an SDK dump per call.
/// </summary>
internal static partial class StorageProblems
{
    /// <summary>
    /// Retries for the host's own storage clients: a few quick tries, then the caller decides (a poller backs off, a
    /// timer runs without its status). The SDK default of 6 tries with back-off takes ≈25 s per call.
    /// </summary>
    public static T Bounded<T>(T options)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    /// <summary>True for a failure of storage itself (unreachable, timing out, refusing), not of our request.</summary>
    public static bool IsStorageFailure(Exception exception, CancellationToken cancellationToken) =>
        exception switch
        {
            RequestFailedException or HttpRequestException or IOException or TimeoutException => true,
            // The SDK's network timeout surfaces as a cancellation nobody asked for.
            OperationCanceledException => !cancellationToken.IsCancellationRequested,
            AggregateException aggregate => aggregate.InnerExceptions.All(e => IsStorageFailure(e, cancellationToken)),
            _ => false,
        };

    /// <summary>
    /// The cause in one line: the SDK's "Retry failed after N tries ... (Connection refused) (Connection refused)"
    /// becomes "Connection refused (127.0.0.1:10000)"; a service error keeps its first line.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var cause = exception;
        while (cause is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            cause = aggregate.InnerExceptions[^1];
        }
        return FirstLine(cause.Message);
    }

    /// <summary>
    /// The first line of an error text, with the Azure SDK's retry boilerplate cut down to the last try's cause:
    /// "Retry failed after 3 tries. Retry settings can be adjusted ... (A) (A) (A)" becomes
    /// "Retry failed after 3 tries: A". The worker sends exceptions as their whole ToString(), stack and all.
    /// </summary>
    public static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        if (RetryBoilerplate().Match(line) is { Success: true } retry)
        {
            line = $"{retry.Groups["head"].Value}: {LastGroup(retry.Groups["causes"].Value.Trim())}";
        }
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    /// <summary>"(A (x)) (B (y))" → "B (y)": the last parenthesised group, nesting respected.</summary>
    private static string LastGroup(string causes)
    {
        if (!causes.EndsWith(')'))
            return causes;
        var depth = 0;
        for (var i = causes.Length - 1; i >= 0; i--)
        {
            if (causes[i] == ')')
                depth++;
            else if (causes[i] == '(' && --depth == 0)
                return causes[(i + 1)..^1];
        }
        return causes;
    }

    [GeneratedRegex(
        @"^(?<head>.*Retry failed after \d+ tries)\. Retry settings can be adjusted in "
            + @"ClientOptions\.Retry or by configuring a custom retry policy in "
            + @"ClientOptions\.RetryPolicy\.(?<causes>.*)$"
    )]
    private static partial Regex RetryBoilerplate();
}

/// <summary>
/// One warning when a storage-backed activity starts failing, nothing while it keeps failing (debug output only), one
/// line when it works again.
/// </summary>
internal sealed class OutageNotice(string what, string consequence)
{
    private int failing;

    public void Failed(Exception exception)
    {
        if (Interlocked.Exchange(ref failing, 1) == 0)
        {
            HostConsole.Warn($"{what}: storage is unavailable ({StorageProblems.Describe(exception)}); {consequence}.");
        }
        else
        {
            HostConsole.Debug($"{what}: still failing ({StorageProblems.Describe(exception)}).");
        }
    }

    public void Succeeded()
    {
        if (Interlocked.Exchange(ref failing, 0) == 1)
            HostConsole.Info($"{what}: storage answers again.");
    }
}
