using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Storage.Blobs;
using FunctionsHost.Rpc;
using NCrontab;

namespace FunctionsHost;

/// <summary>A timer schedule: a 6-field NCRONTAB expression (with seconds) or a constant interval (hh:mm:ss).</summary>
internal sealed class TimerSchedule
{
    private readonly CrontabSchedule? cron;
    private readonly TimeSpan? interval;
    private readonly TimeZoneInfo zone;

    private TimerSchedule(string text, CrontabSchedule? cron, TimeSpan? interval, TimeZoneInfo zone)
    {
        Text = text;
        this.cron = cron;
        this.interval = interval;
        this.zone = zone;
    }

    public string Text { get; }

    public static TimerSchedule Parse(string expression, string function, TimeZoneInfo zone)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 6)
        {
            var parsed = CrontabSchedule.TryParse(
                expression,
                new CrontabSchedule.ParseOptions { IncludingSeconds = true }
            );
            if (parsed is not null)
                return new TimerSchedule(expression, parsed, null, zone);
        }
        else if (
            fields.Length == 1
            && TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var span)
            && span > TimeSpan.Zero
        )
        {
            return new TimerSchedule(expression, null, span, zone);
        }
        throw new HostStartupException(
            $"Function '{function}': '{expression}' is not a valid timer schedule. Use a 6-field NCRONTAB expression "
                + "'{second} {minute} {hour} {day} {month} {day-of-week}' (e.g. '0 */5 * * * *') or an interval "
                + "'hh:mm:ss'."
        );
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in UTC.</summary>
    public DateTime Next(DateTime after)
    {
        if (interval is { } i)
            return after + i;
        var local = TimeZoneInfo.ConvertTimeFromUtc(after, zone);
        var next = cron!.GetNextOccurrence(local);
        while (zone.IsInvalidTime(next))
            next = cron.GetNextOccurrence(next);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(next, DateTimeKind.Unspecified), zone);
    }

    /// <summary>Shortest gap between two occurrences (sampled), to decide the monitor default as the real host
    /// does.</summary>
    public TimeSpan MinimumInterval(DateTime from)
    {
        var min = TimeSpan.MaxValue;
        var a = Next(from);
        for (var i = 0; i < 5; i++)
        {
            var b = Next(a);
            if (b - a < min)
                min = b - a;
            a = b;
        }
        return min;
    }
}

/// <summary>Last/Next/LastUpdated of a timer, kept where the real host keeps it (the azure-webjobs-hosts container)
/// when storage allows.</summary>
internal sealed record ScheduleStatus(DateTime Last, DateTime Next, DateTime LastUpdated);

/// <summary>A read of a schedule status: the status (null when there is none yet), or storage was
/// unavailable.</summary>
internal readonly record struct StatusRead(ScheduleStatus? Status, bool Available);

internal sealed class ScheduleStatusStore(BlobContainerClient? container, string hostId)
{
    private readonly Dictionary<string, ScheduleStatus> memory = [];
    private readonly OutageNotice outage = new(
        "Timer schedule status",
        "timers run on their schedules without it (no past-due runs) until it answers"
    );
    private volatile bool created;

    public static ScheduleStatusStore Create(string? connectionString, string hostId)
    {
        if (string.IsNullOrEmpty(connectionString))
            return new ScheduleStatusStore(null, hostId);
        try
        {
            var options = StorageProblems.Bounded(new BlobClientOptions());
            return new ScheduleStatusStore(
                new BlobContainerClient(connectionString, "azure-webjobs-hosts", options),
                hostId
            );
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            HostConsole.Warn(
                "Timer schedule status is kept in memory only: AzureWebJobsStorage is not a usable "
                    + $"connection string ({ex.Message})."
            );
            return new ScheduleStatusStore(null, hostId);
        }
    }

    private string BlobName(string function) => $"timers/{hostId}/{function}/status";

    public async Task<StatusRead> GetAsync(string function, CancellationToken cancellationToken)
    {
        if (container is null)
        {
            lock (memory)
                return new StatusRead(memory.GetValueOrDefault(function), Available: true);
        }
        try
        {
            var content = await container.GetBlobClient(BlobName(function)).DownloadContentAsync(cancellationToken);
            outage.Succeeded();
            return new StatusRead(
                JsonSerializer.Deserialize<ScheduleStatus>(content.Value.Content.ToString()) is { } s
                    ? new ScheduleStatus(Utc(s.Last), Utc(s.Next), Utc(s.LastUpdated))
                    : null,
                Available: true
            );
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            outage.Succeeded();
            return new StatusRead(null, Available: true);
        }
        catch (JsonException ex)
        {
            HostConsole.Warn($"The schedule status of '{function}' is not readable ({ex.Message}); starting afresh.");
            return new StatusRead(null, Available: true);
        }
        catch (Exception ex) when (StorageProblems.IsStorageFailure(ex, cancellationToken))
        {
            outage.Failed(ex);
            return new StatusRead(null, Available: false);
        }
    }

