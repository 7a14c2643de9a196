namespace ItInventory.Agent.Net;

/// <summary>
/// Exponential back-off with full jitter (a uniformly random wait between 0 and min(cap, base·2^attempt)): after an
/// outage the fleet's retries spread over the whole window instead of arriving together. A server's Retry-After is
/// a floor. Pure: the random source is passed in.
/// </summary>
public static class Backoff
{
    public static readonly TimeSpan Base = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Cap = TimeSpan.FromHours(1);

    /// <param name="failures">Consecutive failures so far, 1 for the first.</param>
    public static TimeSpan Delay(int failures, TimeSpan? retryAfter, Random random, TimeSpan? baseDelay = null)
    {
        var unit = baseDelay ?? Base;
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var ceiling = Math.Min(Cap.TotalSeconds, unit.TotalSeconds * Math.Pow(2, exponent));
        var wait = TimeSpan.FromSeconds(random.NextDouble() * ceiling);
        if (retryAfter is { } floor && wait < floor)
            wait = floor + TimeSpan.FromSeconds(random.NextDouble() * Math.Min(floor.TotalSeconds, unit.TotalSeconds));
        return wait;
    }

    /// <summary>The regular interval with ±10 % jitter, so devices enrolled together drift apart.</summary>
    public static TimeSpan Interval(int seconds, Random random) =>
        TimeSpan.FromSeconds(Math.Max(60, seconds) * (0.9 + 0.2 * random.NextDouble()));
}
