using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.CheckIns;

/// <summary>A check-in read off the wire and checked against the contract.</summary>
public sealed record ReceivedCheckin(CheckinRequest Request, JsonPayload Payload);

/// <summary>Reads check-ins and hands each kind to its handler.</summary>
public sealed class CheckinService(
    HeartbeatService heartbeats,
    InventoryIntakeService intake,
    IOptions<CheckinOptions> options
)
{
    /// <summary>Reads and validates the body: size caps, gzip, strict JSON, the contract's rules.</summary>
    public async Task<Outcome<ReceivedCheckin>> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var payload = await JsonBody.ReadAsync(
            request,
            options.Value.MaxRequestBytes,
            options.Value.MaxDecompressedBytes,
            cancellationToken
        );
        if (payload.Failed)
            return payload.Problem;
        var parsed = JsonBody.Deserialize(payload.Value.Json.Span, ApiJsonContext.Default.CheckinRequest);
        if (parsed.Failed)
            return parsed.Problem;
        if (CheckinValidator.Validate(parsed.Value) is { } invalid)
            return invalid;
        return new ReceivedCheckin(parsed.Value, payload.Value);
    }

    /// <summary>Handles a check-in of an authenticated device; the status is 200, or 202 for a queued
    /// inventory.</summary>
    public async Task<Outcome<(int Status, CheckinResponse Response)>> HandleAsync(
        AssetSummaryEntity device,
        ReceivedCheckin checkin,
        CancellationToken cancellationToken
    )
    {
        if (checkin.Request.DeviceId != device.RowKey)
        {
            return Problem.Forbidden(
                "The check-in names another device than the credential; a device may only check in for itself."
            );
        }
        if (checkin.Request.Kind == CheckinKinds.Heartbeat)
        {
            var recorded = await heartbeats.RecordAsync(device, checkin.Request, cancellationToken);
            return recorded.Failed ? recorded.Problem : (StatusCodes.Status200OK, recorded.Value);
        }
        var accepted = await intake.AcceptAsync(device, checkin.Request.Inventory!, checkin.Payload, cancellationToken);
        return (accepted.CheckinId is null ? StatusCodes.Status200OK : StatusCodes.Status202Accepted, accepted);
    }
}