    /// <summary>Dates written with an offset come back as local times: compare everything in UTC.</summary>
    private static DateTime Utc(DateTime value) =>
        value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };

    public async Task SetAsync(string function, ScheduleStatus status, CancellationToken cancellationToken)
    {
        if (container is null)
        {
            lock (memory)
                memory[function] = status;
            return;
        }
        try
        {
            if (!created)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                created = true;
            }
            await container
                .GetBlobClient(BlobName(function))
                .UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, cancellationToken);
            outage.Succeeded();
        }
        catch (Exception ex) when (StorageProblems.IsStorageFailure(ex, cancellationToken))
        {
            outage.Failed(ex);
        }
    }
}

/// <summary>Runs timer-triggered functions on their schedules (plus RunOnStartup and past-due runs).</summary>
internal sealed class TimerTriggers(WorkerChannel channel, ScheduleStatusStore statusStore, TimeProvider clock)
{
    private readonly List<(
        FunctionDescriptor Function,
        TimerSchedule Schedule,
        bool RunOnStartup,
        bool UseMonitor
    )> timers = [];

    /// <summary>Per timer: done once its start-up status read (and first write) is over.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task> statusReady = new();

    public IEnumerable<(string Function, string Description)> Describe()
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return timers.Select(t =>
            (
                t.Function.Name,
                $"timerTrigger (schedule '{t.Schedule.Text}', next {t.Schedule.Next(now):yyyy-MM-dd HH:mm:ss}Z"
                    + $"{(t.RunOnStartup ? ", runs on startup" : "")})"
            )
        );
    }

    public void Add(FunctionDescriptor function, AppSettings settings)
    {
        var trigger = function.Trigger;
        var expression = settings.Resolve(
            trigger.String("schedule")
                ?? throw new HostStartupException($"Function '{function.Name}': the timer trigger has no schedule."),
            $"Function '{function.Name}'"
        );
        var zone = TimeZoneInfo.Local;
        if (settings.Get("WEBSITE_TIME_ZONE") is { Length: > 0 } tz)
        {
            try
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(tz);
            }
            catch (TimeZoneNotFoundException)
            {
                throw new HostStartupException($"WEBSITE_TIME_ZONE '{tz}' is not a known time zone.");
            }
        }
        var schedule = TimerSchedule.Parse(expression, function.Name, zone);
        // As the real host: the monitor is on unless turned off, except for schedules more frequent than once a minute.
        var useMonitor = HostJson.Child(trigger.Json, "useMonitor") is null
            ? schedule.MinimumInterval(clock.GetUtcNow().UtcDateTime) >= TimeSpan.FromMinutes(1)
            : trigger.Bool("useMonitor");
        timers.Add((function, schedule, trigger.Bool("runOnStartup"), useMonitor));
    }

    /// <summary>
    /// Starts the timers in the background and returns at once: each reads (or first writes) its schedule status,
    /// then runs a past-due or RunOnStartup run, then its schedule. Storage being slow or down never holds up the
    /// host's start-up; a timer whose status cannot be read runs on its schedule without one.
    /// </summary>
    public IReadOnlyList<Task> Start(CancellationToken stopping)
    {
        var running = new List<Task>();
        foreach (var (function, schedule, runOnStartup, useMonitor) in timers)
        {
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            statusReady[function.Name] = ready.Task;
            running.Add(
                Task.Run(
                    () => RunAsync(function, schedule, runOnStartup, useMonitor, ready, stopping),
                    CancellationToken.None
                )
            );
        }
        return running;
    }

    /// <summary>Runs a timer function now (admin API): not past due, with the current schedule status.</summary>
    public async Task<InvocationOutcome> InvokeNowAsync(
        FunctionDescriptor function,
        CancellationToken cancellationToken
    )
    {
        // The status the timer's start wrote, not a race with it.
        if (statusReady.TryGetValue(function.Name, out var ready))
            await ready.WaitAsync(cancellationToken);
        var status = (await statusStore.GetAsync(function.Name, cancellationToken)).Status;
        return await InvokeAsync(
            function,
            status,
            isPastDue: false,
            "This function was programmatically called via the host APIs.",
            cancellationToken
        );
    }

    private async Task RunAsync(
        FunctionDescriptor function,
        TimerSchedule schedule,
        bool runOnStartup,
        bool useMonitor,
        TaskCompletionSource ready,
        CancellationToken stopping
    )
    {
        try
        {
            ScheduleStatus? status = null;
            var pastDue = false;
            if (useMonitor)
            {
                var read = await statusStore.GetAsync(function.Name, stopping);
                status = read.Status;
                pastDue = status is not null && status.Next < clock.GetUtcNow().UtcDateTime;
                // Unavailable: write nothing now, so a status that is there is not overwritten when storage returns.
                if (status is null && read.Available)
                {
                    status = await SaveAsync(function, schedule, null, useMonitor, stopping);
                }
            }
            ready.TrySetResult();

            var now = clock.GetUtcNow().UtcDateTime;
            if (pastDue)
            {
                // A run was missed while the host was down.
                await InvokeAsync(
                    function,
                    status,
                    isPastDue: true,
                    $"Timer fired at {now:o} (past due: the schedule expected a run at {status!.Next:o})",
                    stopping
                );
                status = await SaveAsync(function, schedule, now, useMonitor, stopping);
            }
            else if (runOnStartup)
            {
                await InvokeAsync(
                    function,
                    status,
                    isPastDue: false,
                    "Timer fired on startup (RunOnStartup)",
                    stopping
                );
            }

            var next = schedule.Next(clock.GetUtcNow().UtcDateTime);
            while (!stopping.IsCancellationRequested)
            {
                // Task.Delay takes at most ~49 days: wait in steps for rare schedules.
                for (
                    var delay = next - clock.GetUtcNow().UtcDateTime;
                    delay > TimeSpan.Zero;
                    delay = next - clock.GetUtcNow().UtcDateTime
                )
                {
                    await Task.Delay(delay < TimeSpan.FromDays(1) ? delay : TimeSpan.FromDays(1), clock, stopping);
                }
                await InvokeAsync(
                    function,
                    status,
                    isPastDue: false,
                    $"Timer fired at {clock.GetUtcNow().UtcDateTime:o}",
                    stopping
                );
                status = await SaveAsync(function, schedule, next, useMonitor, stopping);
                next = schedule.Next(next > clock.GetUtcNow().UtcDateTime ? next : clock.GetUtcNow().UtcDateTime);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        finally
        {
            ready.TrySetResult();
        }
    }

    private async Task<ScheduleStatus?> SaveAsync(
        FunctionDescriptor function,
        TimerSchedule schedule,
        DateTime? last,
        bool useMonitor,
        CancellationToken cancellationToken
    )
    {
        // Without the schedule monitor the real host passes no ScheduleStatus at all.
        if (!useMonitor)
            return null;
        var now = clock.GetUtcNow().UtcDateTime;
        var status = new ScheduleStatus(last ?? default, schedule.Next(now), now);
        await statusStore.SetAsync(function.Name, status, cancellationToken);
        return status;
    }

    private Task<InvocationOutcome> InvokeAsync(
        FunctionDescriptor function,
        ScheduleStatus? status,
        bool isPastDue,
        string reason,
        CancellationToken cancellationToken
    )
    {
        // The WebJobs TimerInfo as the real host serialises it; the worker reads it case-insensitively.
        var timerInfo = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = status is null
                ? null
                : new JsonObject
                {
                    ["Last"] = Iso(status.Last),
                    ["Next"] = Iso(status.Next),
                    ["LastUpdated"] = Iso(status.LastUpdated),
                },
            ["IsPastDue"] = isPastDue,
        };
        var request = new InvocationRequest { InvocationId = Guid.NewGuid().ToString() };
        request.InputData.Add(
            new ParameterBinding
            {
                Name = function.Trigger.Name,
                Data = new TypedData { Json = timerInfo.ToJsonString() },
            }
        );
        request.TriggerMetadata["TimerTrigger"] = new TypedData
        {
            String = clock.GetUtcNow().ToString("o", CultureInfo.InvariantCulture),
        };
        return channel.InvokeAsync(function, request, reason, cancellationToken);
    }

    private static string Iso(DateTime value) =>
        DateTime
            .SpecifyKind(value, DateTimeKind.Utc)
            .ToString("yyyy-MM-ddTHH:mm:ss.fffffffK", CultureInfo.InvariantCulture);
}
