using ItInventory.Functions.Audit;

namespace ItInventory.Functions.Lifecycle;

/// <summary>
/// Something that must let go of an asset while it is decommissioned, after its data has been sanitised and before
/// its disposal (e.g. licence seats held by the device). Every registered step runs once per decommissioning; what it
/// did is written on the decommissioning record and the sanitisation certificate. Steps are idempotent: running one
/// again for the same asset releases nothing twice.
/// </summary>
public interface IDecommissioningStep
{
    /// <summary>Short name shown on the record, e.g. <c>licence-reclamation</c>.</summary>
    string Name { get; }

    Task<DecommissioningStepResult> RunAsync(
        string assetId,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    );
}
