using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Events;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>Check-ins in the audit trail: one record per processed inventory that changed the asset, never lost or
/// duplicated by redelivery; heartbeats are telemetry, not changes. The record (and the asset.changed event) travel
/// through the outbox: the entry rides on the check-in marker in the processor's final batch and the processor
/// delivers it itself; its own message, redelivered until processing ends, stands in for the pending row. Other
/// changes (enrollment) go through the outbox queue here, as in Azure: <see cref="DeliverAsync"/>.</summary>
public sealed class CheckinAuditTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(settings => settings["Outbox:DispatchInline"] = "false");

    public async Task DisposeAsync() => await app.DisposeAsync();

    private InventoryProcessor Processor => app.Services.GetRequiredService<InventoryProcessor>();

    private AuditTrail Trail => app.Services.GetRequiredService<AuditTrail>();

    private async Task<CheckinMessage> SendInventoryAsync(
        EnrolledDevice device,
        int softwareCount = 800,
        int variant = 0,
        string hostname = "ws-0001"
    )
    {
        var body = SamplePayloads.Inventory(
            device.DeviceId,
            device.Serial,
            macs: [device.Mac],
            softwareCount: softwareCount,
            variant: variant,
            hostname: hostname
        );
        var answer = await app.CheckinAsync(body.Text(), device.Authorization, gzip: true);
        Assert.True(answer.Status == 202, answer.Body);
        var message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage)!;
    }

    private async Task<List<AuditRecordView>> InventoryRecordsAsync(string deviceId) =>
        (await Trail.QueryAsync("asset", deviceId, null, null, null, 1000, CancellationToken.None))
            .Where(r => r.Action == "inventory")
            .ToList();

    private OutboxDispatcher Dispatcher => app.Services.GetRequiredService<OutboxDispatcher>();

    /// <summary>What the host does with the outbox queue: each message to the dispatcher.</summary>
    private async Task DeliverAsync()
    {
        while ((await app.Store.OutboxQueue.ReceiveMessageAsync()).Value is { } message)
        {
            await Dispatcher.DispatchAsync(
                JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.OutboxMessage)!,
                CancellationToken.None
            );
            await app.Store.OutboxQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }
    }

    /// <summary>The timer sweep, once the grace period of every pending entry is over.</summary>
    private async Task SweepAsync()
    {
        app.Clock.Advance(app.Services.GetRequiredService<IOptions<OutboxOptions>>().Value.SweepGrace);
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        await Dispatcher.SweepAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_processed_inventory_that_changed_the_asset_appends_one_bounded_record_with_the_device_as_actor()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device, softwareCount: 800);

        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));
        await DeliverAsync();

        var record = Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.Equal(AuditActor.Device(device.DeviceId), record.Actor);
        Assert.Equal(message.CheckinId, record.CorrelationId);
        var installed = Assert.Single(record.Changes, c => c.Field == "Software.Installed");
        Assert.StartsWith("800 (first 25): ", installed.To);
        Assert.Contains(record.Changes, c =>
            c.Field == "SerialNumber" || c.Field == "Manufacturer" || c.Field == "OsName"
        );
        var stored = await app.Store.AuditTrail.GetEntityAsync<AuditRecordEntity>(
            record.Lane,
            TableKeys.AuditRecordRow(record.Sequence)
        );
        Assert.True(stored.Value.ChangesJson.Length < 16_000, $"{stored.Value.ChangesJson.Length} characters");

        app.Clock.Advance(TimeSpan.FromDays(1));
        var second = await SendInventoryAsync(device, softwareCount: 795, variant: 10, hostname: "ws-0001-renamed");
        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(second, CancellationToken.None));
        await DeliverAsync();
        var update = Assert.Single(await InventoryRecordsAsync(device.DeviceId), r =>
            r.CorrelationId == second.CheckinId
        );
        Assert.Contains(new FieldChange("Hostname", "ws-0001", "ws-0001-renamed"), update.Changes);
        Assert.StartsWith("5: ", Assert.Single(update.Changes, c => c.Field == "Software.Uninstalled").From);
        Assert.StartsWith("10: ", Assert.Single(update.Changes, c => c.Field == "Software.Updated").To);
        Assert.True((await Trail.VerifyAsync(CancellationToken.None)).Intact);

        // Each changing inventory is announced: itinventory.asset.changed with the record's changes.
        var changed = (await app.Store.EventsQueue.ReceiveMessagesAsync(32))
            .Value.Select(m => JsonDocument.Parse(m.Body.ToString()).RootElement)
            .Where(e => e.GetProperty("type").GetString() == Functions.Events.EventTypes.AssetChanged)
            .ToList();
        Assert.Equal(2, changed.Count);
        Assert.All(changed, e => Assert.Equal("assets/" + device.DeviceId, e.GetProperty("subject").GetString()));
        Assert.Contains(changed, e =>
            e.GetProperty("data").GetProperty("action").GetString() == "inventory"
            && e.GetProperty("data")
                .GetProperty("changes")
                .EnumerateArray()
                .Any(c => c.GetProperty("field").GetString() == "Hostname")
        );
    }

    [Fact]
    public async Task A_redelivered_message_neither_loses_nor_duplicates_the_record()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device);

        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));
        var events = await DrainEventsAsync();
        var changed = Assert.Single(events, e => e.Type == EventTypes.AssetChanged);
        var before = await app.SnapshotAsync();
        using (var scope = StorageRequestCounter.BeginScope())
        {
            Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
            // The redelivery reads the marker, which carries the entry, and the record's reference row: delivered
            // already, so nothing is appended or sent again; nothing goes through the outbox table.
            Assert.Contains(scope.Requests, r =>
                r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("ci%7C", StringComparison.Ordinal)
                || r.StartsWith("GET ", StringComparison.Ordinal) && r.Contains("ci|", StringComparison.Ordinal)
            );
            Assert.DoesNotContain(scope.Requests, r => r.Contains("/outbox", StringComparison.Ordinal));
        }

        Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.Empty(await DrainEventsAsync());
        // A redelivery of the inventory last applied merges the summary row again with the same values (in case the
        // first delivery stopped before it); nothing else is written.
        await app.AssertUnchangedSinceAsync(
            before,
            StorageSnapshot.Row(app.Store.Summaries, TableKeys.SummaryPartition(device.DeviceId), device.DeviceId)
        );
    }

    [Fact]
    public async Task A_crash_after_the_batch_loses_no_record_and_the_redelivered_message_delivers_it_once()
    {
        // Where the final batch comes, measured on a device like it.
        var twin = await SendInventoryAsync(await app.EnrollNewDeviceAsync(), softwareCount: 5);
        int afterBatch;
        using (var counting = StorageRequestCounter.BeginScope())
        {
            await Processor.ProcessAsync(twin, CancellationToken.None);
            // The summary merge follows the final batch.
            afterBatch =
                counting.Requests.ToList().FindLastIndex(r => r.StartsWith("PATCH ", StringComparison.Ordinal)
                    && r.Contains("assetsummary", StringComparison.Ordinal)
                ) + 1;
        }
        await DeliverAsync();
        await DrainEventsAsync();
        var device = await app.EnrollNewDeviceAsync();
        await DeliverAsync();
        var message = await SendInventoryAsync(device, softwareCount: 5);

        // The process dies right after the final batch (before the summary merge and the delivery).
        using (var crash = StorageRequestCounter.BeginScope().FailAt(afterBatch))
        {
            await Assert.ThrowsAsync<InjectedFaultException>(() =>
                Processor.ProcessAsync(message, CancellationToken.None)
            );
        }
        Assert.True(
            (
                await app.Store.Assets.GetEntityIfExistsAsync<TableEntity>(
                    device.DeviceId,
                    TableKeys.CheckinMarkerRow(message.CheckinId)
                )
            ).HasValue,
            "the batch committed"
        );
        Assert.Empty(await InventoryRecordsAsync(device.DeviceId));

        // The message was not deleted: its redeliveries find the marker and deliver the entry, once.
        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
        var record = Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.Equal(message.CheckinId, record.CorrelationId);
        Assert.Contains(record.Changes, c => c.Field == "Software.Installed");
        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
        await SweepAsync();
        Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        // The asset.changed event at least once, always with the same id.
        var events = (await DrainEventsAsync()).Where(e => e.Type == EventTypes.AssetChanged).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.Equal(events[0], e));
        Assert.True((await Trail.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task A_delivery_failing_after_the_change_leaves_a_pending_row_the_sweep_delivers_keeping_the_marker()
    {
        var device = await app.EnrollNewDeviceAsync();
        await DeliverAsync();
        await DrainEventsAsync();
        var message = await SendInventoryAsync(device, softwareCount: 5);

        // An outage of the events queue (here: it is gone) fails the delivery after the change committed.
        await app.Store.EventsQueue.DeleteAsync();
        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));
        var pending = await app
            .Store.Outbox.QueryAsync<OutboxPendingEntity>(p => p.PartitionKey == OutboxKeys.PendingPartition)
            .ToListAsync();
        var row = Assert.Single(pending);
        Assert.Equal(TableKeys.CheckinMarkerRow(message.CheckinId), row.TargetRow);

        await app.Store.EventsQueue.CreateAsync();
        await SweepAsync();
        var record = Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.Equal(message.CheckinId, record.CorrelationId);
        Assert.Single(await DrainEventsAsync(), e => e.Type == EventTypes.AssetChanged);
        Assert.Empty(
            await app
                .Store.Outbox.QueryAsync<OutboxPendingEntity>(p => p.PartitionKey == OutboxKeys.PendingPartition)
                .ToListAsync()
        );
        // The marker stays: it still guards against a second processing of the check-in.
        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
        Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.True((await Trail.VerifyAsync(CancellationToken.None)).Intact);
    }

    private sealed record ReceivedEvent(string Id, string Type);

    private async Task<List<ReceivedEvent>> DrainEventsAsync()
    {
        var events = new List<ReceivedEvent>();
        while ((await app.Store.EventsQueue.ReceiveMessagesAsync(32)).Value is { Length: > 0 } batch)
        {
            foreach (var m in batch)
            {
                var root = JsonDocument.Parse(m.Body.ToString()).RootElement;
                events.Add(new(root.GetProperty("id").GetString()!, root.GetProperty("type").GetString()!));
                await app.Store.EventsQueue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }
        return events;
    }

    [Fact]
    public async Task A_marker_written_before_the_outbox_still_gets_its_missing_record_once_on_redelivery()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device);
        // What the processor wrote before the outbox: the marker carrying the record's changes, appended later.
        IReadOnlyList<FieldChange> changes = [new("Hostname", null, "ws-0001")];
        await app.Store.Assets.AddEntityAsync(
            new TableEntity(device.DeviceId, TableKeys.CheckinMarkerRow(message.CheckinId))
            {
                ["ProcessedAt"] = app.Clock.GetUtcNow(),
                [CheckinAudit.MarkerColumn] = CheckinAudit.Serialize(changes),
            }
        );

        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));

        var record = Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.Equal(changes, record.Changes);
        Assert.True(
            await Trail.IsAppendedAsync(
                "asset",
                device.DeviceId,
                CheckinAudit.Key(message.CheckinId),
                CancellationToken.None
            )
        );
        Assert.True((await Trail.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Changed_inventory_with_its_audit_record_stays_within_ten_requests_and_heartbeats_are_not_audited()
    {
        var device = await app.EnrollNewDeviceAsync();
        await Processor.ProcessAsync(await SendInventoryAsync(device), CancellationToken.None);
        await DeliverAsync();
        app.Clock.Advance(TimeSpan.FromDays(1));

        var body = SamplePayloads.Inventory(
            device.DeviceId,
            device.Serial,
            macs: [device.Mac],
            softwareCount: 800,
            variant: 10
        );
        using var total = StorageRequestCounter.BeginScope();
        var answer = await app.CheckinAsync(body.Text(), device.Authorization, gzip: true);
        Assert.Equal(202, answer.Status);
        var received = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        var intake = total.Count - 1; // the receive above is the test's, not the app's
        using (var processing = StorageRequestCounter.BeginScope())
        {
            Assert.Equal(
                ProcessingOutcome.Applied,
                await Processor.ProcessAsync(
                    JsonSerializer.Deserialize(received.Body, ApiJsonContext.Default.CheckinMessage)!,
                    CancellationToken.None
                )
            );
            Assert.True(
                intake + processing.Count <= 10,
                $"intake {intake} + processing {processing.Count}:\n{string.Join("\n", total.Requests)}"
            );
        }
        await DeliverAsync();
        Assert.Equal(2, (await InventoryRecordsAsync(device.DeviceId)).Count);

        var records = (await Trail.VerifyAsync(CancellationToken.None)).Records;
        Assert.Equal(
            200,
            (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization)).Status
        );
        Assert.Equal(records, (await Trail.VerifyAsync(CancellationToken.None)).Records);
    }
}
