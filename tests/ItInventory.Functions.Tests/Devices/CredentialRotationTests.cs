using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Devices;

/// <summary>Credential rotation end to end against Azurite: requested by an admin, delivered in a check-in answer,
/// switched on first use of the new secret.</summary>
public sealed class CredentialRotationTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private static string Auth(string deviceId, string secret) => DeviceSecrets.AuthorizationHeader(deviceId, secret);

    private async Task<int> RequestRotationAsync(string deviceId)
    {
        var request = app.Request(
            "POST",
            $"/api/devices/{deviceId}/credential/rotate",
            [],
            null,
            new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
        );
        return (
            await TestApp.ExecuteAsync(
                request,
                app.Create<DeviceAdminFunctions>().RotateDeviceCredential(request, deviceId, CancellationToken.None)
            )
        ).Status;
    }

    private Task<HttpAnswer> HeartbeatAsync(string deviceId, string secret) =>
        app.CheckinAsync(SamplePayloads.Heartbeat(deviceId).Text(), Auth(deviceId, secret));

    private static string? NewSecret(HttpAnswer answer) =>
        answer.Json.TryGetProperty("credential", out var credential)
            ? credential.GetProperty("deviceSecret").GetString()
            : null;

    private async Task<AssetSummaryEntity> SummaryAsync(string deviceId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
        ).Value;

    private async Task<IReadOnlyList<AuditRecordView>> AuditAsync(string deviceId, string action) =>
        (
            await app
                .Services.GetRequiredService<AuditTrail>()
                .QueryAsync("device", deviceId, null, null, null, 100, CancellationToken.None)
        )
            .Where(r => r.Action == action)
            .ToList();

    [Fact]
    public async Task Rotation_is_delivered_in_the_next_check_in_and_the_old_secret_works_until_the_new_one_is_used()
    {
        var device = await app.EnrollNewDeviceAsync();
        var before = await HeartbeatAsync(device.DeviceId, device.Secret);
        Assert.Null(NewSecret(before));

        Assert.Equal(202, await RequestRotationAsync(device.DeviceId));
        var requested = Assert.Single(await AuditAsync(device.DeviceId, "request-credential-rotation"));
        Assert.Equal("user", requested.Actor.Kind);

        // The answer carrying the first new secret is "lost": the device checks in again with its old secret.
        var lost = await HeartbeatAsync(device.DeviceId, device.Secret);
        Assert.Equal(200, lost.Status);
        var lostSecret = NewSecret(lost)!;
        Assert.Equal(
            Auth(device.DeviceId, lostSecret),
            lost.Json.GetProperty("credential").GetProperty("authorization").GetString()
        );

        var delivered = await HeartbeatAsync(device.DeviceId, device.Secret);
        Assert.Equal(200, delivered.Status);
        var (valid, errors) = Contract.ContractDocuments.Evaluate(
            Contract.ContractDocuments.CheckinResponseSchema,
            delivered.Body
        );
        Assert.True(valid, errors);
        var newSecret = NewSecret(delivered)!;
        Assert.NotEqual(lostSecret, newSecret);
        Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, lostSecret)).Status); // replaced by the later one

        var switched = await HeartbeatAsync(device.DeviceId, newSecret);
        Assert.Equal(200, switched.Status);
        Assert.Null(NewSecret(switched));
        Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status);
        Assert.Equal(200, (await HeartbeatAsync(device.DeviceId, newSecret)).Status);

        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(DeviceSecrets.Hash(newSecret), summary.CredentialHash);
        Assert.Equal("", summary.PendingCredentialHash);
        Assert.False(summary.CredentialRotationRequested);
        var rotated = Assert.Single(await AuditAsync(device.DeviceId, "rotate-credential"));
        Assert.Equal(AuditActor.Device(device.DeviceId), rotated.Actor);
        Assert.True((await app.Services.GetRequiredService<AuditTrail>().VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task A_heartbeat_that_delivers_a_new_secret_still_costs_two_storage_requests()
    {
        var device = await app.EnrollNewDeviceAsync();
        Assert.Equal(202, await RequestRotationAsync(device.DeviceId));
        var request = app.JsonRequest(
            "/api/checkins",
            SamplePayloads.Heartbeat(device.DeviceId).Text(),
            device.Authorization
        );

        using var scope = StorageRequestCounter.BeginScope();
        var answer = await app.CheckinAsync(request);

        Assert.NotNull(NewSecret(answer));
        Assert.True(scope.Count == 2, string.Join("\n", scope.Requests));
    }

    [Fact]
    public async Task A_full_inventory_answer_delivers_the_new_secret_too()
    {
        var device = await app.EnrollNewDeviceAsync();
        Assert.Equal(202, await RequestRotationAsync(device.DeviceId));

        var queued = await app.CheckinAsync(
            SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]).Text(),
            device.Authorization
        );

        Assert.Equal(202, queued.Status);
        Assert.True(
            Contract.ContractDocuments.Evaluate(Contract.ContractDocuments.CheckinResponseSchema, queued.Body).Valid,
            queued.Body
        );
        var secret = NewSecret(queued)!;
        Assert.True(await app.ProcessNextCheckinAsync());
        var unchanged = await app.CheckinAsync(
            SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]).Text(),
            Auth(device.DeviceId, secret)
        );
        Assert.Equal(200, unchanged.Status);
        Assert.Equal("unchanged", unchanged.Json.GetProperty("status").GetString());
        Assert.Null(NewSecret(unchanged));
        Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status);
    }

    [Fact]
    public async Task Concurrent_check_ins_with_the_old_and_the_new_secret_leave_exactly_one_working_credential()
    {
        for (var round = 0; round < 5; round++)
        {
            var device = await app.EnrollNewDeviceAsync();
            Assert.Equal(202, await RequestRotationAsync(device.DeviceId));
            var newSecret = NewSecret(await HeartbeatAsync(device.DeviceId, device.Secret))!;

            var answers = await Task.WhenAll(
                HeartbeatAsync(device.DeviceId, newSecret),
                HeartbeatAsync(device.DeviceId, device.Secret)
            );

            var (withNew, withOld) = (answers[0], answers[1]);
            Assert.True(withNew.Status == 200 ^ withOld.Status == 200, $"new: {withNew.Status}, old: {withOld.Status}");
            if (withNew.Status == 200)
            {
                Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status);
                Assert.Equal(200, (await HeartbeatAsync(device.DeviceId, newSecret)).Status);
                Assert.Single(await AuditAsync(device.DeviceId, "rotate-credential"));
            }
            else
            {
                // The old secret won the race and got another new secret: the one it replaced no longer works.
                var replacement = NewSecret(withOld)!;
                Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, newSecret)).Status);
                Assert.Equal(200, (await HeartbeatAsync(device.DeviceId, replacement)).Status);
                Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status);
            }
        }
        Assert.True((await app.Services.GetRequiredService<AuditTrail>().VerifyAsync(CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task A_switch_whose_record_could_not_be_appended_gets_it_once_from_the_outbox_sweep()
    {
        var device = await app.EnrollNewDeviceAsync();
        Assert.Equal(202, await RequestRotationAsync(device.DeviceId));
        var newSecret = NewSecret(await HeartbeatAsync(device.DeviceId, device.Secret))!;

        // The append fails: the audit table is gone while the switching check-in runs. The switch and its outbox row
        // commit together; the record waits in the outbox.
        await app.Store.AuditTrail.DeleteAsync();
        Assert.Equal(200, (await HeartbeatAsync(device.DeviceId, newSecret)).Status);
        await app.Store.AuditTrail.CreateIfNotExistsAsync();
        Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status); // the switch happened
        Assert.False((await SummaryAsync(device.DeviceId)).CredentialRotationAuditPending);
        Assert.Empty(await AuditAsync(device.DeviceId, "rotate-credential"));

        var dispatcher = app.Services.GetRequiredService<Functions.Events.OutboxDispatcher>();
        app.Clock.Advance(TimeSpan.FromMinutes(10));
        await dispatcher.SweepAsync(CancellationToken.None);
        await dispatcher.SweepAsync(CancellationToken.None);
        var record = Assert.Single(await AuditAsync(device.DeviceId, "rotate-credential"));
        Assert.Equal(AuditActor.Device(device.DeviceId), record.Actor);

        // Heartbeats with the new secret stay at 2 requests: nothing is due on the summary row.
        var request = app.JsonRequest(
            "/api/checkins",
            SamplePayloads.Heartbeat(device.DeviceId).Text(),
            Auth(device.DeviceId, newSecret)
        );
        using var scope = StorageRequestCounter.BeginScope();
        Assert.Equal(200, (await app.CheckinAsync(request)).Status);
        Assert.Equal(2, scope.Count);
    }

    [Fact]
    public async Task A_switch_made_before_the_outbox_with_its_record_still_due_is_audited_once_by_the_next_check_in()
    {
        var device = await app.EnrollNewDeviceAsync();
        var summary = await SummaryAsync(device.DeviceId);
        // What a switch left before the outbox: the flag set in the switching merge, the record not appended yet.
        await app.Store.Summaries.UpdateEntityAsync(
            new Azure.Data.Tables.TableEntity(summary.PartitionKey, summary.RowKey)
            {
                [nameof(AssetSummaryEntity.CredentialRotationAuditPending)] = true,
                [nameof(AssetSummaryEntity.CredentialIssuedAt)] = app.Clock.GetUtcNow(),
            },
            Azure.ETag.All
        );

        Assert.Equal(200, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status);
        Assert.Equal(200, (await HeartbeatAsync(device.DeviceId, device.Secret)).Status);

        Assert.Single(await AuditAsync(device.DeviceId, "rotate-credential"));
        Assert.False((await SummaryAsync(device.DeviceId)).CredentialRotationAuditPending);
    }

    [Fact]
    public async Task Re_enrollment_and_revocation_void_a_pending_secret()
    {
        var device = await app.EnrollNewDeviceAsync();
        Assert.Equal(202, await RequestRotationAsync(device.DeviceId));
        var pending = NewSecret(await HeartbeatAsync(device.DeviceId, device.Secret))!;

        await app
            .Services.GetRequiredService<DeviceCredentialService>()
            .RevokeAsync(device.DeviceId, false, AuditActor.System("test"), null, CancellationToken.None);
        Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, pending)).Status);

        var again = await app.EnrollAsync(
            SamplePayloads.Enrollment(device.Serial, macs: [device.Mac], secret: TestApp.EnrollmentSecret)
        );
        Assert.Equal(200, again.Status);
        Assert.Equal(401, (await HeartbeatAsync(device.DeviceId, pending)).Status);
        var fresh = again.Json.GetProperty("deviceSecret").GetString()!;
        var answer = await HeartbeatAsync(device.DeviceId, fresh);
        Assert.Equal(200, answer.Status);
        Assert.Null(NewSecret(answer));
    }

    [Fact]
    public async Task Rotating_an_unknown_device_is_not_found()
    {
        Assert.Equal(404, await RequestRotationAsync(new string('a', 32)));
        Assert.Equal(404, await RequestRotationAsync("not-a-device"));
    }
}
