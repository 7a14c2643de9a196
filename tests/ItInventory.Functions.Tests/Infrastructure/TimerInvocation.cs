using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Tests.Infrastructure;

/// <summary>
/// The <see cref="TimerInfo"/> a timer-triggered function receives: the Functions host sends the WebJobs TimerInfo as
/// JSON (PascalCase, as tools/FunctionsHost/TimerTriggers.cs writes it too) and the worker deserialises it
/// case-insensitively. Invoking a timer function with this is invoking it as the worker does.
/// </summary>
public static class TimerInvocation
{
    private static readonly JsonSerializerOptions WorkerJson = new() { PropertyNameCaseInsensitive = true };

    /// <param name="now">When the timer fires (the app's clock).</param>
    /// <param name="period">The schedule's period: the last run was one period ago, the next is one on.</param>
    /// <param name="isPastDue">True when the host missed the scheduled time (e.g. the app was stopped).</param>
    public static TimerInfo Info(DateTimeOffset now, TimeSpan period, bool isPastDue = false)
    {
        static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);
        var json = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = Utc(now - period),
                ["Next"] = Utc(now + period),
                ["LastUpdated"] = Utc(now - period),
            },
            ["IsPastDue"] = isPastDue,
        }.ToJsonString();
        return JsonSerializer.Deserialize<TimerInfo>(json, WorkerJson)
            ?? throw new InvalidOperationException("The timer payload did not deserialise.");
    }
}
