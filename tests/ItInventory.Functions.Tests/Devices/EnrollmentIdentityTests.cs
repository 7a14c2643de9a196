using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Findings;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Devices;

/// <summary>Issue 11: conflicts go to review, never merge; a MAC alone never re-enrolls; any strong identity
/// enrolls.</summary>
public sealed class EnrollmentIdentityTests : IAsyncLifetime
{
    private const string MachineId1 = "4b1e9c7d2a3f4e5d8c6b7a8f9e0d1c2b";
    private const string MachineId2 = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static string Body(
        string? serial = null,
        string? uuid = null,
        string[]? macs = null,
        string hostname = "ws-0001",
        JsonObject? platform = null
    ) =>
        new JsonObject
        {
            ["enrollmentSecret"] = TestApp.EnrollmentSecret,
            ["hostname"] = hostname,
            ["serialNumber"] = serial,
            ["smbiosUuid"] = uuid,
            ["macAddresses"] = new JsonArray((macs ?? []).Select(m => (JsonNode?)JsonValue.Create(m)).ToArray()),
            ["platformIdentities"] = platform,
            ["type"] = "laptop",
            ["agent"] = new JsonObject { ["name"] = "itinventory-agent", ["version"] = "1.0.0" },
        }.ToJsonString();

    private async Task<(int Status, string DeviceId, string Authorization)> EnrollAsync(string body)
    {
        var answer = await app.EnrollAsync(body);
        Assert.True(answer.Status is 200 or 201, answer.Body);
        return (
            answer.Status,
            answer.Json.GetProperty("deviceId").GetString()!,
            answer.Json.GetProperty("authorization").GetString()!
        );
    }

    private async Task<int> HeartbeatAsync(string deviceId, string authorization) =>
        (await app.CheckinAsync(SamplePayloads.Heartbeat(deviceId).Text(), authorization)).Status;

