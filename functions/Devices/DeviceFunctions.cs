using ItInventory.Functions.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Devices;

/// <summary>Device enrollment: an enrollment secret and a hardware identity buy a per-device credential.</summary>
public sealed class DeviceFunctions(EnrollmentService enrollment, EnrollmentThrottle throttle)
{
    /// <summary>Enrollment requests are small; anything bigger is refused before parsing.</summary>
    private const int MaxEnrollmentBytes = 64 * 1024;

    [Function(nameof(EnrollDevice))]
    public async Task<IActionResult> EnrollDevice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "devices/enroll")] HttpRequest request,
        CancellationToken cancellationToken
    )
    {
        var parsed = await JsonBody
            .ReadObjectAsync(request, MaxEnrollmentBytes, ApiJsonContext.Default.EnrollmentRequest, cancellationToken)
            .OrThrow();

        var enrolled = await enrollment.EnrollAsync(parsed, throttle.Source(request), cancellationToken).OrThrow();
        return new JsonBodyResult<EnrollmentResponse>(
            enrolled.Status == "created" ? StatusCodes.Status201Created : StatusCodes.Status200OK,
            enrolled,
            ApiJsonContext.Default.EnrollmentResponse
        );
    }
}
