using ItInventory.Functions.Audit;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Functions.Tests.Licences;

/// <summary>The licence timers invoked as the worker invokes them (with a TimerInfo made from the host's payload, see
/// <see cref="TimerInvocation"/>), asserting what they leave behind.</summary>
public sealed class LicenceTimerTests : IAsyncLifetime
{
    private const string Ann = "30000000-0000-4000-8000-000000000001";
    private const string Bob = "30000000-0000-4000-8000-000000000002";
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

    private LicenceTimers Timers => app.Create<LicenceTimers>();

    private Microsoft.Azure.Functions.Worker.TimerInfo Daily(bool isPastDue = false) =>
        TimerInvocation.Info(app.Clock.GetUtcNow(), TimeSpan.FromDays(1), isPastDue);

    [Fact]
    public async Task The_compliance_scan_writes_each_products_snapshot_from_the_fleet_as_it_is_now()
    {
        var first = await kit.DeviceWithSoftwareAsync(Office);
        await kit.DeviceWithSoftwareAsync(Office);
        var office = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        Assert.Equal(
            201,
            (await kit.AddEntitlementAsync(office, "{\"reference\":\"D\",\"type\":\"Perpetual\",\"seats\":1}")).Status
        );
        var visio = await kit.CreateProductAsync("Visio", "PerDevice", "[{\"name\":\"visio*\"}]");

        await Timers.LicenceComplianceScan(Daily(), CancellationToken.None);

        var scanned = (await kit.ComplianceAsync(office)).Json;
        Assert.Equal(2, scanned.GetProperty("installations").GetInt32());
        Assert.Equal("UnderLicensed", scanned.GetProperty("status").GetString());
        Assert.Equal(app.Clock.GetUtcNow(), scanned.GetProperty("computedAt").GetDateTimeOffset());
        Assert.Equal(
            app.Clock.GetUtcNow(),
            (await kit.ComplianceAsync(visio)).Json.GetProperty("computedAt").GetDateTimeOffset()
        );

        // One machine uninstalls Office: the snapshot keeps the last scan until the timer runs again (past due here).
        await kit.SendSoftwareAsync(first);
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, (await kit.ComplianceAsync(office)).Json.GetProperty("installations").GetInt32());

        await Timers.LicenceComplianceScan(Daily(isPastDue: true), CancellationToken.None);

        var rescanned = (await kit.ComplianceAsync(office)).Json;
        Assert.Equal(1, rescanned.GetProperty("installations").GetInt32());
        Assert.Equal(app.Clock.GetUtcNow(), rescanned.GetProperty("computedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task The_reclamation_timer_releases_a_departed_persons_seat_as_the_system_job()
    {
        await kit.ImportPeopleAsync((Ann, "Active"), (Bob, "Active"));
        var users = await kit.CreateProductAsync("Office users", "PerUser", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(users, "{\"reference\":\"U\",\"type\":\"Perpetual\",\"seats\":5}");
        foreach (var person in new[] { Ann, Bob })
        {
            Assert.Equal(201, (await kit.AssignAsync(users, $"{{\"person\":\"{person}\"}}")).Status);
        }
        await kit.ImportPeopleAsync((Ann, "Active"), (Bob, "Departed"));

        await Timers.LicenceReclamation(Daily(), CancellationToken.None);

        var seats = await kit.CallAsync("GET", $"/api/licences/{users}/seats", (f, r) =>
            f.ListLicenceSeats(r, users, CancellationToken.None)
        );
        Assert.Equal(
            ["person-" + Ann],
            seats.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("seatId").GetString())
        );
        var release = Assert.Single(await kit.AuditAsync(users), a => a.Action == "seat-release");
        Assert.Equal(AuditActor.System(LicenceTimers.ReclamationActor), release.Actor);
        Assert.StartsWith("timer-", release.CorrelationId);
        Assert.Contains(release.Changes, c => c.Field == "Reason" && c.To == ReclaimReason.Departed);

        // A second run finds nothing more to release.
        await Timers.LicenceReclamation(Daily(), CancellationToken.None);
        Assert.Single(await kit.AuditAsync(users), a => a.Action == "seat-release");
    }
}
