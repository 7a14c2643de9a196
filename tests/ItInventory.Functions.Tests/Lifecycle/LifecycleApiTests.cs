using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Lifecycle;

/// <summary>Transitions and the review of discovered devices, against Azurite.</summary>
public sealed class LifecycleApiTests : IAsyncLifetime
{
    private TestApp app = null!;
    private LifecycleClient client = null!;

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        client = new LifecycleClient(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<AssetSummaryEntity> SummaryAsync(string assetId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(assetId), assetId)
        ).Value;

    private async Task<AssetDetailEntity> DetailAsync(string assetId) =>
        (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow)).Value;

    private async Task<List<AuditRecordView>> AuditAsync(string assetId) =>
        (
            await app
                .Services.GetRequiredService<AuditTrail>()
                .QueryAsync("asset", assetId, null, null, null, 100, CancellationToken.None)
        ).ToList();

    [Fact]
    public async Task Approve_moves_a_discovered_device_into_use_clears_review_and_records_history_and_audit()
    {
        var device = await client.EnrollAsync();
        var etag = await client.ETagAsync(device.DeviceId);

        var answer = await client.ApproveAsync(
            device.DeviceId,
            """{"state":"Deployed","note":"Known laptop of the sales team"}""",
            etag
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal("Deployed", answer.Json.GetProperty("state").GetString());
        Assert.False(answer.Json.GetProperty("needsReview").GetBoolean());
        Assert.NotEqual(etag, answer.Headers.ETag.ToString());
        Assert.Equal(answer.Headers.ETag.ToString(), await client.ETagAsync(device.DeviceId));
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(("Deployed", false), (summary.State, summary.NeedsReview));
        Assert.Equal("Deployed", (await DetailAsync(device.DeviceId)).State);
        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {device.DeviceId} and Source eq 'api'")
            )
            .ToListAsync();
        Assert.Contains("approve: Discovered → Deployed by admin@contoso.test", Assert.Single(history).Summary);
        var record = Assert.Single(await AuditAsync(device.DeviceId), r => r.Action == "approve");
        Assert.Equal(TestTokens.Admin.ObjectId, record.Actor.Id);
        Assert.Contains(record.Changes, c => c is { Field: "State", From: "Discovered", To: "Deployed" });
        Assert.Contains(record.Changes, c => c is { Field: "NeedsReview", From: "true", To: "false" });
        Assert.False(string.IsNullOrEmpty(record.CorrelationId));
    }

    [Fact]
    public async Task Manual_transitions_follow_the_state_machine_a_refused_one_is_409_naming_targets_writing_nothing()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Deployed, LifecycleState.InRepair);
        var snapshot = await app.SnapshotAsync();
        var etag = await client.ETagAsync(device.DeviceId);

        var refused = await client.TransitionAsync(device.DeviceId, """{"to":"Disposed"}""", etag);

        Assert.Equal(409, refused.Status);
        Assert.StartsWith("application/problem+json", refused.ContentType);
        Assert.Contains(
            "Allowed from InRepair: InStock, Deployed, Retired.",
            refused.Json.GetProperty("detail").GetString()
        );
        Assert.Equal(
            ["InStock", "Deployed", "Retired"],
            refused.Json.GetProperty("errors").GetProperty("to").EnumerateArray().Select(e => e.GetString())
        );
        Assert.Equal(409, (await client.TransitionAsync(device.DeviceId, """{"to":"Rejected"}""", etag)).Status);
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(etag, await client.ETagAsync(device.DeviceId));

        var moved = await client.TransitionAsync(
            device.DeviceId,
            """{"to":"Retired","reason":"Screen broken beyond repair"}""",
            etag
        );
        Assert.Equal(200, moved.Status);
        Assert.Equal("Retired", (await SummaryAsync(device.DeviceId)).State);
        var record = (await AuditAsync(device.DeviceId)).Last();
        Assert.Equal("transition", record.Action);
        Assert.Contains(record.Changes, c => c is { Field: "State", From: "InRepair", To: "Retired" });
        Assert.Contains(record.Changes, c => c is { Field: "Reason", To: "Screen broken beyond repair" });
    }

    [Fact]
    public async Task A_discovered_device_leaves_review_only_through_approve_or_reject()
    {
        var device = await client.EnrollAsync();

        var answer = await client.TransitionAsync(
            device.DeviceId,
            """{"to":"InStock"}""",
            await client.ETagAsync(device.DeviceId)
        );

        Assert.Equal(409, answer.Status);
        Assert.Contains("/approve", answer.Json.GetProperty("detail").GetString());
        await client.ApproveAndMoveAsync(device.DeviceId);
        Assert.Equal(
            409,
            (await client.ApproveAsync(device.DeviceId, "{}", await client.ETagAsync(device.DeviceId))).Status
        );
        Assert.Equal(
            409,
            (
                await client.RejectAsync(device.DeviceId, """{"reason":"x"}""", await client.ETagAsync(device.DeviceId))
            ).Status
        );
    }

    [Theory]
    [InlineData("""{"to":"retired"}""", "to")]
    [InlineData("""{"to":"Retired","reason":"a\u0007"}""", "reason")]
    [InlineData("""{}""", "to")]
    public async Task Invalid_transition_input_is_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        var device = await client.EnrollAsync();
        var snapshot = await app.SnapshotAsync();

        var answer = await client.TransitionAsync(device.DeviceId, body, await client.ETagAsync(device.DeviceId));

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Malformed_json_unknown_and_invalid_ids_are_4xx_problems()
    {
        var device = await client.EnrollAsync();
        Assert.Equal(
            400,
            (
                await client.TransitionAsync(device.DeviceId, """{"to":""", await client.ETagAsync(device.DeviceId))
            ).Status
        );
        Assert.Equal(
            404,
            (await client.TransitionAsync("ffffffffffffffffffffffffffffffff", """{"to":"Retired"}""", "W/\"x\"")).Status
        );
        Assert.Equal(404, (await client.ApproveAsync("not-an-id", "{}", "W/\"x\"")).Status);
        Assert.Equal(404, (await client.RejectAsync("../../x", """{"reason":"x"}""", "W/\"x\"")).Status);
    }

    [Fact]
    public async Task Changes_without_if_match_are_428_and_with_a_stale_etag_412_and_nothing_changes()
    {
        var device = await client.EnrollAsync();
        var stale = await client.ETagAsync(device.DeviceId);
        Assert.Equal(200, (await client.ApproveAsync(device.DeviceId, "{}", stale)).Status);
        var snapshot = await app.SnapshotAsync();

        Assert.Equal(428, (await client.TransitionAsync(device.DeviceId, """{"to":"Deployed"}""", null)).Status);
        Assert.Equal(412, (await client.TransitionAsync(device.DeviceId, """{"to":"Deployed"}""", stale)).Status);
        Assert.Equal(428, (await client.RejectAsync(device.DeviceId, """{"reason":"x"}""", null)).Status);

        Assert.Equal("InStock", (await SummaryAsync(device.DeviceId)).State);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task A_transition_based_on_a_version_before_a_check_in_is_refused_not_lost()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(device.DeviceId);
        var before = await client.ETagAsync(device.DeviceId);
        var inventory = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: 20);
        Assert.Equal(202, (await app.CheckinAsync(inventory.Text(), device.Authorization)).Status);
        Assert.True(await app.ProcessNextCheckinAsync());

        Assert.Equal(412, (await client.TransitionAsync(device.DeviceId, """{"to":"Deployed"}""", before)).Status);
        Assert.Equal(
            200,
            (
                await client.TransitionAsync(
                    device.DeviceId,
                    """{"to":"Deployed"}""",
                    await client.ETagAsync(device.DeviceId)
                )
            ).Status
        );

        var detail = await DetailAsync(device.DeviceId);
        Assert.Equal(("Deployed", 20), (detail.State, detail.SoftwareCount));
    }

    [Fact]
    public async Task Approval_racing_heartbeats_loses_neither_the_state_nor_the_heartbeat()
    {
        var device = await client.EnrollAsync();
        var etag = await client.ETagAsync(device.DeviceId);

        var heartbeats = Task.Run(async () =>
        {
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(
                    200,
                    (
                        await app.CheckinAsync(
                            SamplePayloads.Heartbeat(device.DeviceId, cpu: 40 + i).Text(),
                            device.Authorization
                        )
                    ).Status
                );
            }
        });
        var approval = client.ApproveAsync(device.DeviceId, """{"state":"Deployed"}""", etag);
        await Task.WhenAll(heartbeats, approval);

        Assert.Equal(200, (await approval).Status);
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(("Deployed", false), (summary.State, summary.NeedsReview));
        Assert.Equal(44, summary.CpuAveragePercent);
        Assert.Equal("Deployed", (await DetailAsync(device.DeviceId)).State);
    }

    [Fact]
    public async Task Department_leads_review_only_their_departments_devices_and_need_mfa()
    {
        var device = await client.EnrollAsync(await client.FinanceSecretAsync());
        var etag = await client.ETagAsync(device.DeviceId);

        Assert.Equal(403, (await client.ApproveAsync(device.DeviceId, "{}", etag, TestTokens.HrLead)).Status);
        Assert.Equal(403, (await client.ApproveAsync(device.DeviceId, "{}", etag, TestTokens.AdminWithoutMfa)).Status);
        Assert.Equal(403, (await client.ApproveAsync(device.DeviceId, "{}", etag, TestTokens.Auditor)).Status);
        Assert.Equal(200, (await client.ApproveAsync(device.DeviceId, "{}", etag, TestTokens.FinanceLead)).Status);
    }

    [Fact]
    public async Task Rejecting_revokes_the_credential_check_ins_get_401_change_nothing_the_machine_cannot_enroll()
    {
        var device = await client.EnrollAsync();
        Assert.Equal(
            200,
            (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization)).Status
        );

        var answer = await client.RejectAsync(
            device.DeviceId,
            """{"reason":"Personal device, not company property"}""",
            await client.ETagAsync(device.DeviceId)
        );

        Assert.Equal(200, answer.Status);
        Assert.Equal("Rejected", answer.Json.GetProperty("state").GetString());
        Assert.True(answer.Json.GetProperty("credentialRevoked").GetBoolean());
        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(
            ("Rejected", false, true, true),
            (summary.State, summary.NeedsReview, summary.CredentialRevoked, summary.EnrollmentBlocked)
        );
        var actions = (await AuditAsync(device.DeviceId)).Select(r => r.Action).ToList();
        Assert.Contains("reject", actions);

        // The device keeps checking in: 401, and nothing about the asset changes.
        var snapshot = await app.SnapshotAsync();
        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(
            401,
            (
                await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId, cpu: 99).Text(), device.Authorization)
            ).Status
        );
        var inventory = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: 5);
        Assert.Equal(401, (await app.CheckinAsync(inventory.Text(), device.Authorization)).Status);
        await app.AssertUnchangedSinceAsync(snapshot, RefusedCheckins.SummaryRow(app, device.DeviceId));
        var after = await SummaryAsync(device.DeviceId);
        RefusedCheckins.AssertOnlyStamped(summary, after, app.Clock.GetUtcNow());
        Assert.Equal(summary.LastSeenAt, after.LastSeenAt);

        // Re-enrolling the same machine is refused (blocked), and a rejected asset accepts no transition.
        var again = await app.EnrollAsync(
            SamplePayloads.Enrollment(device.Serial, macs: [device.Mac], secret: TestApp.EnrollmentSecret)
        );
        Assert.Equal(403, again.Status);
        var refused = await client.TransitionAsync(
            device.DeviceId,
            """{"to":"InStock"}""",
            await client.ETagAsync(device.DeviceId)
        );
        Assert.Equal(409, refused.Status);
        Assert.Contains("terminal", refused.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Rejecting_without_blocking_releases_the_identity_so_the_machine_comes_back_as_a_new_discovery()
    {
        var device = await client.EnrollAsync();

        Assert.Equal(
            200,
            (
                await client.RejectAsync(
                    device.DeviceId,
                    """{"reason":"Enrolled with the wrong secret","blockReenrollment":false}""",
                    await client.ETagAsync(device.DeviceId)
                )
            ).Status
        );

        var summary = await SummaryAsync(device.DeviceId);
        Assert.Equal(("Rejected", true, false), (summary.State, summary.CredentialRevoked, summary.EnrollmentBlocked));
        var again = await app.EnrollAsync(
            SamplePayloads.Enrollment(device.Serial, macs: [device.Mac], secret: TestApp.EnrollmentSecret)
        );
        Assert.Equal(201, again.Status);
        Assert.NotEqual(device.DeviceId, again.Json.GetProperty("deviceId").GetString());
        Assert.Equal("Rejected", (await DetailAsync(device.DeviceId)).State);
    }

    [Fact]
    public async Task A_terminal_state_on_the_summary_refuses_check_ins_even_before_the_credential_is_revoked()
    {
        // The state is mirrored before the revocation is written: a crash between the two must not let the device in.
        var device = await client.EnrollAsync();
        await app.Store.Summaries.UpdateEntityAsync(
            new TableEntity(TableKeys.SummaryPartition(device.DeviceId), device.DeviceId)
            {
                [nameof(AssetSummaryEntity.State)] = nameof(LifecycleState.Disposed),
            },
            Azure.ETag.All,
            TableUpdateMode.Merge
        );
        var before = await SummaryAsync(device.DeviceId);

        Assert.Equal(
            401,
            (await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization)).Status
        );

        RefusedCheckins.AssertOnlyStamped(before, await SummaryAsync(device.DeviceId), app.Clock.GetUtcNow());
    }

    [Fact]
    public async Task Reject_needs_a_reason()
    {
        var device = await client.EnrollAsync();
        var snapshot = await app.SnapshotAsync();

        var answer = await client.RejectAsync(
            device.DeviceId,
            """{"blockReenrollment":true}""",
            await client.ETagAsync(device.DeviceId)
        );

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("reason", out _));
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.False((await SummaryAsync(device.DeviceId)).CredentialRevoked);
    }
}
