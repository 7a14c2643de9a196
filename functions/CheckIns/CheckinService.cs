using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.CheckIns;

/// <summary>A check-in read off the wire and checked against the contract: <see cref="Request"/> holds its values
/// as cleaned (see <see cref="CheckinValidator"/>), <see cref="Warnings"/> what was cleaned or dropped.
/// <see cref="Payload"/> is the body as received, or null for a request built in code (an agent format mapped onto
/// the contract, licence keys protected): then the intake serialises <see cref="Request"/> if it stores it at all,
/// which an unchanged inventory does not.</summary>
public sealed record ReceivedCheckin(
    CheckinRequest Request,
    JsonPayload? Payload,
    IReadOnlyDictionary<string, string[]>? Warnings = null
);

/// <summary>Reads check-ins and hands each kind to its handler.</summary>
public sealed class CheckinService(
    HeartbeatService heartbeats,
    InventoryIntakeService intake,
    IOptions<CheckinOptions> options,
    LicenceKeyProtector licenceKeys
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
        var read = CheckinValidator.Read(payload.Value.Json.Span);
        if (read.Failed)
            return read.Problem;
        return new ReceivedCheckin(read.Value.Request, payload.Value, read.Value.Warnings);
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
            return recorded.Failed
                ? recorded.Problem
                : (StatusCodes.Status200OK, recorded.Value with { Warnings = checkin.Warnings });
        }
        // Licence keys are masked and hashed before anything is written (the claim-check blob included).
        checkin = licenceKeys.Protect(checkin);
        var accepted = await intake.AcceptAsync(device, checkin, cancellationToken);
        return (
            accepted.CheckinId is null ? StatusCodes.Status200OK : StatusCodes.Status202Accepted,
            accepted with
            {
                Warnings = checkin.Warnings,
            }
        );
    }
}