    private async Task<AssetSummaryEntity> SummaryAsync(string id) =>
        (await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(id), id)).Value;

    private async Task<AssetDetailEntity> DetailAsync(string id) =>
        (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(id, TableKeys.AssetDetailRow)).Value;

    private async Task<string?> HolderAsync(string key) =>
        (await app.Store.Identities.GetEntityIfExistsAsync<AssetIdentityEntity>(key, TableKeys.IdentityRow))
            is { HasValue: true } row
            ? row.Value!.AssetId
            : null;

    private async Task<JsonElement> AssetViewAsync(string id)
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{id}",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        var answer = await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, id, CancellationToken.None)
        );
        Assert.Equal(200, answer.Status);
        return answer.Json;
    }

    /// <summary>The new asset is a suspected duplicate of exactly <paramref name="of"/>, visible in the asset view,
    /// with a history row, an audit record and an open finding saying why; the existing assets are untouched.</summary>
    private async Task AssertSuspectedDuplicateAsync(string newId, params string[] of)
    {
        var expected = string.Join(",", of.Order(StringComparer.Ordinal));
        Assert.Equal(expected, (await DetailAsync(newId)).SuspectedDuplicateOf);
        Assert.Equal(expected, (await SummaryAsync(newId)).SuspectedDuplicateOf);
        Assert.Equal(nameof(LifecycleState.Discovered), (await SummaryAsync(newId)).State);
        var view = await AssetViewAsync(newId);
        Assert.Equal(
            of.Order(StringComparer.Ordinal),
            view.GetProperty("suspectedDuplicateOf").EnumerateArray().Select(e => e.GetString())
        );

        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(h =>
                h.PartitionKey == newId && h.RowKey.CompareTo("h|") >= 0 && h.RowKey.CompareTo("h}") < 0
            )
            .ToListAsync();
        Assert.Contains(history, h => h.Summary.Contains("suspected duplicate") && h.Summary.Contains(of[0]));

        var audit = await app
            .Store.AuditTrail.QueryAsync<AuditRecordEntity>(r =>
                r.EntityId == newId && r.Action == "suspected-duplicate"
            )
            .ToListAsync();
        Assert.Contains(of[0], Assert.Single(audit).ChangesJson);

        var findings = await app
            .Services.GetRequiredService<FindingsTables>()
            .Findings.QueryAsync<FindingEntity>(f =>
                f.PartitionKey == FindingKinds.SuspectedDuplicate && f.SubjectId == newId
            )
            .ToListAsync();
        var finding = Assert.Single(findings);
        Assert.Equal(nameof(FindingStatus.Open), finding.Status);
        Assert.Contains(of[0], finding.Text);
    }

    [Fact]
    public async Task Agreeing_reimage_re_enrolls_onto_the_asset_and_revokes_the_old_credential()
    {
        var first = await EnrollAsync(
            Body("PF3ABC12", "4c4c4544-0042-3510-8052-b4c04f4e3732", platform: new() { ["machineId"] = MachineId1 })
        );

        // A reimage: same hardware identities, a new machine-id.
        var again = await EnrollAsync(
            Body(" pf3-abc12 ", "4C4C4544-0042-3510-8052-B4C04F4E3732", platform: new() { ["machineId"] = MachineId2 })
        );

        Assert.Equal(200, again.Status);
        Assert.Equal(first.DeviceId, again.DeviceId);
        Assert.Equal(401, await HeartbeatAsync(first.DeviceId, first.Authorization));
        Assert.Equal(200, await HeartbeatAsync(first.DeviceId, again.Authorization));
        Assert.Equal(first.DeviceId, await HolderAsync("machineid|" + MachineId2));
        Assert.Single(await app.Store.Summaries.QueryAsync<TableEntity>().ToListAsync());
        Assert.Empty(
            await app
                .Store.AuditTrail.QueryAsync<AuditRecordEntity>(r => r.Action == "suspected-duplicate")
                .ToListAsync()
        );
    }

    [Fact]
    public async Task Uuid_match_with_a_different_serial_becomes_a_suspected_duplicate_and_the_original_keeps_working()
    {
        const string uuid = "6f1c2b7a-0d43-4d8e-9a51-1c2d3e4f5a6b";
        var original = await EnrollAsync(Body("SERIALAAA1", uuid, ["3C:52:82:AA:00:01"]));
        var before = await SummaryAsync(original.DeviceId);

        var clone = await EnrollAsync(Body("SERIALBBB2", uuid, ["3C:52:82:BB:00:02"], hostname: "clone-01"));

        Assert.Equal(201, clone.Status);
        Assert.NotEqual(original.DeviceId, clone.DeviceId);
        await AssertSuspectedDuplicateAsync(clone.DeviceId, original.DeviceId);
        // The claims stay where they were; the clone holds only what nobody held.
        Assert.Equal(original.DeviceId, await HolderAsync("uuid|" + uuid));
        Assert.Equal(original.DeviceId, await HolderAsync("serial|SERIALAAA1"));
        Assert.Equal(clone.DeviceId, await HolderAsync("serial|SERIALBBB2"));
        Assert.Equal(clone.DeviceId, await HolderAsync("mac|3C5282BB0002"));
        var after = await SummaryAsync(original.DeviceId);
        Assert.Equal(before.CredentialHash, after.CredentialHash);
        Assert.Equal("SERIALAAA1", (await DetailAsync(original.DeviceId)).SerialNumber);
        Assert.True(string.IsNullOrEmpty(after.SuspectedDuplicateOf));
        Assert.Equal(200, await HeartbeatAsync(original.DeviceId, original.Authorization));
        Assert.Equal(200, await HeartbeatAsync(clone.DeviceId, clone.Authorization));
    }

    [Fact]
    public async Task Serial_match_with_a_different_uuid_becomes_a_suspected_duplicate()
    {
        var original = await EnrollAsync(Body("SHARED1234", "11111111-2222-4333-8444-555555555555"));

        var other = await EnrollAsync(Body("SHARED1234", "99999999-8888-4777-8666-555555555555"));

        Assert.Equal(201, other.Status);
        await AssertSuspectedDuplicateAsync(other.DeviceId, original.DeviceId);
        Assert.Equal(original.DeviceId, await HolderAsync("serial|SHARED1234"));
        Assert.Equal(other.DeviceId, await HolderAsync("uuid|99999999-8888-4777-8666-555555555555"));
        Assert.Equal(200, await HeartbeatAsync(original.DeviceId, original.Authorization));
    }

    [Fact]
    public async Task Identities_pointing_at_two_assets_become_a_suspected_duplicate_of_both()
    {
        var a = await EnrollAsync(Body("ASSETA0001", "aaaaaaaa-0000-4000-8000-00000000000a"));
        var b = await EnrollAsync(Body("ASSETB0002", "bbbbbbbb-0000-4000-8000-00000000000b"));

        var mixed = await EnrollAsync(Body("ASSETA0001", "bbbbbbbb-0000-4000-8000-00000000000b"));

        Assert.Equal(201, mixed.Status);
        await AssertSuspectedDuplicateAsync(mixed.DeviceId, a.DeviceId, b.DeviceId);
        Assert.Equal(3, (await app.Store.Summaries.QueryAsync<TableEntity>().ToListAsync()).Count);
        Assert.Equal(200, await HeartbeatAsync(a.DeviceId, a.Authorization));
        Assert.Equal(200, await HeartbeatAsync(b.DeviceId, b.Authorization));
    }

    [Fact]
    public async Task Machine_id_that_agrees_while_the_serial_differs_is_a_cloned_image_kept_apart()
    {
        var original = await EnrollAsync(Body("VMSERIAL01", platform: new() { ["machineId"] = MachineId1 }));

        var clone = await EnrollAsync(Body("VMSERIAL02", platform: new() { ["machineId"] = MachineId1 }));

        Assert.Equal(201, clone.Status);
        await AssertSuspectedDuplicateAsync(clone.DeviceId, original.DeviceId);
        Assert.Equal(original.DeviceId, await HolderAsync("machineid|" + MachineId1));
    }

    [Fact]
    public async Task A_mac_alone_never_re_enrolls_onto_an_existing_asset()
    {
        var victim = await EnrollAsync(Body("VICTIM0001", macs: ["3C:52:82:CC:DD:EE"]));

        var answer = await EnrollAsync(Body(macs: ["3c-52-82-cc-dd-ee"], hostname: "intruder"));

        Assert.Equal(201, answer.Status);
        Assert.NotEqual(victim.DeviceId, answer.DeviceId);
        await AssertSuspectedDuplicateAsync(answer.DeviceId, victim.DeviceId);
        Assert.Equal(victim.DeviceId, await HolderAsync("mac|3C5282CCDDEE"));
        Assert.Equal(200, await HeartbeatAsync(victim.DeviceId, victim.Authorization));
    }

    [Fact]
    public async Task Dmi_less_vm_with_only_local_macs_enrolls_on_its_machine_id_and_re_enrolls_on_it()
    {
        var body = Body(
            macs: ["52:54:00:12:34:56", "02:42:ac:11:00:02"],
            hostname: "debian-vm",
            platform: new() { ["machineId"] = MachineId1.ToUpperInvariant() }
        );

        var first = await EnrollAsync(body);
        var again = await EnrollAsync(body);

        Assert.Equal(201, first.Status);
        Assert.Equal(200, again.Status);
        Assert.Equal(first.DeviceId, again.DeviceId);
        Assert.Equal(first.DeviceId, await HolderAsync("machineid|" + MachineId1));
        Assert.Equal(MachineId1, (await DetailAsync(first.DeviceId)).MachineId);
        Assert.Equal(
            MachineId1,
            (await AssetViewAsync(first.DeviceId))
                .GetProperty("platformIdentities")
                .GetProperty("machineId")
                .GetString()
        );
    }

    [Fact]
    public async Task Cloud_instance_or_disk_serial_alone_is_enough_to_enroll_but_an_instance_id_needs_its_provider()
    {
        var cloud = await app.EnrollAsync(
            Body(platform: new() { ["cloudProvider"] = "AWS", ["cloudInstanceId"] = "i-0abc123def4567890" })
        );
        var disk = await app.EnrollAsync(Body(platform: new() { ["systemDiskSerial"] = "S4EVNF0M123456" }));
        var snapshot = await app.SnapshotAsync();
        var orphan = await app.EnrollAsync(Body(platform: new() { ["cloudInstanceId"] = "i-0abc123def4567891" }));

        Assert.Equal(201, cloud.Status);
        Assert.NotNull(await HolderAsync("instance|aws|i-0abc123def4567890"));
        Assert.Equal(201, disk.Status);
        Assert.NotNull(await HolderAsync("disk|S4EVNF0M123456"));
        Assert.Equal(400, orphan.Status);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Takeover_attempt_with_a_victims_mac_or_uuid_leaves_the_victim_and_its_credential_untouched(
        bool withMac,
        bool withUuid
    )
    {
        const string uuid = "4c4c4544-0042-3510-8052-b4c04f4e3732";
        var victim = await EnrollAsync(Body("VICTIM9999", uuid, ["3C:52:82:01:02:03"], hostname: "cfo-laptop"));
        var victimBefore = await SummaryAsync(victim.DeviceId);
        var victimDetail = await DetailAsync(victim.DeviceId);

        var attacker = await EnrollAsync(
            Body(
                serial: null,
                uuid: withUuid ? uuid : null,
                macs: withMac ? ["3C:52:82:01:02:03"] : ["3C:52:82:0F:0F:0F"],
                hostname: "attacker"
            )
        );

        Assert.Equal(201, attacker.Status);
        Assert.NotEqual(victim.DeviceId, attacker.DeviceId);
        await AssertSuspectedDuplicateAsync(attacker.DeviceId, victim.DeviceId);
        var victimAfter = await SummaryAsync(victim.DeviceId);
        Assert.Equal(victimBefore.CredentialHash, victimAfter.CredentialHash);
        Assert.False(victimAfter.CredentialRevoked);
        Assert.Equal(victimDetail.ETag, (await DetailAsync(victim.DeviceId)).ETag);
        Assert.Equal(victim.DeviceId, await HolderAsync("uuid|" + uuid));
        Assert.Equal(victim.DeviceId, await HolderAsync("mac|3C5282010203"));
        Assert.Equal(200, await HeartbeatAsync(victim.DeviceId, victim.Authorization));
    }

    [Fact]
    public async Task Inventory_reporting_a_serial_another_asset_holds_is_recorded_for_review_without_moving_the_claim()
    {
        var holder = await app.EnrollNewDeviceAsync();
        var reporter = await app.EnrollNewDeviceAsync();

        var answer = await app.CheckinAsync(
            SamplePayloads.Inventory(reporter.DeviceId, holder.Serial, macs: [reporter.Mac], softwareCount: 5).Text(),
            reporter.Authorization
        );
        Assert.Equal(202, answer.Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        Assert.Equal(holder.DeviceId, await HolderAsync("serial|" + holder.Serial));
        await AssertSuspectedDuplicateAsync(reporter.DeviceId, holder.DeviceId);
        Assert.True(string.IsNullOrEmpty((await DetailAsync(holder.DeviceId)).SuspectedDuplicateOf));
        Assert.Equal(200, await HeartbeatAsync(holder.DeviceId, holder.Authorization));
    }
}
