using ItInventory.Functions.Common;
using Microsoft.Azure.Functions.Worker;

namespace ItInventory.Functions.Monitoring;

/// <summary>The offline scan on its schedule (<see cref="AppSettingNames.OfflineScanSchedule"/>, every few minutes).
/// </summary>
public sealed class MonitoringTimers(OfflineScan scan)
{
    [Function(nameof(OfflineScan))]
    public async Task OfflineScan(
        [TimerTrigger("%" + AppSettingNames.OfflineScanSchedule + "%")] TimerInfo timer,
        CancellationToken cancellationToken
    ) => await scan.RunAsync(cancellationToken);
}
