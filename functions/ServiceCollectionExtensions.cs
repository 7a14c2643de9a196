using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Audits;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Events;
using ItInventory.Functions.Financials;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Kpis;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Monitoring;
using ItInventory.Functions.People;
using ItInventory.Functions.Reports;
using ItInventory.Functions.Reports.Snapshot;
using ItInventory.Functions.Reports.Mail;
using ItInventory.Functions.Reports.Audit;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ItInventory.Functions;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything the app registers, one call per area; Program.cs and the tests share it. The one clock of
    /// the app is <see cref="TimeProvider"/> (tests register a FakeTimeProvider first).</summary>
    public static IServiceCollection AddItInventory(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        return services
            .AddInventoryStorage(configuration)
            .AddAssets()
            .AddAuditTrail()
            .AddEvents(configuration)
            .AddDevices()
            .AddCheckIns()
            .AddAgentProtocols()
            .AddPeople()
            .AddTags()
            .AddLifecycle()
            .AddLicences()
            .AddCatalogue()
            .AddFindings()
            .AddReconciliation()
            .AddCampaigns()
            .AddMonitoring()
            .AddKpis()
            .AddFinancials()
            .AddReports()
            .AddItSnapshot()
            .AddFinanceMail(configuration)
            .AddAuditReports()
            .AddManagementSecurity(configuration)
            .AddWorkerTelemetry(configuration);
    }
}
