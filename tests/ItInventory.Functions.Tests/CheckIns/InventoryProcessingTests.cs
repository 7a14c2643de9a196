using System.IO.Compression;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using ItInventory.Functions.Assets;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.CheckIns;

public sealed class InventoryProcessingTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private InventoryProcessor Processor => app.Services.GetRequiredService<InventoryProcessor>();

    private async Task<CheckinMessage> SendInventoryAsync(
        EnrolledDevice device,
        int softwareCount = 800,
        int variant = 0,
        IEnumerable<(string Mac, string Ip)>? neighbours = null,
        string hostname = "ws-0001"
    )
    {
        var body = SamplePayloads.Inventory(
            device.DeviceId,
            device.Serial,
            macs: [device.Mac],
            softwareCount: softwareCount,
            variant: variant,
            neighbours: neighbours,
            hostname: hostname
        );
        var answer = await app.CheckinAsync(body.Text(), device.Authorization, gzip: true);
        Assert.True(answer.Status == 202, answer.Body);
        var message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        var checkin = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage)!;
        Assert.Equal(answer.Json.GetProperty("checkinId").GetString(), checkin.CheckinId);
        return checkin;
    }

    private async Task<Dictionary<string, TableEntity>> PartitionAsync(string assetId) =>
        (
            await app
                .Store.Assets.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {assetId}"))
                .ToListAsync()
        ).ToDictionary(e => e.RowKey);

    [Fact]
    public async Task Full_inventory_is_stored_as_gzip_blob_and_announced_by_a_small_claim_check_message()
    {
        var device = await app.EnrollNewDeviceAsync();
        var body = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]).Text();

        var answer = await app.CheckinAsync(body, device.Authorization);

        Assert.Equal(202, answer.Status);
        var checkinId = answer.Json.GetProperty("checkinId").GetString()!;
        var message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        Assert.True(message.Body.ToArray().Length < 512, "the queue message is a claim check, not the payload");
        var checkin = JsonSerializer.Deserialize(message.Body, ApiJsonContext.Default.CheckinMessage)!;
        Assert.Equal($"2026/11/02/{device.DeviceId}/{checkinId}.json.gz", checkin.BlobName);

        var blob = await app.Store.Checkins.GetBlobClient(checkin.BlobName).DownloadContentAsync();
        Assert.Equal("gzip", blob.Value.Details.ContentEncoding);
        await using var inflater = new GZipStream(blob.Value.Content.ToStream(), CompressionMode.Decompress);
        Assert.Equal(body, await new StreamReader(inflater).ReadToEndAsync());
    }

    [Fact]
    public async Task First_inventory_fills_the_asset_software_index_and_history()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device);

        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));

        var rows = await PartitionAsync(device.DeviceId);
        var detail = TableEntityMapper.To<AssetDetailEntity>(rows[TableKeys.AssetDetailRow]);
        Assert.Equal("Debian GNU/Linux", detail.OsName);
        Assert.Equal(32768, detail.MemoryMb);
        Assert.Equal(10, detail.CpuCores);
        Assert.Equal(nameof(AssetType.Laptop), detail.Type);
        Assert.Equal(800, detail.SoftwareCount);
        Assert.Equal(message.InventoryHash, detail.InventoryHash);
        Assert.Contains("nvme0n1", detail.DisksJson);
        Assert.Contains("alice", detail.LocalUsersJson);
        Assert.Equal(800, rows.Keys.Count(k => k.StartsWith(TableKeys.SoftwareRowPrefix, StringComparison.Ordinal)));
        Assert.Contains(TableKeys.CheckinMarkerRow(message.CheckinId), rows.Keys);
        var history = rows
            .Values.Where(r => r.RowKey.StartsWith(TableKeys.HistoryRowPrefix, StringComparison.Ordinal))
            .Select(TableEntityMapper.To<AssetHistoryEntity>)
            .ToList();
        var fromCheckin = Assert.Single(history, h => h.CheckinId == message.CheckinId);
        Assert.Contains("800 software added", fromCheckin.Summary);

        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(device.DeviceId),
                device.DeviceId
            )
        ).Value;
        Assert.Equal(message.InventoryHash, summary.InventoryHash);
        Assert.Equal(message.ReceivedAt, summary.LastInventoryAt);
        Assert.False(summary.FullInventoryRequested);
    }

    [Fact]
    public async Task Second_inventory_writes_only_what_changed_and_marks_removed_software_uninstalled()
    {
        var device = await app.EnrollNewDeviceAsync();
        await Processor.ProcessAsync(await SendInventoryAsync(device, softwareCount: 800), CancellationToken.None);
        var before = await PartitionAsync(device.DeviceId);

        app.Clock.Advance(TimeSpan.FromDays(1));
        // 10 packages upgraded, the last 5 removed, hostname changed.
        var message = await SendInventoryAsync(device, softwareCount: 795, variant: 10, hostname: "ws-0001-renamed");
        using var scope = StorageRequestCounter.BeginScope();
        Assert.Equal(ProcessingOutcome.Applied, await Processor.ProcessAsync(message, CancellationToken.None));
        // 4 for the inventory, 1 for its outbox entry's pending row, and (tests dispatch inline, in place of the queue
        // message) the dispatcher's 6: outbox row read, lane head read, append batch, asset.changed, 2 deletes.
        Assert.True(scope.Count <= 11, string.Join("\n", scope.Requests));

        var after = await PartitionAsync(device.DeviceId);
        var changedSoftware = after
            .Values.Where(r =>
                r.RowKey.StartsWith(TableKeys.SoftwareRowPrefix, StringComparison.Ordinal)
                && r.ETag != before[r.RowKey].ETag
            )
            .ToList();
        Assert.Equal(15, changedSoftware.Count);
        var removed = changedSoftware
            .Select(TableEntityMapper.To<SoftwareEntity>)
            .Where(s => s.State == nameof(SoftwareState.Uninstalled))
            .ToList();
        Assert.Equal(5, removed.Count);
        Assert.All(removed, s => Assert.Equal(message.ReceivedAt, s.UninstalledAt));
        Assert.Equal(795, TableEntityMapper.To<AssetDetailEntity>(after[TableKeys.AssetDetailRow]).SoftwareCount);

        var history = after
            .Values.Select(TableEntityMapper.To<AssetHistoryEntity>)
            .Single(h => h.CheckinId == message.CheckinId);
        var changes = JsonSerializer.Deserialize(history.ChangesJson!, ApiJsonContext.Default.AssetChanges)!;
        Assert.Equal(10, changes.SoftwareUpdatedCount);
        Assert.Equal(5, changes.SoftwareRemovedCount);
        Assert.Equal(0, changes.SoftwareAddedCount);
        var hostname = Assert.Single(changes.Fields, f => f.Field == nameof(AssetDetailEntity.Hostname));
        Assert.Equal("ws-0001-renamed", hostname.To);
        Assert.Contains("+upd1", changes.SoftwareUpdated[0]);
    }

    [Fact]
    public async Task Redelivered_message_writes_nothing_twice()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device, softwareCount: 250);
        await Processor.ProcessAsync(message, CancellationToken.None);
        var before = await PartitionAsync(device.DeviceId);
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(ProcessingOutcome.Duplicate, await Processor.ProcessAsync(message, CancellationToken.None));

        var after = await PartitionAsync(device.DeviceId);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(after.Values, row => Assert.Equal(before[row.RowKey].ETag, row.ETag));
        // Beyond the asset's partition: only the summary row is merged again, with the same values.
        await app.AssertUnchangedSinceAsync(
            snapshot,
            StorageSnapshot.Row(app.Store.Summaries, TableKeys.SummaryPartition(device.DeviceId), device.DeviceId)
        );
    }

    [Fact]
    public async Task Older_inventory_arriving_after_a_newer_one_is_only_marked_processed()
    {
        var device = await app.EnrollNewDeviceAsync();
        var older = await SendInventoryAsync(device, softwareCount: 100);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var newer = await SendInventoryAsync(device, softwareCount: 120);
        await Processor.ProcessAsync(newer, CancellationToken.None);
        var before = await PartitionAsync(device.DeviceId);

        Assert.Equal(ProcessingOutcome.Stale, await Processor.ProcessAsync(older, CancellationToken.None));

        var after = await PartitionAsync(device.DeviceId);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Contains(TableKeys.CheckinMarkerRow(older.CheckinId), after.Keys);
        Assert.Equal(120, TableEntityMapper.To<AssetDetailEntity>(after[TableKeys.AssetDetailRow]).SoftwareCount);
    }

    [Fact]
    public async Task Unchanged_full_inventory_stops_at_the_door()
    {
        var device = await app.EnrollNewDeviceAsync();
        await Processor.ProcessAsync(await SendInventoryAsync(device), CancellationToken.None);
        var snapshot = await app.SnapshotAsync();
        var body = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]);
        // Same machine, software listed in another order and collected later: still unchanged.
        var software = body["inventory"]!["software"]!.AsArray();
        var reversed = software.Reverse().Select(n => n!.DeepClone()).ToArray();
        software.Clear();
        foreach (var item in reversed)
            software.Add(item);
        body["inventory"]!["collectedAt"] = "2026-11-03T10:00:00Z";
        var request = app.JsonRequest("/api/checkins", body.Text(), device.Authorization, gzip: true);

        using var scope = StorageRequestCounter.BeginScope();
        var answer = await app.CheckinAsync(request);

        Assert.Equal(200, answer.Status);
        Assert.Equal("unchanged", answer.Json.GetProperty("status").GetString());
        Assert.True(scope.Count <= 2, string.Join("\n", scope.Requests));
        // Only last-seen is merged into the summary row: no blob, no message, no other row.
        await app.AssertUnchangedSinceAsync(
            snapshot,
            StorageSnapshot.Row(app.Store.Summaries, TableKeys.SummaryPartition(device.DeviceId), device.DeviceId)
        );
    }

    [Fact]
    public async Task Neighbours_that_match_no_asset_become_unregistered_device_sightings()
    {
        var known = await app.EnrollNewDeviceAsync();
        var device = await app.EnrollNewDeviceAsync();
        var stranger = "00:1B:63:84:45:E6";
        var message = await SendInventoryAsync(
            device,
            softwareCount: 10,
            neighbours: [(stranger, "192.168.1.77"), (known.Mac, "192.168.1.20"), ("33:33:00:00:00:01", "ff02::1")]
        );

        await Processor.ProcessAsync(message, CancellationToken.None);

        var sightings = await app.Store.Sightings.QueryAsync<SightingEntity>().ToListAsync();
        var sighting = Assert.Single(sightings);
        Assert.Equal("001B638445E6", sighting.MacAddress);
        Assert.Equal("192.168.1.77", sighting.LastIpAddress);
        Assert.Equal(device.DeviceId, sighting.FirstSeenBy);
        Assert.Equal(message.ReceivedAt, sighting.FirstSeenAt);

        // Seen again later by another device: first-seen stays, last-seen moves.
        app.Clock.Advance(TimeSpan.FromDays(2));
        var again = await SendInventoryAsync(known, softwareCount: 10, neighbours: [(stranger, "192.168.1.78")]);
        await Processor.ProcessAsync(again, CancellationToken.None);
        sighting = Assert.Single(await app.Store.Sightings.QueryAsync<SightingEntity>().ToListAsync());
        Assert.Equal(device.DeviceId, sighting.FirstSeenBy);
        Assert.Equal(known.DeviceId, sighting.LastSeenBy);
        Assert.Equal(again.ReceivedAt, sighting.LastSeenAt);
        Assert.Equal("192.168.1.78", sighting.LastIpAddress);
    }

    [Fact]
    public async Task Corrupt_payload_fails_processing_keeps_the_blob_and_writes_nothing()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device, softwareCount: 10);
        await app
            .Store.Checkins.GetBlobClient(message.BlobName)
            .UploadAsync(BinaryData.FromString("not gzip"), overwrite: true);
        var before = await PartitionAsync(device.DeviceId);
        var snapshot = await app.SnapshotAsync();

        await Assert.ThrowsAsync<CheckinProcessingException>(() =>
            Processor.ProcessAsync(message, CancellationToken.None)
        );

        Assert.True(
            (await app.Store.Checkins.GetBlobClient(message.BlobName).ExistsAsync()).Value,
            "the blob is kept for replay"
        );
        Assert.Equal(before.Keys.Order(), (await PartitionAsync(device.DeviceId)).Keys.Order());
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Message_whose_blob_is_missing_fails_so_the_host_retries_and_then_poisons_it()
    {
        var device = await app.EnrollNewDeviceAsync();
        var message = await SendInventoryAsync(device, softwareCount: 10) with
        {
            BlobName = "2026/11/02/missing.json.gz",
        };
        var queued = QueuesModelFactory.QueueMessage(
            "id-1",
            "pop",
            JsonSerializer.Serialize(message, ApiJsonContext.Default.CheckinMessage),
            dequeueCount: 1
        );

        var error = await Assert.ThrowsAsync<CheckinProcessingException>(() =>
            app.Checkins.ProcessCheckin(queued, CancellationToken.None)
        );

        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public async Task Queue_message_that_is_not_a_check_in_fails_clearly()
    {
        var queued = QueuesModelFactory.QueueMessage("id-1", "pop", "{\"hello\":", dequeueCount: 1);

        await Assert.ThrowsAsync<CheckinProcessingException>(() =>
            app.Checkins.ProcessCheckin(queued, CancellationToken.None)
        );
    }

    [Fact]
    public async Task Software_listed_twice_side_by_side_is_kept_as_two_rows()
    {
        var device = await app.EnrollNewDeviceAsync();
        var body = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: 0);
        var software = body["inventory"]!["software"]!.AsArray();
        software.Add(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "linux-image-amd64", ["version"] = "6.1.0-27" }
        );
        software.Add(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "linux-image-amd64", ["version"] = "6.1.0-28" }
        );
        software.Add(new System.Text.Json.Nodes.JsonObject { ["name"] = "Name/With#Odd?Chars\\", ["version"] = "1" });
        Assert.Equal(202, (await app.CheckinAsync(body.Text(), device.Authorization)).Status);

        Assert.True(await app.ProcessNextCheckinAsync());

        var rows = await PartitionAsync(device.DeviceId);
        Assert.Equal(3, rows.Keys.Count(k => k.StartsWith(TableKeys.SoftwareRowPrefix, StringComparison.Ordinal)));
    }
}

