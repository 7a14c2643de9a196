using ItInventory.Functions.Audits;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Licences;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Audits;

/// <summary>The licence kinds of the scans against Azurite, with the licence data made through the real API and the
/// fleet through the real check-in path: each kind opens, is confirmed (never opened twice), auto-resolves when its
/// condition clears and reopens when it returns.</summary>
public sealed class LicenceFindingTests : IAsyncLifetime
{
    private const string Ann = "31000000-0000-4000-8000-000000000001";
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

    private Task<AuditRunSummary> ReconcileAsync() =>
        app.Create<ReconciliationScanner>().RunAsync(CancellationToken.None);

    private Task<AuditRunSummary> IdleAsync() => app.Create<IdleScanner>().RunAsync(CancellationToken.None);

    private async Task<string?> StatusAsync(string kind, string subject) =>
        (await AuditKit.FindingsAsync(app, kind)).GetValueOrDefault((kind, subject));

    private async Task<FindingEntity> FindingAsync(string kind, string subject)
    {
        var table = app.Services.GetRequiredService<FindingsTables>().Findings;
        var rows = new List<FindingEntity>();
        await foreach (var f in table.QueryAsync<FindingEntity>(f => f.PartitionKey == kind && f.SubjectId == subject))
            rows.Add(f);
        var finding = Assert.Single(rows);
        await app.Services.GetRequiredService<FindingService>().WithConfirmationsAsync([finding], default);
        return finding;
    }

    [Fact]
    public async Task Under_licensed_product_opens_confirms_resolves_when_seats_are_bought_and_reopens()
    {
        await kit.DeviceWithSoftwareAsync(Office);
        await kit.DeviceWithSoftwareAsync(Office);
        var product = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(product, "{\"reference\":\"D1\",\"type\":\"Perpetual\",\"seats\":1}");
        await kit.RecomputeAsync();

        await ReconcileAsync();
        Assert.Equal("Open", await StatusAsync(FindingKinds.UnderLicensed, product));
        var finding = await FindingAsync(FindingKinds.UnderLicensed, product);
        Assert.Contains("2 installations for 1 seats", finding.Text);

        app.Clock.Advance(TimeSpan.FromDays(1));
        await ReconcileAsync();
        finding = await FindingAsync(FindingKinds.UnderLicensed, product);
        Assert.Equal((1, app.Clock.GetUtcNow()), (finding.Occurrences, finding.LastConfirmedAt));

        await kit.AddEntitlementAsync(product, "{\"reference\":\"D2\",\"type\":\"Perpetual\",\"seats\":5}");
        await kit.RecomputeAsync();
        await ReconcileAsync();
        Assert.Equal("AutoResolved", await StatusAsync(FindingKinds.UnderLicensed, product));

        // Five more machines install it: short again, the same finding reopens with its history.
        for (var i = 0; i < 5; i++)
            await kit.DeviceWithSoftwareAsync(Office);
        await kit.RecomputeAsync();
        await ReconcileAsync();
        finding = await FindingAsync(FindingKinds.UnderLicensed, product);
        Assert.Equal(("Open", 2), (finding.Status, finding.Occurrences));
        Assert.Equal(
            ["opened", "auto-resolved", "reopened"],
            FindingTransitions.History(finding).Select(h => h.Action)
        );
    }

    [Fact]
    public async Task Per_device_product_installed_without_a_seat_is_an_unlicensed_installation_until_a_seat_is_given()
    {
        var seated = await kit.DeviceWithSoftwareAsync(Office);
        var unseated = await kit.DeviceWithSoftwareAsync(Office);
        var product = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(product, "{\"reference\":\"D\",\"type\":\"Perpetual\",\"seats\":10}");
        Assert.Equal(201, (await kit.AssignAsync(product, $"{{\"assetId\":\"{seated.DeviceId}\"}}")).Status);

        await ReconcileAsync();
        await ReconcileAsync();
        var found = await AuditKit.FindingsAsync(app, FindingKinds.UnlicensedInstallation);
        Assert.Equal([(FindingKinds.UnlicensedInstallation, unseated.DeviceId)], found.Keys);
        var finding = await FindingAsync(FindingKinds.UnlicensedInstallation, unseated.DeviceId);
        Assert.Equal(("Open", 1), (finding.Status, finding.Occurrences));
        Assert.Contains("Office devices", finding.Text);

        Assert.Equal(201, (await kit.AssignAsync(product, $"{{\"assetId\":\"{unseated.DeviceId}\"}}")).Status);
        await ReconcileAsync();
        Assert.Equal("AutoResolved", await StatusAsync(FindingKinds.UnlicensedInstallation, unseated.DeviceId));
    }

    [Fact]
    public async Task A_seat_held_by_a_person_who_left_is_a_departed_seat_holder_until_the_person_is_back()
    {
        await kit.ImportPeopleAsync((Ann, "Active"));
        var product = await kit.CreateProductAsync("Office users", "PerUser", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(product, "{\"reference\":\"U\",\"type\":\"Perpetual\",\"seats\":10}");
        Assert.Equal(201, (await kit.AssignAsync(product, $"{{\"person\":\"{Ann}\"}}")).Status);
        var subject = ReconciliationRules.SeatSubject(product, "person-" + Ann);

        await ReconcileAsync();
        Assert.Null(await StatusAsync(FindingKinds.DepartedSeatHolder, subject));

        await kit.ImportPeopleAsync((Ann, "Departed"));
        await ReconcileAsync();
        await ReconcileAsync();
        Assert.Equal("Open", await StatusAsync(FindingKinds.DepartedSeatHolder, subject));
        Assert.Single(await AuditKit.FindingsAsync(app, FindingKinds.DepartedSeatHolder));

        await kit.ImportPeopleAsync((Ann, "Active"));
        await ReconcileAsync();
        Assert.Equal("AutoResolved", await StatusAsync(FindingKinds.DepartedSeatHolder, subject));
    }

    [Fact]
    public async Task A_seat_whose_holder_has_no_installation_past_the_grace_period_is_an_unused_seat_candidate()
    {
        var spare = await kit.DeviceWithSoftwareAsync();
        var product = await kit.CreateProductAsync("Office devices", "PerDevice", "[{\"name\":\"Microsoft Office*\"}]");
        await kit.AddEntitlementAsync(product, "{\"reference\":\"D\",\"type\":\"Perpetual\",\"seats\":10}");
        Assert.Equal(201, (await kit.AssignAsync(product, $"{{\"assetId\":\"{spare.DeviceId}\"}}")).Status);
        var subject = ReconciliationRules.SeatSubject(product, "asset-" + spare.DeviceId);

        await IdleAsync();
        Assert.Null(await StatusAsync(FindingKinds.UnusedSeat, subject));

        app.Clock.Advance(TimeSpan.FromDays(31));
        await IdleAsync();
        await IdleAsync();
        Assert.Equal("Open", await StatusAsync(FindingKinds.UnusedSeat, subject));
        var finding = await FindingAsync(FindingKinds.UnusedSeat, subject);
        Assert.Equal(1, finding.Occurrences);
        Assert.Contains("no matching installation", finding.Text);
        // A dry run only: the scan reports the candidate, the seat stays assigned.
        var view = await kit.CallAsync("GET", $"/api/licences/{product}", (f, r) =>
            f.GetLicenceProduct(r, product, CancellationToken.None)
        );
        Assert.Equal(1, view.Json.GetProperty("assignedSeats").GetInt32());

        await kit.SendSoftwareAsync(spare, Office);
        await IdleAsync();
        Assert.Equal("AutoResolved", await StatusAsync(FindingKinds.UnusedSeat, subject));
    }
}
