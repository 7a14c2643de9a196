using ItInventory.Functions.Audit;
using ItInventory.Functions.Common;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ItInventory.Functions.Licences;

/// <summary>Scheduled licence jobs. Schedules are NCRONTAB app settings
/// (<see cref="AppSettingNames.LicenceComplianceSchedule"/>, <see cref="AppSettingNames.LicenceReclaimSchedule"/>).
/// </summary>
public sealed class LicenceTimers(
    LicenceComplianceService compliance,
    LicenceReclamationService reclamation,
    ILogger<LicenceTimers> logger
)
{
    public const string ReclamationActor = "licence-reclamation";

    /// <summary>Scans every software row once and writes each product's compliance snapshot.</summary>
    [Function(nameof(LicenceComplianceScan))]
    public async Task LicenceComplianceScan(
        [TimerTrigger("%" + AppSettingNames.LicenceComplianceSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var result = await compliance.RecomputeAllAsync(cancellationToken);
        logger.LogInformation(
            "Scheduled licence compliance scan: {Products} product(s), {Rows} software row(s)",
            result.Products,
            result.SoftwareRowsScanned
        );
    }

    /// <summary>Releases the seats reclamation finds (audited as the system job <c>licence-reclamation</c>).</summary>
    [Function(nameof(LicenceReclamation))]
    public async Task LicenceReclamation(
        [TimerTrigger("%" + AppSettingNames.LicenceReclaimSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    )
    {
        var result = await reclamation.ReclaimAsync(
            dryRun: false,
            AuditActor.System(ReclamationActor),
            "timer-" + Guid.NewGuid().ToString("N"),
            cancellationToken
        );
        logger.LogInformation(
            "Scheduled licence reclamation released {Released} of {Seats} seat(s)",
            result.Released.Count,
            result.SeatsEvaluated
        );
    }
}
