namespace ItInventory.Functions.Devices;

/// <summary>The body of <c>POST /api/devices/enroll</c>.</summary>
public sealed partial record EnrollmentRequest
{
    public string? EnrollmentSecret { get; init; }
    public string? Hostname { get; init; }
    public string? SerialNumber { get; init; }
    public string? SmbiosUuid { get; init; }
    public IReadOnlyList<string>? MacAddresses { get; init; }

    /// <summary>Platform identities (schema 1.1), see <see cref="CheckIns.PlatformIdentityData"/>.</summary>
    public CheckIns.PlatformIdentityData? PlatformIdentities { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }

    /// <summary>Asset type wire name, e.g. <c>laptop</c> (see the check-in schema).</summary>
    public string? Type { get; init; }
    public CheckIns.AgentInfo? Agent { get; init; }
}

/// <summary>The answer to a successful enrollment. <see cref="DeviceSecret"/> is shown once and never again.</summary>
public sealed partial record EnrollmentResponse
{
    public required string DeviceId { get; init; }
    public required string DeviceSecret { get; init; }

    /// <summary>The ready-made <c>Authorization</c> header value for check-ins.</summary>
    public required string Authorization { get; init; }

    /// <summary><c>created</c> for a new asset, <c>re-enrolled</c> when the hardware identity matched an existing
    /// one.</summary>
    public required string Status { get; init; }
    public required string State { get; init; }
    public required bool NeedsReview { get; init; }
    public required int NextCheckinSeconds { get; init; }

    /// <summary>Always true after enrollment: the server wants a first full inventory.</summary>
    public bool FullInventoryRequested { get; init; } = true;
}
