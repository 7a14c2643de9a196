using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Campaigns;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Events;
using ItInventory.Functions.Licences;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Licences;
using ItInventory.Functions.Tests.Lifecycle;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.Events;

/// <summary>
/// The outbox under crashes: for every change path, the process "dies" before each storage request of the change
/// (then, separately, before each storage request of the dispatcher), in turn, until the change runs through. After
/// each crash the dispatcher drains its queue (redelivery) and the sweep runs; then the audit trail verifies, the
/// change's audit record is there exactly once if the change committed and not at all if it did not, every event was
/// published at least once and always with the same id, and no outbox row is left.
/// </summary>
public sealed class OutboxFaultInjectionTests : IAsyncLifetime
{
    private const string Person = "20000000-0000-4000-8000-000000000001";
    private const string Rules = "[{\"name\":\"Fault*\"}]";

    private TestApp app = null!;
    private LicenceTestKit licences = null!;
    private LifecycleClient lifecycle = null!;
    private readonly Dictionary<string, List<CloudEventSeen>> events = new(StringComparer.Ordinal);
    private int rateDays;

    public async Task InitializeAsync()
    {
        // The queue path as in Azure: entries reach the dispatcher through the outbox queue, not inline.
        app = await TestApp.StartAsync(settings => settings["Outbox:DispatchInline"] = "false");
        licences = new LicenceTestKit(app);
        lifecycle = new LifecycleClient(app);
        await app.ImportPeopleAsync((Person, "Active"));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The change paths that commit an audit record and/or an event through the outbox: the table the theory
    /// runs (every path × both crash sites); <see cref="PrepareAsync"/> says how to make one change of each.
    /// </summary>
    public enum ChangePath
    {
        CreateAsset,
        PatchAsset,
        TransitionAsset,
        CreateLicenceProduct,
        AddEntitlement,
        AssignSeat,
        CreateCampaign,
        RecordCampaignScan,
        CloseCampaign,
        ImportAssetUpdate,
        CreateTaxonomyEntry,
        DeleteTaxonomyEntry,
        ReplayPoisonedCheckins,
        RevokeDeviceCredential,
        RequestFullInventory,
        RequestCredentialRotation,
        SwitchToRotatedCredential,
        CreateEnrollmentSecret,
        RevokeEnrollmentSecret,
        ImportPerson,
        AllocateTag,
        ProcessInventory,
        ImportExchangeRates,
        EnrollSuspectedDuplicate,
        ProcessInventoryOfSuspectedDuplicate,
        ArchiveAuditDay,
    }

    /// <summary>Where the process dies: in the change, or in the dispatcher delivering its entry.</summary>
    public enum CrashSite
    {
        Change,
        Dispatcher,
    }

    public static TheoryData<ChangePath, CrashSite> Crashes()
    {
        var data = new TheoryData<ChangePath, CrashSite>();
        foreach (var path in Enum.GetValues<ChangePath>())
        {
            foreach (var site in Enum.GetValues<CrashSite>())
                data.Add(path, site);
        }
        return data;
    }

    /// <summary>One change of a path, on a fresh entity: how to make it, whether it committed, and what it implies.
    /// </summary>
    /// <remarks><paramref name="WrittenAhead"/>: the path writes its entry before the change (no transaction can
    /// hold both), so a crash before the change may leave the record of the attempt (at most one).
    /// <paramref name="Correlation"/>: only records with this correlation id count (an entity that collects one record
    /// per iteration, e.g. the poison queue). <paramref name="EventSubject"/>: the subject of the event, when it is
    /// not the audited entity (a finding's event).</remarks>
    private sealed record Change(
        Func<Task> Act,
        Func<Task<string?>> CommittedEntityId,
        string AuditEntity,
        string AuditAction,
        string? EventType,
        string? KnownId = null,
        bool WrittenAhead = false,
        string? Correlation = null,
        Func<string, string>? EventSubject = null,
        bool Redelivered = false
    );

    [Theory]
    [MemberData(nameof(Crashes))]
    public async Task A_crash_before_any_storage_request_loses_no_audit_record_and_writes_none_twice(
        ChangePath path,
        CrashSite site
    )
    {
        for (var failAt = 1; ; failAt++)
        {
            Assert.True(failAt < 40, $"{path}: the {site} never ran through");
            var change = await PrepareAsync(path, failAt);
            var crashed =
                site == CrashSite.Change
                    ? await CrashInChangeAsync(change, failAt)
                    : await CrashInDispatcherAsync(change, failAt);
            await RecoverAsync();
            await AssertDeliveredOnceAsync(change, $"{path}, {site} crash before request {failAt}");
            if (!crashed)
                break;
        }
    }

    /// <summary>Runs the change, dying before its <paramref name="failAt"/>-th storage request; answers whether it
    /// died.</summary>
    private static async Task<bool> CrashInChangeAsync(Change change, int failAt)
    {
        bool crashed;
        using (var scope = StorageRequestCounter.BeginScope().FailAt(failAt))
        {
            try
            {
                await change.Act();
            }
            catch (InjectedFaultException) { }
            crashed = scope.Failed;
        }
        // A queue-triggered change's message comes back until the change runs through (it is its pending row).
        if (crashed && change.Redelivered)
            await change.Act();
        return crashed;
    }

    /// <summary>Runs the change, then delivers each of its queued entries dying before the dispatcher's
    /// <paramref name="failAt"/>-th storage request, then again (the queue's redelivery); answers whether it died.
    /// </summary>
    private async Task<bool> CrashInDispatcherAsync(Change change, int failAt)
    {
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        await change.Act();
        var crashed = false;
        foreach (var message in await ReceiveOutboxAsync())
        {
            using (var scope = StorageRequestCounter.BeginScope().FailAt(failAt))
            {
                try
                {
                    await dispatcher.DispatchAsync(message, CancellationToken.None);
                }
                catch (InjectedFaultException) { }
                crashed |= scope.Failed;
            }
            await dispatcher.DispatchAsync(message, CancellationToken.None);
        }
        return crashed;
    }

    [Fact]
    public async Task An_asset_change_costs_the_requests_it_cost_before_the_outbox_and_the_dispatcher_five()
    {
        var (id, etag) = await CreateDeliveredAssetAsync();
        using (var change = StorageRequestCounter.BeginScope())
        {
            Assert.Equal(200, (await PatchAsync(id, etag)).Status);
            // read, pending row, batch (change + history + outbox row), summary merge, queue message, 2 answer reads:
            // the pending row and the queue message take the place of the two audit requests (docs/storage.md).
            Assert.True(change.Count == 7, string.Join("\n", change.Requests));
        }
        var message = Assert.Single(await ReceiveOutboxAsync());
        using var dispatch = StorageRequestCounter.BeginScope();
        Assert.True(
            await app.Services.GetRequiredService<OutboxDispatcher>().DispatchAsync(message, CancellationToken.None)
        );
        // outbox row read, audit batch (the lane's head is the one this process wrote last: no read), one event
        // message, outbox row and pending row deletes
        Assert.True(dispatch.Count == 5, string.Join("\n", dispatch.Requests));
    }

    [Fact]
    public async Task Two_concurrent_creates_of_one_licence_product_name_leave_one_product()
    {
        var answers = await Task.WhenAll(
            Enumerable
                .Range(0, 4)
                .Select(_ =>
                    licences.CallAsync(
                        "POST",
                        "/api/licences",
                        (f, r) => f.CreateLicenceProduct(r, CancellationToken.None),
                        $"{{\"name\":\"Racy\",\"metric\":\"PerUser\",\"rules\":{Rules}}}"
                    )
                )
        );
        Assert.Single(answers, a => a.Status == 201);
        Assert.All(answers.Where(a => a.Status != 201), a => Assert.Equal(409, a.Status));
        var products = await app.Services.GetRequiredService<LicenceService>().AllProductsAsync(CancellationToken.None);
        Assert.Single(products, p => p.Name == "Racy");
    }

    [Fact]
    public async Task A_name_claimed_by_a_create_that_died_before_its_product_row_can_be_taken()
    {
        // The claim is written, then the process dies before the product batch.
        var names = app.Services.GetRequiredService<LicenceNames>();
        Assert.True(await names.ClaimAsync("Orphaned", TableKeys.NewLicenceProductId(), CancellationToken.None));
        await licences.CreateProductAsync("orphaned", "PerUser", Rules);
    }

    private async Task<Change> PrepareAsync(ChangePath path, int iteration)
    {
        var unique = $"F{iteration}-{Guid.NewGuid():N}"[..20];
        switch (path)
        {
            case ChangePath.CreateAsset:
                return new(
                    async () =>
                        await CatalogueKit.CreateAsync(
                            app,
                            $"{{\"name\":\"{unique}\",\"type\":\"peripheral\",\"department\":\"Finance\"}}"
                        ),
                    async () => await AssetNamedAsync(unique),
                    "asset",
                    "create",
                    EventTypes.AssetDiscovered
                );
            case ChangePath.PatchAsset:
            {
                var (id, etag) = await CreateDeliveredAssetAsync();
                return new(
                    async () => await PatchAsync(id, etag),
                    async () => (await DetailAsync(id)).Criticality == "High" ? id : null,
                    "asset",
                    "update",
                    EventTypes.AssetChanged,
                    id
                );
            }
            case ChangePath.TransitionAsset:
            {
                var (id, etag) = await CreateDeliveredAssetAsync();
                return new(
                    async () => await lifecycle.TransitionAsync(id, """{"to":"Retired"}""", etag),
                    async () => (await DetailAsync(id)).State == "Retired" ? id : null,
                    "asset",
                    "transition",
                    EventTypes.AssetStateChanged,
                    id
                );
            }
            case ChangePath.CreateLicenceProduct:
                return new(
                    async () =>
                        await licences.CallAsync(
                            "POST",
                            "/api/licences",
                            (f, r) => f.CreateLicenceProduct(r, CancellationToken.None),
                            $"{{\"name\":\"{unique}\",\"metric\":\"PerUser\",\"rules\":{Rules}}}"
                        ),
                    async () =>
                        (
                            await app
                                .Services.GetRequiredService<LicenceService>()
                                .AllProductsAsync(CancellationToken.None)
                        )
                            .FirstOrDefault(p => p.Name == unique)
                            ?.ProductId,
                    LicenceService.AuditEntity,
                    "create",
                    null
                );
            case ChangePath.AddEntitlement:
            {
                var product = await CreateDeliveredProductAsync(unique);
                return new(
                    async () =>
                        await licences.AddEntitlementAsync(
                            product,
                            "{\"reference\":\"PO-1\",\"type\":\"Perpetual\",\"seats\":5}"
                        ),
                    async () =>
                        (
                            await app.Store.Licences.GetEntityIfExistsAsync<TableEntity>(
                                product,
                                TableKeys.LicenceEntitlementRow(TableKeys.LicenceEntitlementId("PO-1"))
                            )
                        ).HasValue
                            ? product
                            : null,
                    LicenceService.AuditEntity,
                    "entitlement-add",
                    null,
                    product
                );
            }
            case ChangePath.AssignSeat:
            {
                var product = await CreateDeliveredProductAsync(unique);
                return new(
                    async () => await licences.AssignAsync(product, $"{{\"person\":\"{Person}\"}}"),
                    async () =>
                        (
                            await app.Store.Licences.GetEntityIfExistsAsync<TableEntity>(
                                product,
                                TableKeys.LicenceSeatRow(TableKeys.LicenceSeatId("person", Person))
                            )
                        ).HasValue
                            ? product
                            : null,
                    LicenceService.AuditEntity,
                    "seat-assign",
                    null,
                    product
                );
            }
            default:
                return await PrepareMoreAsync(path, unique.ToLowerInvariant());
        }
    }

    private static readonly Functions.Management.Security.Caller Admin = LicenceTestKit.AdminCaller;
    private static readonly AuditActor AdminActor = Admin.AuditActor;

    private T Service<T>()
        where T : notnull => app.Services.GetRequiredService<T>();

    /// <summary>The change paths moved onto the outbox after the first six (issue 12, "every change path").</summary>
    private async Task<Change> PrepareMoreAsync(ChangePath path, string unique)
    {
        var code = "f" + unique.Replace("-", "", StringComparison.Ordinal)[..12];
        switch (path)
        {
            case ChangePath.CreateCampaign:
            {
                var department = "Dept-" + code;
                await CatalogueKit.CreatePeripheralAsync(app, department: department);
                await RecoverAsync();
                return new(
                    async () =>
                        await Service<CampaignService>()
                            .CreateAsync(Admin, CampaignRequest(unique, department), null, CancellationToken.None),
                    async () => await CampaignAsync(unique, "Open"),
                    "campaign",
                    "create",
                    null
                );
            }
            case ChangePath.RecordCampaignScan:
            {
                var (campaignId, assetId) = await OpenDeliveredCampaignAsync(unique, code);
                return new(
                    async () =>
                        await Service<CampaignService>()
                            .RecordAsync(
                                Admin,
                                campaignId,
                                new CampaignScanRequest { AssetId = assetId, Result = "found" },
                                null,
                                CancellationToken.None
                            ),
                    async () =>
                        (
                            await app.Store.Campaigns.GetEntityAsync<CampaignAssetEntity>(
                                campaignId,
                                CampaignKeys.AssetRow(assetId)
                            )
                        )
                            .Value
                            .Records > 0
                            ? campaignId
                            : null,
                    "campaign",
                    "record",
                    null,
                    campaignId
                );
            }
            case ChangePath.CloseCampaign:
            {
                var (campaignId, _) = await OpenDeliveredCampaignAsync(unique, code);
                return new(
                    async () =>
                        await Service<CampaignService>().CloseAsync(Admin, campaignId, null, CancellationToken.None),
                    async () => await CampaignAsync(unique, "Closed"),
                    "campaign",
                    "close",
                    null,
                    campaignId
                );
            }
            case ChangePath.ImportAssetUpdate:
            {
                var (id, _) = await CreateDeliveredAssetAsync();
                return new(
                    async () => await CatalogueKit.ImportAsync(app, $"id,name\n{id},{unique}\n"),
                    async () => (await DetailAsync(id)).Name == unique ? id : null,
                    "asset",
                    "update",
                    EventTypes.AssetChanged,
                    id
                );
            }
            case ChangePath.CreateTaxonomyEntry:
                return new(
                    async () =>
                        await Service<TaxonomyService>()
                            .PutAsync(
                                Admin,
                                "category",
                                code,
                                new TaxonomyEntryRequest { DisplayName = unique },
                                null,
                                CancellationToken.None
                            ),
                    async () => await TaxonomyExistsAsync(code) ? "category/" + code : null,
                    "taxonomy",
                    "create",
                    null,
                    "category/" + code,
                    WrittenAhead: true
                );
            case ChangePath.DeleteTaxonomyEntry:
            {
                await Service<TaxonomyService>()
                    .PutAsync(
                        Admin,
                        "category",
                        code,
                        new TaxonomyEntryRequest { DisplayName = unique },
                        null,
                        CancellationToken.None
                    );
                await RecoverAsync();
                return new(
                    async () =>
                        await Service<TaxonomyService>()
                            .DeleteAsync(Admin, "category", code, null, CancellationToken.None),
                    async () => await TaxonomyExistsAsync(code) ? null : "category/" + code,
                    "taxonomy",
                    "delete",
                    null,
                    "category/" + code,
                    WrittenAhead: true
                );
            }
            case ChangePath.ReplayPoisonedCheckins:
            {
                await app.Store.CheckinPoisonQueue.CreateIfNotExistsAsync();
                await app.Store.CheckinPoisonQueue.SendMessageAsync(unique);
                return new(
                    async () =>
                        await Service<PoisonReplayService>()
                            .ReplayAsync(10, AdminActor, unique, CancellationToken.None),
                    async () =>
                        (await app.Store.CheckinQueue.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString() == unique)
                            ? app.Store.CheckinPoisonQueue.Name
                            : null,
                    "queue",
                    "replay-poison",
                    null,
                    app.Store.CheckinPoisonQueue.Name,
                    WrittenAhead: true,
                    Correlation: unique
                );
            }
            case ChangePath.RevokeDeviceCredential:
            {
                var device = await EnrollDeliveredAsync();
                return DeviceChange(
                    device.DeviceId,
                    "revoke-credential",
                    s => s.CredentialRevoked,
                    () =>
                        Service<DeviceCredentialService>()
                            .RevokeAsync(device.DeviceId, false, AdminActor, null, CancellationToken.None)
                );
            }
            case ChangePath.RequestFullInventory:
            {
                var device = await EnrollDeliveredAsync();
                return DeviceChange(
                    device.DeviceId,
                    "request-full-inventory",
                    s => s.FullInventoryRequested,
                    () =>
                        Service<DeviceCredentialService>()
                            .RequestFullInventoryAsync(device.DeviceId, AdminActor, null, CancellationToken.None)
                );
            }
            case ChangePath.RequestCredentialRotation:
            {
                var device = await EnrollDeliveredAsync();
                return DeviceChange(
                    device.DeviceId,
                    "request-credential-rotation",
                    s => s.CredentialRotationRequested,
                    () =>
                        Service<CredentialRotation>()
                            .RequestAsync(device.DeviceId, AdminActor, null, CancellationToken.None)
                );
            }
            case ChangePath.SwitchToRotatedCredential:
            {
                var device = await EnrollDeliveredAsync();
                await Service<CredentialRotation>()
                    .RequestAsync(device.DeviceId, AdminActor, null, CancellationToken.None);
                var issued = await app.CheckinAsync(
                    SamplePayloads.Heartbeat(device.DeviceId).Text(),
                    device.Authorization
                );
                var secret = issued.Json.GetProperty("credential").GetProperty("deviceSecret").GetString()!;
                await RecoverAsync();
                return DeviceChange(
                    device.DeviceId,
                    "rotate-credential",
                    s => s.CredentialHash == DeviceSecrets.Hash(secret),
                    () =>
                        app.CheckinAsync(
                            SamplePayloads.Heartbeat(device.DeviceId).Text(),
                            DeviceSecrets.AuthorizationHeader(device.DeviceId, secret)
                        )
                );
            }
            case ChangePath.CreateEnrollmentSecret:
                return new(
                    async () =>
                        await Service<EnrollmentSecretStore>()
                            .CreateAsync(
                                new CreateEnrollmentSecretRequest(unique, null, null),
                                AdminActor,
                                null,
                                CancellationToken.None
                            ),
                    async () =>
                        (await Service<EnrollmentSecretStore>().ListAsync(CancellationToken.None))
                            .FirstOrDefault(v => v.Label == unique)
                            ?.Id,
                    "enrollment-secret",
                    "create",
                    null
                );
            case ChangePath.RevokeEnrollmentSecret:
            {
                var secrets = Service<EnrollmentSecretStore>();
                var created = await secrets.CreateAsync(
                    new CreateEnrollmentSecretRequest(unique, null, null),
                    AdminActor,
                    null,
                    CancellationToken.None
                );
                var id = created.Value!.Details.Id;
                await RecoverAsync();
                return new(
                    async () => await secrets.RevokeAsync(id, AdminActor, null, CancellationToken.None),
                    async () =>
                        (await secrets.ListAsync(CancellationToken.None)).Single(v => v.Id == id).Revoked ? id : null,
                    "enrollment-secret",
                    "revoke",
                    null,
                    id
                );
            }
            case ChangePath.ImportPerson:
            {
                var objectId = Guid.NewGuid().ToString("D");
                var csv =
                    "objectId,displayName,email,department,managerObjectId,status\n"
                    + $"{objectId},{unique},{code}@example.com,Finance,,Active\n";
                return new(
                    async () =>
                        await Service<PeopleService>()
                            .ImportAsync(
                                System.Text.Encoding.UTF8.GetBytes(csv),
                                AdminActor,
                                null,
                                CancellationToken.None
                            ),
                    async () =>
                        (
                            await app.Store.People.GetEntityIfExistsAsync<TableEntity>(objectId, TableKeys.PersonRow)
                        ).HasValue
                            ? objectId
                            : null,
                    "person",
                    "import-create",
                    null,
                    objectId
                );
            }
            case ChangePath.AllocateTag:
            {
                var (id, _) = await CreateDeliveredAssetAsync();
                return new(
                    async () => await Service<AssetTagService>().AllocateAsync(Admin, id, CancellationToken.None),
                    async () => string.IsNullOrEmpty((await DetailAsync(id)).Tag) ? null : id,
                    "asset",
                    "tag",
                    EventTypes.AssetChanged,
                    id
                );
            }
            case ChangePath.ProcessInventory:
            {
                var device = await EnrollDeliveredAsync();
                return await ProcessingChangeAsync(device, device.Serial, code, "inventory", EventTypes.AssetChanged);
            }
            default:
                return await PrepareFormerDirectAppendsAsync(path, unique, code);
        }
    }

    /// <summary>A queued inventory of <paramref name="device"/> reporting <paramref name="serial"/>, delivered up to
    /// its processing: the change is the processing (its message comes back after a crash).</summary>
    private async Task<Change> ProcessingChangeAsync(
        EnrolledDevice device,
        string serial,
        string code,
        string auditAction,
        string eventType,
        Func<string, string>? eventSubject = null
    )
    {
        var body = SamplePayloads.Inventory(
            device.DeviceId,
            serial,
            macs: [device.Mac],
            softwareCount: 3,
            hostname: "ws-" + code
        );
        var answer = await app.CheckinAsync(body.Text(), device.Authorization, gzip: true);
        Assert.True(answer.Status == 202, answer.Body);
        var message = await TakeCheckinMessageAsync();
        await RecoverAsync();
        return new(
            async () => await Service<InventoryProcessor>().ProcessAsync(message, CancellationToken.None),
            async () =>
                (
                    await app.Store.Assets.GetEntityIfExistsAsync<TableEntity>(
                        device.DeviceId,
                        TableKeys.CheckinMarkerRow(message.CheckinId)
                    )
                ).HasValue
                    ? device.DeviceId
                    : null,
            "asset",
            auditAction,
            eventType,
            device.DeviceId,
            EventSubject: eventSubject,
            Redelivered: true
        );
    }

    /// <summary>The paths that appended to the trail directly until they moved onto the outbox too.</summary>
    private async Task<Change> PrepareFormerDirectAppendsAsync(ChangePath path, string unique, string code)
    {
        switch (path)
        {
            case ChangePath.ImportExchangeRates:
            {
                // A day of its own per iteration, two currencies (two partitions): written ahead.
                var day = new DateOnly(2020, 1, 1).AddDays(++rateDays);
                var csv = $"currency,from,rate\nUSD,{day:yyyy-MM-dd},0.9\nGBP,{day:yyyy-MM-dd},1.1\n";
                var rates = Service<Functions.Financials.ExchangeRateService>();
                return new(
                    async () =>
                        await rates.ImportAsync(Admin, Encoding.UTF8.GetBytes(csv), unique, CancellationToken.None),
                    async () =>
                        (await rates.LoadAsync(CancellationToken.None)).Count(r => r.From == day) == 2
                            ? rates.ReportingCurrency
                            : null,
                    "fxrates",
                    "import",
                    null,
                    rates.ReportingCurrency,
                    WrittenAhead: true,
                    Correlation: unique
                );
            }
            case ChangePath.EnrollSuspectedDuplicate:
            {
                var serial = "SD" + code.ToUpperInvariant();
                var holder = await app.EnrollAsync(
                    SamplePayloads.Enrollment(
                        serial,
                        Guid.NewGuid().ToString("D"),
                        hostname: "holder-" + code,
                        secret: TestApp.EnrollmentSecret
                    )
                );
                Assert.True(holder.Status == 201, holder.Body);
                await RecoverAsync();
                var hostname = "clone-" + code;
                return new(
                    async () =>
                        await app.EnrollAsync(
                            SamplePayloads.Enrollment(
                                serial,
                                Guid.NewGuid().ToString("D"),
                                hostname: hostname,
                                secret: TestApp.EnrollmentSecret
                            )
                        ),
                    async () => await AssetWithHostnameAsync(hostname),
                    "asset",
                    "suspected-duplicate",
                    // The finding is raised after the asset's batch: a crash between them leaves it to the daily
                    // reconciliation (duplicate-identity on the shared serial), so no event is asserted here.
                    null
                );
            }
            case ChangePath.ProcessInventoryOfSuspectedDuplicate:
            {
                var holder = await EnrollDeliveredAsync();
                var reporter = await EnrollDeliveredAsync();
                return await ProcessingChangeAsync(
                    reporter,
                    holder.Serial,
                    code,
                    "suspected-duplicate",
                    EventTypes.FindingOpened,
                    SuspectedDuplicateFinding
                );
            }
            case ChangePath.ArchiveAuditDay:
            {
                // Archive every finished day, deliver, then let one more day finish: the change archives that day.
                var archiver = Service<AuditArchiver>();
                app.Clock.Advance(TimeSpan.FromDays(1));
                await archiver.RunAsync(CancellationToken.None);
                await RecoverAsync();
                var day = AuditArchiver.Text(DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime));
                app.Clock.Advance(TimeSpan.FromDays(1));
                return new(
                    async () => await archiver.RunAsync(CancellationToken.None),
                    async () =>
                        (
                            await app.Store.AuditTrail.GetEntityIfExistsAsync<AuditArchiveStateEntity>(
                                TableKeys.AuditArchivePartition,
                                TableKeys.AuditArchiveStateRow
                            )
                        )
                            .OrNull()
                            ?.LastDate == day
                            ? day
                            : null,
                    "audit-archive",
                    "archive",
                    null,
                    day
                );
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(path));
        }
    }

