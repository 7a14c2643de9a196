using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Devices;

/// <summary>
/// Throttles enrollment per source address and per enrollment secret, and counts refused secrets per source, in fixed
/// windows held in this instance's memory: a throttled or refused attempt costs no storage request, so an attacker
/// cannot turn the limiter into a write amplifier. Counters are per instance — with N instances the effective limit
/// is up to N times higher; the platform's rate limiting in front of the app (docs/api.md) is the global bound.
/// Memory is bounded: expired windows are dropped, and beyond <see cref="MaxTrackedKeys"/> keys the oldest go first.
/// </summary>
public sealed class EnrollmentThrottle(IOptions<EnrollmentOptions> options, TimeProvider clock)
{
    public const int MaxTrackedKeys = 50_000;

    public const string ForwardedFor = "X-Forwarded-For";

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count;
    }

    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    private TimeSpan Length => TimeSpan.FromSeconds(options.Value.ThrottleWindowSeconds);

    /// <summary>The caller's address as this app is configured to read it (<see cref="SourceOf"/>).</summary>
    public string? Source(HttpRequest request) => SourceOf(request, options.Value.ClientAddressHeader);

    /// <summary>Before anything else: 429 while the source has had too many refused secrets or attempts (an
    /// attempt is counted only when admitted). No source (the front end always sets one) skips this.</summary>
    public Problem? AdmitSource(string? source)
    {
        if (source is null)
            return null;
        var o = options.Value;
        return Exceeded("fail|" + source, o.MaxFailuresPerSource, count: false, "refused enrollment secrets")
            ?? Exceeded("src|" + source, o.MaxAttemptsPerSource, count: true, "enrollment attempts");
    }

    /// <summary>Counts an attempt with this enrollment secret (keyed by its hash, never the secret).</summary>
    public Problem? AdmitSecret(string secret) =>
        Exceeded(
            "sec|" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), 0, 16),
            options.Value.MaxAttemptsPerSecret,
            count: true,
            "enrollments with this enrollment secret"
        );

    /// <summary>A refused secret from this source.</summary>
    public void Failed(string? source)
    {
        if (source is not null)
            Hit("fail|" + source);
    }

    private Problem? Exceeded(string key, int limit, bool count, string what)
    {
        var now = clock.GetUtcNow();
        var window = Current(key, now);
        var over = count ? Interlocked.Increment(ref window.Count) > limit : Volatile.Read(ref window.Count) >= limit;
        if (!over)
            return null;
        var retryAfter = window.Start + Length - now;
        return Problem.TooManyRequests(
            $"Too many {what} in {options.Value.ThrottleWindowSeconds} s; retry after the Retry-After delay.",
            retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter
        );
    }

    private void Hit(string key) => Interlocked.Increment(ref Current(key, clock.GetUtcNow()).Count);

    private Window Current(string key, DateTimeOffset now)
    {
        var window = windows.AddOrUpdate(
            key,
            _ => new Window(now),
            (_, existing) => now - existing.Start >= Length ? new Window(now) : existing
        );
        if (windows.Count > MaxTrackedKeys)
            Prune(now);
        return window;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, window) in windows)
        {
            if (now - window.Start >= Length)
                windows.TryRemove(key, out _);
        }
        if (windows.Count <= MaxTrackedKeys)
            return;
        foreach (var (key, _) in windows.OrderBy(w => w.Value.Start).Take(windows.Count - MaxTrackedKeys / 2))
            windows.TryRemove(key, out _);
    }

    /// <summary>
    /// The caller's address: the last (right-most) entry of <c>X-Forwarded-For</c>, which the platform's front end
    /// appends from the connection it accepted — entries to its left come from the client and can be forged, so
    /// they are not used — without a port (<c>1.2.3.4:5678</c>, <c>[2001:db8::1]:5678</c>); else the connection's
    /// address. An IPv6 address counts per /64 (one subscriber's prefix). Null when neither is known. With
    /// <see cref="EnrollmentOptions.ClientAddressHeader"/> naming another header, that header (when present) names the
    /// address.
    /// </summary>
    public static string? SourceOf(HttpRequest request, string clientAddressHeader = ForwardedFor)
    {
        if (
            !clientAddressHeader.Equals(ForwardedFor, StringComparison.OrdinalIgnoreCase)
            && ParseAddress(request.Headers[clientAddressHeader].ToString().Trim()) is { } proxied
        )
        {
            return Bucket(proxied);
        }
        var forwarded = request.Headers[ForwardedFor].ToString();
        var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var address = last.Length > 0 ? ParseAddress(last[^1]) : null;
        address ??= request.HttpContext.Connection.RemoteIpAddress;
        return address is null ? null : Bucket(address);
    }

    public static IPAddress? ParseAddress(string text)
    {
        if (IPAddress.TryParse(text, out var plain))
            return plain;
        if (IPEndPoint.TryParse(text, out var endpoint))
            return endpoint.Address;
        return null;
    }

    public static string Bucket(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
