using System.Text.Json;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.CheckIns;

/// <summary>Check-ins in the audit trail: one record per processed inventory that changed the asset, never lost or
/// duplicated by redelivery; heartbeats are telemetry, not changes.</summary>
public sealed class CheckinAuditTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

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

    [Fact]
    public async Task A_processed_inventory_that_changed_the_asset_appends_one_bounded_record_with_the_device_as_actor()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device, softwareCount: 800);

        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));

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
        var update = Assert.Single(await InventoryRecordsAsync(device.DeviceId), r =>
            r.CorrelationId == second.CheckinId
        );
        Assert.Contains(new FieldChange("Hostname", "ws-0001", "ws-0001-renamed"), update.Changes);
        Assert.StartsWith("5: ", Assert.Single(update.Changes, c => c.Field == "Software.Uninstalled").From);
        Assert.StartsWith("10: ", Assert.Single(update.Changes, c => c.Field == "Software.Updated").To);
        Assert.True((await Trail.VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task A_redelivered_message_neither_loses_nor_duplicates_the_record()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device);

        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));
        var before = await app.SnapshotAsync();
        using (var scope = StorageRequestCounter.BeginScope())
        {
            Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
            // "Was it appended?" is one point read of the reference row.
            Assert.Contains(scope.Requests, r =>
                r.StartsWith("GET ", StringComparison.Ordinal)
                && (
                    r.Contains("ref%7Ccheckin", StringComparison.Ordinal)
                    || r.Contains("ref|checkin", StringComparison.Ordinal)
                )
            );
        }

        Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        // A redelivery of the inventory last applied merges the summary row again with the same values (in case the
        // first delivery stopped before it); nothing else is written.
        await app.AssertUnchangedSinceAsync(
            before,
            StorageSnapshot.Row(app.Store.Summaries, TableKeys.SummaryPartition(device.DeviceId), device.DeviceId)
        );
    }

    [Fact]
    public async Task A_crash_between_the_batch_and_the_append_still_yields_exactly_one_record_after_redelivery()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device);

        // The append fails once: the audit table is gone while the first delivery runs.
        await app.Store.AuditTrail.DeleteAsync();
        await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() =>
            Processor.ProcessAsync(message, CancellationToken.None)
        );
        await app.Store.AuditTrail.CreateIfNotExistsAsync();
        Assert.Empty(await InventoryRecordsAsync(device.DeviceId));
        var marker = await app.Store.Assets.GetEntityAsync<TableEntity>(
            device.DeviceId,
            TableKeys.CheckinMarkerRow(message.CheckinId)
        );
        Assert.False(string.IsNullOrEmpty(marker.Value.GetString(CheckinAudit.MarkerColumn)));

        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));
        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));

        var record = Assert.Single(await InventoryRecordsAsync(device.DeviceId));
        Assert.Equal(message.CheckinId, record.CorrelationId);
        Assert.Contains(record.Changes, c => c.Field == "Software.Installed");
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
    public async Task A_record_missing_after_a_crash_is_appended_even_when_a_newer_inventory_was_applied_meanwhile()
    {
        var device = await app.EnrollNewDeviceAsync();
        var first = await SendInventoryAsync(device);
        await app.Store.AuditTrail.DeleteAsync();
        await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() =>
            Processor.ProcessAsync(first, CancellationToken.None)
        );
        await app.Store.AuditTrail.CreateIfNotExistsAsync();
        app.Clock.Advance(TimeSpan.FromHours(1));
        var newer = await SendInventoryAsync(device, variant: 3);
        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(newer, CancellationToken.None));

        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(first, CancellationToken.None));
        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(first, CancellationToken.None));

        var records = await InventoryRecordsAsync(device.DeviceId);
        Assert.Equal(
            new[] { first.CheckinId, newer.CheckinId }.Order(StringComparer.Ordinal),
            records.Select(r => r.CorrelationId!).Order(StringComparer.Ordinal).ToArray()
        );
    }

    [Fact]
    public async Task Changed_inventory_with_its_audit_record_stays_within_ten_requests_and_heartbeats_are_not_audited()
    {
        var device = await app.EnrollNewDeviceAsync();
        await Processor.ProcessAsync(await SendInventoryAsync(device), CancellationToken.None);
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
        Assert.Equal(2, (await InventoryRecordsAsync(device.DeviceId)).Count);

        var records = (await Trail.VerifyAsync(CancellationToken.None)).Records;
        Assert.Equal(
            200,
            (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization)).Status
        );
        Assert.Equal(records, (await Trail.VerifyAsync(CancellationToken.None)).Records);
    }
}
