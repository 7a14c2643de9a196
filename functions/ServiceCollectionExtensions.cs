using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions;

public static class ServiceCollectionExtensions
{
    /// <summary>Everything the app registers, one call per area; Program.cs and the tests share it.</summary>
    public static IServiceCollection AddItInventory(this IServiceCollection services, IConfiguration configuration) =>
        services
            .AddInventoryStorage(configuration)
            .AddAssets()
            .AddAuditTrail()
            .AddDevices()
            .AddCheckIns()
            .AddPeople()
            .AddTags()
            .AddLifecycle()
            .AddLicences()
            .AddCatalogue()
            .AddManagementSecurity(configuration)
            .AddWorkerTelemetry(configuration);
}