    private static string SuspectedDuplicateFinding(string assetId) =>
        EventTypes.Subject(
            "findings",
            Functions.Findings.FindingKeys.Id(
                Functions.Findings.FindingKinds.SuspectedDuplicate,
                Functions.Findings.FindingKeys.RowKey(Functions.Findings.FindingSubjects.Asset, assetId)
            )
        );

    private async Task<CheckinMessage> TakeCheckinMessageAsync()
    {
        var queued = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        await app.Store.CheckinQueue.DeleteMessageAsync(queued.MessageId, queued.PopReceipt);
        return JsonSerializer.Deserialize(queued.Body, Functions.Common.ApiJsonContext.Default.CheckinMessage)!;
    }

    private async Task<string?> AssetWithHostnameAsync(string hostname)
    {
        await foreach (
            var row in app.Store.Assets.QueryAsync<AssetDetailEntity>(
                TableClient.CreateQueryFilter($"RowKey eq {TableKeys.AssetDetailRow} and Hostname eq {hostname}")
            )
        )
            return row.PartitionKey;
        return null;
    }

    private static CreateCampaignRequest CampaignRequest(string name, string department) =>
        new()
        {
            Name = name,
            Scope = "department",
            ScopeValue = department,
            Mode = "full",
        };

    /// <summary>An open campaign over one new peripheral of a department of its own, delivered.</summary>
    private async Task<(string CampaignId, string AssetId)> OpenDeliveredCampaignAsync(string name, string code)
    {
        var department = "Dept-" + code;
        var (assetId, _) = await CatalogueKit.CreatePeripheralAsync(app, department: department);
        var created = await Service<CampaignService>()
            .CreateAsync(Admin, CampaignRequest(name, department), null, CancellationToken.None);
        await RecoverAsync();
        return (created.Value!.Id, assetId);
    }

