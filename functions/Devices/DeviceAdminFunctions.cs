using ItInventory.Functions.Assets;
using ItInventory.Functions.Common;
using ItInventory.Functions.Management.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Devices;

/// <summary>Management API: device credentials and server-to-device requests (admins, with MFA).</summary>
public sealed class DeviceAdminFunctions(
    CallerAuthenticator authenticator,
    AccessPolicy policy,
    DeviceCredentialService credentials,
    CredentialRotation rotation
)
{
    private const int MaxBodyBytes = 4 * 1024;

    [Function(nameof(RevokeDevice))]
    public async Task<IActionResult> RevokeDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{deviceId}/revoke")] HttpRequest request,
        string deviceId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        var block = false;
        if (request.ContentLength is > 0)
        {
            var parsed = await JsonBody
                .ReadObjectAsync(request, MaxBodyBytes, ApiJsonContext.Default.RevokeDeviceRequest, cancellationToken)
                .OrThrow();
            block = parsed.BlockReenrollment;
        }

        return
            Storage.TableKeys.IsAssetId(deviceId)
            && await credentials.RevokeAsync(
                deviceId,
                block,
                caller.AuditActor,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            ? new StatusCodeResult(StatusCodes.Status204NoContent)
            : throw new ProblemException(Problem.NotFound($"There is no device '{deviceId}'."));
    }

    [Function(nameof(RequestFullInventory))]
    public async Task<IActionResult> RequestFullInventory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{deviceId}/inventory-request")]
            HttpRequest request,
        string deviceId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        return
            Storage.TableKeys.IsAssetId(deviceId)
            && await credentials.RequestFullInventoryAsync(
                deviceId,
                caller.AuditActor,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            ? new StatusCodeResult(StatusCodes.Status202Accepted)
            : throw new ProblemException(Problem.NotFound($"There is no device '{deviceId}'."));
    }

    /// <summary>Marks the device for credential rotation: its next check-in's answer carries a new secret
    /// (202).</summary>
    [Function(nameof(RotateDeviceCredential))]
    public async Task<IActionResult> RotateDeviceCredential(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/{deviceId}/credential/rotate")]
            HttpRequest request,
        string deviceId,
        CancellationToken cancellationToken
    )
    {
        var caller = await authenticator.AuthorizeAsync(request, policy.Administer).OrThrow();

        return
            Storage.TableKeys.IsAssetId(deviceId)
            && await rotation.RequestAsync(
                deviceId,
                caller.AuditActor,
                request.HttpContext.TraceIdentifier,
                cancellationToken
            )
            ? new StatusCodeResult(StatusCodes.Status202Accepted)
            : throw new ProblemException(Problem.NotFound($"There is no device '{deviceId}'."));
    }
}
