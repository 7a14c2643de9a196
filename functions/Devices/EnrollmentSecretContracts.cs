namespace ItInventory.Functions.Devices;

// Pure contracts of the enrollment secret and device credential API (the console links this file).

/// <summary>An enrollment secret as the API lists it: never the secret itself. <see cref="Id"/> is the secret's
/// SHA-256.</summary>
public sealed partial record EnrollmentSecretView(
    string Id,
    string? Label,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    bool Revoked,
    string? DefaultDepartment,
    string? DefaultCategory,
    string? DefaultLocation,
    bool AllocateTag
);

/// <summary>The answer to creating an enrollment secret: the only time <see cref="Secret"/> is shown.</summary>
public sealed record CreatedEnrollmentSecret(string Secret, EnrollmentSecretView Details);

/// <summary>The body of <c>POST /api/enrollment-secrets</c>: the defaults apply to assets created by enrolling with the
/// secret (category and location must be active taxonomy entries; <see cref="AllocateTag"/> gives them an asset tag at
/// once).</summary>
public sealed record CreateEnrollmentSecretRequest(
    string? Label,
    DateTimeOffset? ExpiresAt,
    string? DefaultDepartment,
    string? DefaultCategory = null,
    string? DefaultLocation = null,
    bool AllocateTag = false
);

/// <summary>The answer of <c>GET /api/enrollment-secrets</c>.</summary>
public sealed record EnrollmentSecretList(IReadOnlyList<EnrollmentSecretView> Items);

/// <summary>The body of <c>POST /api/devices/{deviceId}/revoke</c>.</summary>
public sealed record RevokeDeviceRequest(bool BlockReenrollment);
