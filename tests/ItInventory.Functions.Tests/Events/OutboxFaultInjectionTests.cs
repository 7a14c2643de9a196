using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Events;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Catalogue;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Licences;
using ItInventory.Functions.Tests.Lifecycle;
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

    public async Task InitializeAsync()
    {
        // The queue path as in Azure: entries reach the dispatcher through the outbox queue, not inline.
        app = await TestApp.StartAsync(settings => settings["Outbox:DispatchInline"] = "false");
        licences = new LicenceTestKit(app);
        lifecycle = new LifecycleClient(app);
        await app.ImportPeopleAsync((Person, "Active"));
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    /// <summary>The change paths that commit an audit record and/or an event through the outbox.</summary>
    public enum ChangePath
    {
        CreateAsset,
        PatchAsset,
        TransitionAsset,
        CreateLicenceProduct,
        AddEntitlement,
        AssignSeat,
    }

    /// <summary>One change of a path, on a fresh entity: how to make it, whether it committed, and what it implies.
    /// </summary>
    private sealed record Change(
        Func<Task> Act,
        Func<Task<string?>> CommittedEntityId,
        string AuditEntity,
        string AuditAction,
        string? EventType,
        string? KnownId = null
    );

    [Theory]
    [InlineData(ChangePath.CreateAsset)]
    [InlineData(ChangePath.PatchAsset)]
    [InlineData(ChangePath.TransitionAsset)]
    [InlineData(ChangePath.CreateLicenceProduct)]
    [InlineData(ChangePath.AddEntitlement)]
    [InlineData(ChangePath.AssignSeat)]
    public async Task A_crash_before_any_storage_request_of_a_change_loses_no_audit_record_and_writes_none_twice(
        ChangePath path
    )
    {
        for (var failAt = 1; ; failAt++)
        {
            Assert.True(failAt < 40, "the change never ran through");
            var change = await PrepareAsync(path, failAt);
            using var scope = StorageRequestCounter.BeginScope().FailAt(failAt);
            try
            {
                await change.Act();
            }
            catch (InjectedFaultException) { }
            var crashed = scope.Failed;
            scope.Dispose();

            await RecoverAsync();
            await AssertDeliveredOnceAsync(change, $"{path}, crash before request {failAt}");
            if (!crashed)
                break;
        }
    }

    [Theory]
    [InlineData(ChangePath.CreateAsset)]
    [InlineData(ChangePath.PatchAsset)]
    [InlineData(ChangePath.TransitionAsset)]
    [InlineData(ChangePath.CreateLicenceProduct)]
    [InlineData(ChangePath.AddEntitlement)]
    [InlineData(ChangePath.AssignSeat)]
    public async Task A_crash_before_any_storage_request_of_the_dispatcher_is_recovered_without_a_second_record(
        ChangePath path
    )
    {
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        for (var failAt = 1; ; failAt++)
        {
            Assert.True(failAt < 40, "the dispatcher never ran through");
            var change = await PrepareAsync(path, failAt);
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
                // Redelivery: the queue hands the same message over again.
                await dispatcher.DispatchAsync(message, CancellationToken.None);
            }
            await RecoverAsync();
            await AssertDeliveredOnceAsync(change, $"{path}, dispatcher crash before request {failAt}");
            if (!crashed)
                break;
        }
    }

    [Fact]
    public async Task An_asset_change_costs_the_requests_it_cost_before_the_outbox_and_the_dispatcher_six()
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
        // outbox row read, audit head read + batch, one event message, outbox row and pending row deletes
        Assert.True(dispatch.Count == 6, string.Join("\n", dispatch.Requests));
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
                throw new ArgumentOutOfRangeException(nameof(path));
        }
    }

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
            .Where(r => r.Action == change.AuditAction)
            .ToList();
        // Committed: exactly once. Not committed: never (a refused or crashed change is not recorded as done).
        var expected = committed is null ? 0 : 1;
        Assert.True(records.Count == expected, $"{because}: {records.Count} '{change.AuditAction}' record(s)");
        if (committed is null)
            return;
        if (change.EventType is { } type)
        {
            var subject = (change.AuditEntity == "asset" ? "assets/" : "licences/") + committed;
            var seen = events.GetValueOrDefault(subject, []).Where(e => e.Type == type).ToList();
            Assert.True(seen.Count >= 1, $"{because}: no {type} event");
            Assert.Single(seen.Select(e => e.Id).Distinct());
            Assert.All(seen, e => Assert.Equal("1.0", e.SpecVersion));
        }
    }
}
