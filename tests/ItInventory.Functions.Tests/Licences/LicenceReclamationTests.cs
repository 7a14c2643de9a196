using ItInventory.Functions.Audit;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Licences;

public sealed class LicenceReclamationTests : IAsyncLifetime
{
    private const string Ann = "30000000-0000-4000-8000-000000000001";
    private const string Bob = "30000000-0000-4000-8000-000000000002";
    private const string Cat = "30000000-0000-4000-8000-000000000003";
    private static readonly (string, string, string) Office = (
        "Microsoft Office Professional Plus 2021",
        "Microsoft Corporation",
        "16.0.1"
    );

    private TestApp app = null!;
    private LicenceTestKit kit = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        kit = new LicenceTestKit(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<string[]> SeatIdsAsync(string productId)
    {
        var answer = await kit.CallAsync("GET", $"/api/licences/{productId}/seats", (f, r) =>
            f.ListLicenceSeats(r, productId, CancellationToken.None)
        );
        return answer
            .Json.GetProperty("items")
            .EnumerateArray()
            .Select(i => i.GetProperty("seatId").GetString()!)
            .Order()
            .ToArray();
    }

    private async Task<int> AssignedAsync(string productId) =>
        (
            await kit.CallAsync("GET", $"/api/licences/{productId}", (f, r) =>
                f.GetLicenceProduct(r, productId, CancellationToken.None)
            )
        )
            .Json.GetProperty("assignedSeats")
            .GetInt32();

    [Fact]
    public async Task Reclamation_releases_departed_people_and_holders_without_an_installation_after_the_grace_period()
    {
        await kit.ImportPeopleAsync((Ann, "Active"), (Bob, "Active"), (Cat, "Active"));
        var annLaptop = await kit.DeviceWithSoftwareAsync(Office);
        await kit.SetOwnerAsync(annLaptop.DeviceId, Ann);
        var bobLaptop = await kit.DeviceWithSoftwareAsync(Office);
        await kit.SetOwnerAsync(bobLaptop.DeviceId, Bob);
        var spare = await kit.DeviceWithSoftwareAsync();
        var workstation = await kit.DeviceWithSoftwareAsync(Office);

        var users = await kit.CreateProductAsync("Office users", "PerUser", "[{\"name\":\"Microsoft Office*\"}]");
        var devices = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(users, "{\"reference\":\"U\",\"type\":\"Perpetual\",\"seats\":10}");
        await kit.AddEntitlementAsync(devices, "{\"reference\":\"D\",\"type\":\"Perpetual\",\"seats\":10}");
        foreach (var person in new[] { Ann, Bob, Cat })
            Assert.Equal(201, (await kit.AssignAsync(users, $"{{\"person\":\"{person}\"}}")).Status);
        foreach (var asset in new[] { spare.DeviceId, workstation.DeviceId })
            Assert.Equal(201, (await kit.AssignAsync(devices, $"{{\"assetId\":\"{asset}\"}}")).Status);

        // Bob leaves: his seat goes at once. Cat (no machine) and the spare (nothing installed) are within the grace
        // period.
        await kit.ImportPeopleAsync((Ann, "Active"), (Bob, "Departed"), (Cat, "Active"));
        var dry = await kit.ReclaimAsync(dryRun: true);
        Assert.True(dry.Status == 200, dry.Body);
        Assert.Equal(
            [("person-" + Bob, "departed")],
            dry.Json.GetProperty("released")
                .EnumerateArray()
                .Select(r => (r.GetProperty("seatId").GetString(), r.GetProperty("reason").GetString()))
        );
        Assert.Equal(5, dry.Json.GetProperty("seatsEvaluated").GetInt32());
        Assert.Equal(3, (await SeatIdsAsync(users)).Length);

        var real = await kit.ReclaimAsync(dryRun: false);
        Assert.Single(real.Json.GetProperty("released").EnumerateArray());
        Assert.Equal(["person-" + Ann, "person-" + Cat], await SeatIdsAsync(users));
        Assert.Equal(2, await AssignedAsync(users));
        var released = (await kit.AuditAsync(users)).Last();
        Assert.Equal("seat-release", released.Action);
        Assert.Contains(released.Changes, c => c.Field == "Reason" && c.To == "departed");
        Assert.DoesNotContain(await kit.RowsAsync(app.Store.LicenceSeats), r =>
            r.PartitionKey == TableKeys.LicenceHolderPartition("person", Bob)
        );

        // The workstation uninstalls Office; 31 days later it, Cat and the spare have had nothing for longer than the
        // grace period.
        await kit.SendSoftwareAsync(workstation);
        app.Clock.Advance(TimeSpan.FromDays(31));
        var timers = app.Create<LicenceTimers>();
        await timers.LicenceReclamation(
            TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(1)),
            CancellationToken.None
        );
        Assert.Equal(["person-" + Ann], await SeatIdsAsync(users));
        Assert.Empty(await SeatIdsAsync(devices));
        Assert.Equal(0, await AssignedAsync(devices));
        var system = (await kit.AuditAsync(devices)).Where(a => a.Action == "seat-release").ToList();
        Assert.Equal(2, system.Count);
        Assert.All(system, a => Assert.Equal(AuditActor.System("licence-reclamation"), a.Actor));
        Assert.All(system, a => Assert.Contains(a.Changes, c => c.Field == "Reason" && c.To == "no-installation"));

        // Idempotent: nothing more to release.
        Assert.Empty((await kit.ReclaimAsync(dryRun: false)).Json.GetProperty("released").EnumerateArray());
    }

