using System.Text.Json;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.CheckIns;

/// <summary>Device check-ins: the HTTP endpoint and the queue-triggered processor of full inventories.</summary>
public sealed class CheckinFunctions(
    DeviceAuthenticator authenticator,
    CheckinService checkins,
    InventoryProcessor processor,
    PoisonReplayService poison,
    CallerAuthenticator callers,
    AccessPolicy policy,
    ILogger<CheckinFunctions> logger
)
{
    [Function(nameof(PostCheckin))]
    public async Task<IActionResult> PostCheckin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "checkins")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        using var storage = StorageRequestMetrics.Measure(CheckinOperations.Refused);
        var device = await authenticator.AuthenticateAsync(request.Headers.Authorization, cancellationToken).OrThrow();

        var checkin = await checkins.ReadAsync(request, cancellationToken).OrThrow();

        var handled = await checkins.HandleAsync(device, checkin, cancellationToken).OrThrow();
        storage.Name = CheckinOperations.Of(checkin.Request.Kind, handled.Status);
        return new JsonBodyResult<CheckinResponse>(
            handled.Status,
            handled.Response,
            ApiJsonContext.Default.CheckinResponse
        );
    }

    [Function(nameof(ProcessCheckin))]
    public async Task ProcessCheckin(
        [QueueTrigger("%" + AppSettingNames.CheckinQueue + "%", Connection = AppSettingNames.StorageConnection)]
            QueueMessage message,
        CancellationToken cancellationToken
    )
    {
        CheckinMessage? checkin;
        try
        {
            checkin = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage);
        }
        catch (JsonException ex)
        {
            throw new CheckinProcessingException($"Queue message {message.MessageId} is not a check-in message.", ex);
        }
        if (checkin is null)
            throw new CheckinProcessingException($"Queue message {message.MessageId} is empty.");

        using var storage = StorageRequestMetrics.Measure(CheckinOperations.ProcessingFailed);
        var outcome = await processor.ProcessAsync(checkin, cancellationToken);
        storage.Name = CheckinOperations.Processed;
        logger.LogInformation(
            "Check-in {CheckinId} of {DeviceId}: {Outcome} (delivery {DequeueCount})",
            checkin.CheckinId,
            checkin.DeviceId,
            outcome,
            message.DequeueCount
        );
    }

    /// <summary>Puts poisoned check-ins back on the queue (management API: Inventory.Admin with MFA).</summary>
    [Function(nameof(ReplayPoisonCheckins))]
    public async Task<IActionResult> ReplayPoisonCheckins(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "checkins/poison/replay")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var caller = await callers.AuthorizeAsync(request, policy.Administer).OrThrow();
        var max = PoisonReplayService.MaxPerCall;
        if (
            request.Query.TryGetValue("max", out var value)
            && (!int.TryParse(value, out max) || max is < 1 or > PoisonReplayService.MaxPerCall)
        )
        {
            throw new ProblemException(
                Problem.BadRequest($"'max' must be a whole number from 1 to {PoisonReplayService.MaxPerCall}.")
            );
        }
        var replayed = await poison.ReplayAsync(
            max,
            caller.AuditActor,
            request.HttpContext.TraceIdentifier,
            cancellationToken
        );
        return new JsonBodyResult<PoisonReplayResponse>(
            StatusCodes.Status200OK,
            replayed,
            ApiJsonContext.Default.PoisonReplayResponse
        );
    }
}