    private async Task<string?> CampaignAsync(string name, string status)
    {
        await foreach (
            var header in app.Store.Campaigns.QueryAsync<CampaignEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {CampaignKeys.ListPartition} and Name eq {name}")
            )
        )
            return header.Status == status ? header.RowKey : null;
        return null;
    }

    private async Task<bool> TaxonomyExistsAsync(string code) =>
        (
            await app.Store.Taxonomy.GetEntityIfExistsAsync<TableEntity>(
                TableKeys.TaxonomyPartition("category"),
                TableKeys.TaxonomyRow(code)
            )
        ).HasValue;

    private async Task<EnrolledDevice> EnrollDeliveredAsync()
    {
        var device = await app.EnrollNewDeviceAsync();
        await RecoverAsync();
        return device;
    }

    private Change DeviceChange(
        string deviceId,
        string action,
        Func<AssetSummaryEntity, bool> changed,
        Func<Task> act
    ) =>
        new(
            act,
            async () =>
                changed(
                    (
                        await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                            TableKeys.SummaryPartition(deviceId),
                            deviceId
                        )
                    ).Value
                )
                    ? deviceId
                    : null,
            "device",
            action,
            null,
            deviceId
        );

    private async Task<(string Id, string ETag)> CreateDeliveredAssetAsync()
    {
        var created = await CatalogueKit.CreatePeripheralAsync(app);
        await RecoverAsync();
        return created;
    }

    private async Task<string> CreateDeliveredProductAsync(string name)
    {
        var id = await licences.CreateProductAsync(name, "PerUser", Rules);
        await RecoverAsync();
        return id;
    }

    private async Task<HttpAnswer> PatchAsync(string assetId, string etag)
    {
        var request = app.Request(
            "PATCH",
            $"/api/assets/{assetId}",
            Encoding.UTF8.GetBytes("""{"criticality":"High"}"""),
            "application/json",
            LifecycleClient.Headers(TestTokens.Admin, etag)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().UpdateAsset(request, assetId, CancellationToken.None)
        );
    }

    private async Task<AssetDetailEntity> DetailAsync(string assetId) =>
        (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow)).Value;

    private async Task<string?> AssetNamedAsync(string name)
    {
        await foreach (
            var row in app.Store.Assets.QueryAsync<AssetDetailEntity>(
                TableClient.CreateQueryFilter($"RowKey eq {TableKeys.AssetDetailRow} and Name eq {name}")
            )
        )
            return row.PartitionKey;
        return null;
    }

    /// <summary>What the platform does after a crash: the queue redelivers the dispatcher's messages, and later the
    /// sweep delivers what has no message.</summary>
    private async Task RecoverAsync()
    {
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        foreach (var message in await ReceiveOutboxAsync())
            await dispatcher.DispatchAsync(message, CancellationToken.None);
        app.Clock.Advance(app.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.SweepGrace);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await dispatcher.SweepAsync(CancellationToken.None);
        await CollectEventsAsync();
    }

    private async Task<List<OutboxMessage>> ReceiveOutboxAsync()
    {
        var messages = new List<OutboxMessage>();
        while (true)
        {
            var batch = (await app.Store.OutboxQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
                return messages;
            foreach (var m in batch)
            {
                messages.Add(
                    JsonSerializer.Deserialize(m.Body, Functions.Common.ApiJsonContext.Default.OutboxMessage)!
                );
                await app.Store.OutboxQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    private sealed record CloudEventSeen(string Id, string Type, string Subject, string SpecVersion);

    private async Task CollectEventsAsync()
    {
        while (true)
        {
            var batch = (await app.Store.EventsQueue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
                return;
            foreach (var m in batch)
            {
                var json = JsonDocument.Parse(m.Body.ToString()).RootElement;
                // Every event the change paths publish carries data valid against its type's schema.
                var type = json.GetProperty("type").GetString()!;
                var invalid = EventSchemaTests.Evaluate(type, json.GetProperty("data").GetRawText());
                Assert.True(invalid is null, $"{type}: {json}\n{invalid}");
                var seen = new CloudEventSeen(
                    json.GetProperty("id").GetString()!,
                    json.GetProperty("type").GetString()!,
                    json.GetProperty("subject").GetString()!,
                    json.GetProperty("specversion").GetString()!
                );
                if (!events.TryGetValue(seen.Subject, out var list))
                    events[seen.Subject] = list = [];
                list.Add(seen);
                await app.Store.EventsQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
    }

    private async Task AssertDeliveredOnceAsync(Change change, string because)
    {
        var trail = app.Services.GetRequiredService<AuditTrail>();
        var verification = await trail.VerifyAsync(CancellationToken.None);
        Assert.True(verification.Intact, because);

        var pending = 0;
        await foreach (var _ in app.Store.Outbox.QueryAsync<TableEntity>())
            pending++;
        Assert.True(pending == 0, $"{because}: {pending} outbox entr(ies) left after the sweep");

        var committed = await change.CommittedEntityId();
        if ((committed ?? change.KnownId) is not { } entityId)
            return; // a create that did not happen: there is no entity to have records
        var records = (
            await trail.QueryAsync(change.AuditEntity, entityId, null, null, null, 1000, CancellationToken.None)
        )
            .Where(r =>
                r.Action == change.AuditAction && (change.Correlation is null || r.CorrelationId == change.Correlation)
            )
            .ToList();
        // Committed: exactly once. Not committed: never (a refused or crashed change is not recorded as done) — or,
        // where the entry is written ahead of the change, at most the one record of the attempt.
        var expected = committed is null ? 0 : 1;
        Assert.True(
            records.Count == expected || (committed is null && change.WrittenAhead && records.Count == 1),
            $"{because}: {records.Count} '{change.AuditAction}' record(s)"
        );
        if (committed is null)
            return;
        if (change.EventType is { } type)
        {
            var subject = change.EventSubject?.Invoke(committed)
                ?? (change.AuditEntity == "asset" ? "assets/" : "licences/") + committed;
            var seen = events.GetValueOrDefault(subject, []).Where(e => e.Type == type).ToList();
            Assert.True(seen.Count >= 1, $"{because}: no {type} event");
            Assert.Single(seen.Select(e => e.Id).Distinct());
            Assert.All(seen, e => Assert.Equal("1.0", e.SpecVersion));
        }
    }
}