public sealed class PoisonReplayTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Poisoned_check_in_is_replayed_from_its_kept_blob_and_then_processed()
    {
        var device = await app.EnrollNewDeviceAsync();
        var answer = await app.CheckinAsync(
            SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: 20).Text(),
            device.Authorization
        );
        Assert.Equal(202, answer.Status);
        // What the host does after maxDequeueCount failed deliveries: move the message text to <queue>-poison.
        var message = (await app.Store.CheckinQueue.ReceiveMessageAsync()).Value;
        await app.Store.CheckinPoisonQueue.SendMessageAsync(message.Body);
        await app.Store.CheckinQueue.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        var request = app.Request(
            "POST",
            "/api/checkins/poison/replay",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        var replay = await TestApp.ExecuteAsync(
            request,
            app.Checkins.ReplayPoisonCheckins(request, CancellationToken.None)
        );

        Assert.Equal(200, replay.Status);
        Assert.Equal(1, replay.Json.GetProperty("replayed").GetInt32());
        Assert.Equal(0, replay.Json.GetProperty("remaining").GetInt32());
        Assert.True(await app.ProcessNextCheckinAsync());
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(
                TableKeys.SummaryPartition(device.DeviceId),
                device.DeviceId
            )
        ).Value;
        Assert.Equal(answer.Json.GetProperty("inventoryHash").GetString(), summary.InventoryHash);
    }

    [Fact]
    public async Task Replay_with_a_bad_max_is_400()
    {
        var request = app.Request(
            "POST",
            "/api/checkins/poison/replay",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        request.QueryString = new Microsoft.AspNetCore.Http.QueryString("?max=0");

        var answer = await TestApp.ExecuteAsync(
            request,
            app.Checkins.ReplayPoisonCheckins(request, CancellationToken.None)
        );

        Assert.Equal(400, answer.Status);
    }
}
