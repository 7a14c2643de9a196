using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace FunctionsHost.SampleApp;

public sealed class SampleFunctions(ILogger<SampleFunctions> logger)
{
    /// <summary>Function-level key; the route value arrives as a plain parameter.</summary>
    [Function(nameof(Hello))]
    public IActionResult Hello(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "hello/{name}")] HttpRequest request,
        string name
    ) => new OkObjectResult(new { greeting = $"Hello, {name}", query = request.Query["q"].ToString() });

    [Function(nameof(Echo))]
    public async Task<IActionResult> Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "echo")] HttpRequest request
    )
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        return new ContentResult
        {
            Content = body,
            ContentType = request.ContentType,
            StatusCode = 200,
        };
    }

    [Function(nameof(AdminOnly))]
    public IActionResult AdminOnly(
        [HttpTrigger(AuthorizationLevel.Admin, "get", Route = "secret")] HttpRequest request
    ) => new OkObjectResult("secret");

    [Function(nameof(Fail))]
    public IActionResult Fail([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "fail")] HttpRequest request) =>
        throw new InvalidOperationException("Sample failure");

    /// <summary>Writes what it was given to the timer log queue (an output binding the host performs).</summary>
    [Function(nameof(Tick))]
    [QueueOutput("%TIMER_LOG_QUEUE%")]
    public string Tick([TimerTrigger("%TICK_SCHEDULE%")] TimerInfo timer)
    {
        logger.LogInformation("Tick: past due {IsPastDue}", timer.IsPastDue);
        return JsonSerializer.Serialize(
            new
            {
                function = nameof(Tick),
                isPastDue = timer.IsPastDue,
                hasStatus = timer.ScheduleStatus is not null,
                next = timer.ScheduleStatus?.Next,
            }
        );
    }

    [Function(nameof(StartupTick))]
    [QueueOutput("%TIMER_LOG_QUEUE%")]
    public string StartupTick([TimerTrigger("0 0 0 1 1 *", RunOnStartup = true)] TimerInfo timer) =>
        JsonSerializer.Serialize(
            new
            {
                function = nameof(StartupTick),
                isPastDue = timer.IsPastDue,
                hasStatus = timer.ScheduleStatus is not null,
            }
        );

    /// <summary>String trigger with trigger metadata; "poison" always fails.</summary>
    [Function(nameof(Work))]
    [QueueOutput("%DONE_QUEUE%")]
    public string Work([QueueTrigger("%WORK_QUEUE%")] string message, string id, long dequeueCount)
    {
        if (message == "poison")
            throw new InvalidOperationException($"Cannot process '{message}' (delivery {dequeueCount}).");
        return $"work|{message}|{dequeueCount}|{id.Length > 0}";
    }

    /// <summary>SDK-type binding: the host sends the message as ModelBindingData.</summary>
    [Function(nameof(WorkMessage))]
    [QueueOutput("%DONE_QUEUE%")]
    public string WorkMessage([QueueTrigger("%MESSAGE_QUEUE%")] QueueMessage message) =>
        $"message|{message.MessageText}|{message.DequeueCount}|{message.MessageId.Length > 0}|"
        + $"{message.InsertedOn is not null}";

    /// <summary>A trigger the local host does not support: it must refuse to start with it.</summary>
    [Function(nameof(BlobWatcher))]
    public void BlobWatcher([BlobTrigger("samples/{name}")] string content, string name) =>
        logger.LogInformation("Blob {Name}", name);
}
