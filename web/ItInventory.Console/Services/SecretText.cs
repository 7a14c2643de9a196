using ItInventory.Functions.Devices;

namespace ItInventory.Console.Services;

/// <summary>The Enrollment secrets page's words and requests (pure code).</summary>
public static class SecretText
{
    public static string Status(EnrollmentSecretView secret, DateTimeOffset now) =>
        secret.Revoked ? "Revoked"
        : secret.ExpiresAt <= now ? "Expired"
        : "Valid";

    /// <summary>A secret chosen to expire "on" a day stays valid through that day (UTC).</summary>
    public static DateTimeOffset? EndOfDay(DateOnly? day) =>
        day is { } d ? new DateTimeOffset(d.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero) : null;

    /// <summary>The successor of a secret being rotated: the same label, expiry and defaults.</summary>
    public static CreateEnrollmentSecretRequest Successor(EnrollmentSecretView secret) =>
        new(
            secret.Label,
            secret.ExpiresAt,
            secret.DefaultDepartment,
            secret.DefaultCategory,
            secret.DefaultLocation,
            secret.AllocateTag
        );
}