    [Fact]
    public async Task A_recent_uninstall_restarts_the_grace_period()
    {
        var device = await kit.DeviceWithSoftwareAsync(Office);
        var product = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(product, "{\"reference\":\"D\",\"type\":\"Perpetual\",\"seats\":1}");
        await kit.AssignAsync(product, $"{{\"assetId\":\"{device.DeviceId}\"}}");

        app.Clock.Advance(TimeSpan.FromDays(40));
        Assert.Empty((await kit.ReclaimAsync(dryRun: true)).Json.GetProperty("released").EnumerateArray());
        await kit.SendSoftwareAsync(device);
        app.Clock.Advance(TimeSpan.FromDays(29));
        Assert.Empty((await kit.ReclaimAsync(dryRun: true)).Json.GetProperty("released").EnumerateArray());
        app.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Single((await kit.ReclaimAsync(dryRun: true)).Json.GetProperty("released").EnumerateArray());
    }

    [Fact]
    public async Task Decommissioning_through_the_api_releases_the_assets_seats_and_the_certificate_says_so()
    {
        var device = await kit.DeviceWithSoftwareAsync(Office);
        var office = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(office, "{\"reference\":\"E\",\"type\":\"Perpetual\",\"seats\":5}");
        Assert.Equal(201, (await kit.AssignAsync(office, $"{{\"assetId\":\"{device.DeviceId}\"}}")).Status);
        var lifecycle = new Lifecycle.LifecycleClient(app);

        await lifecycle.RetireAndSanitiseAsync(device.DeviceId);

        Assert.Empty(await SeatIdsAsync(office));
        Assert.Equal(0, await AssignedAsync(office));
        var record = (await lifecycle.GetDecommissioningAsync(device.DeviceId)).Json;
        var step = Assert.Single(record.GetProperty("steps").EnumerateArray());
        Assert.Equal(
            ("licence-reclamation", "Succeeded", 1),
            (
                step.GetProperty("step").GetString(),
                step.GetProperty("status").GetString(),
                step.GetProperty("released").GetInt32()
            )
        );
        var certificate = await lifecycle.GetCertificateAsync(device.DeviceId);
        Assert.Equal(200, certificate.Status);
        Assert.Contains("Office devices", certificate.Body);
    }

    [Fact]
    public async Task The_decommissioning_step_is_registered_and_releases_the_assets_seats_once()
    {
        await kit.ImportPeopleAsync((Ann, "Active"));
        var device = await kit.DeviceWithSoftwareAsync(Office);
        var other = await kit.DeviceWithSoftwareAsync(Office);
        var office = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        var visio = await kit.CreateProductAsync("Visio devices", "PerDevice", "[{\"name\":\"Visio*\"}]");
        var users = await kit.CreateProductAsync("Office users", "PerUser", "[{\"name\":\"Microsoft Office*\"}]");
        foreach (var p in new[] { office, visio, users })
            await kit.AddEntitlementAsync(p, "{\"reference\":\"E\",\"type\":\"Perpetual\",\"seats\":5}");
        await kit.AssignAsync(office, $"{{\"assetId\":\"{device.DeviceId}\"}}");
        await kit.AssignAsync(visio, $"{{\"assetId\":\"{device.DeviceId}\"}}");
        await kit.AssignAsync(office, $"{{\"assetId\":\"{other.DeviceId}\"}}");
        await kit.AssignAsync(users, $"{{\"person\":\"{Ann}\"}}");

        await using var scope = app.Services.CreateAsyncScope();
        var step = Assert.Single(
            scope.ServiceProvider.GetServices<IDecommissioningStep>().OfType<LicenceDecommissioningStep>()
        );
        Assert.Equal("licence-reclamation", step.Name);
        var actor = AuditActor.Person(TestTokens.Admin.ObjectId, "admin@contoso.test");

        var result = await step.RunAsync(device.DeviceId, actor, "decom-1", CancellationToken.None);
        Assert.Equal(2, result.Released);
        Assert.Equal("licence-reclamation", result.Step);
        Assert.Contains("Office devices", result.Summary);
        Assert.Equal(["asset-" + other.DeviceId], await SeatIdsAsync(office));
        Assert.Empty(await SeatIdsAsync(visio));
        Assert.Equal(["person-" + Ann], await SeatIdsAsync(users));
        Assert.Equal(1, await AssignedAsync(office));
        var record = (await kit.AuditAsync(visio)).Last();
        Assert.Equal(("seat-release", actor, "decom-1"), (record.Action, record.Actor, record.CorrelationId));

        var again = await step.RunAsync(device.DeviceId, actor, "decom-2", CancellationToken.None);
        Assert.Equal(0, again.Released);
        Assert.Equal(1, await AssignedAsync(office));
        Assert.Equal(0, (await step.RunAsync("not-an-asset", actor, null, CancellationToken.None)).Released);
    }
}
