namespace FunctionsHost.Tests.Infrastructure;

/// <summary>Polls for a condition with a deadline: the tests wait for work done by the host, never by sleeping a
/// guess.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> ReturnsAsync<T>(
        Func<Task<T?>> probe,
        string what,
        TimeSpan? timeout = null,
        Func<string>? diagnostics = null
    )
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var value = await probe();
            if (value is not null && (value is not bool b || b))
                return value;
            if (DateTime.UtcNow > deadline)
            {
                var details = diagnostics is null ? "" : Environment.NewLine + diagnostics();
                throw new TimeoutException($"Timed out waiting for {what}.{details}");
            }
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }
}
