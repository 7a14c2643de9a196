using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Devices;

public sealed class EnrollmentTests : IAsyncLifetime
{
    private TestApp app = null!;

    public async Task InitializeAsync() => app = await TestApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    private Task<HttpAnswer> Enroll(
        string serial,
        string? uuid = null,
        string[]? macs = null,
        string secret = TestApp.EnrollmentSecret
    ) => app.EnrollAsync(SamplePayloads.Enrollment(serial, uuid, macs, secret: secret));

    private async Task<AssetSummaryEntity> SummaryAsync(string deviceId) =>
        (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
        ).Value;

    [Fact]
    public async Task Unknown_machine_enrolls_as_a_discovered_asset_flagged_for_review()
    {
        var answer = await Enroll("PF3ABC12", "4C4C4544-0042-3510-8052-B4C04F4E3732", ["3C:52:82:AA:BB:CC"]);

        Assert.Equal(201, answer.Status);
        var json = answer.Json;
        var deviceId = json.GetProperty("deviceId").GetString()!;
        var secret = json.GetProperty("deviceSecret").GetString()!;
        Assert.True(TableKeys.IsAssetId(deviceId));
        Assert.True(
            Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length >= 32,
            "at least 256 bits"
        );
        Assert.Equal("created", json.GetProperty("status").GetString());
        Assert.Equal($"Device {deviceId}.{secret}", json.GetProperty("authorization").GetString());
        Assert.True(json.GetProperty("needsReview").GetBoolean());

        var summary = await SummaryAsync(deviceId);
        Assert.Equal(nameof(LifecycleState.Discovered), summary.State);
        Assert.True(summary.NeedsReview);
        Assert.Equal(DeviceSecrets.Hash(secret), summary.CredentialHash);
        Assert.DoesNotContain(secret, summary.CredentialHash);

        foreach (
            var key in new[] { "serial|PF3ABC12", "uuid|4c4c4544-0042-3510-8052-b4c04f4e3732", "mac|3C5282AABBCC" }
        )
        {
            var identity = (
                await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>(key, TableKeys.IdentityRow)
            ).Value;
            Assert.Equal(deviceId, identity.AssetId);
        }
    }

    [Fact]
    public async Task Reimaged_machine_re_enrolls_into_the_same_asset_and_the_old_credential_stops_working()
    {
        var first = (await Enroll("PF3ABC12", macs: ["3C:52:82:AA:BB:CC"])).Json;
        var deviceId = first.GetProperty("deviceId").GetString()!;

        // Same machine after a reimage: serial written differently, a new (random, locally administered) MAC.
        var second = await Enroll(" pf3-abc12 ", macs: ["3E:52:82:00:00:01"]);

        Assert.Equal(200, second.Status);
        Assert.Equal("re-enrolled", second.Json.GetProperty("status").GetString());
        Assert.Equal(deviceId, second.Json.GetProperty("deviceId").GetString());
        Assert.Single(await app.Store.Summaries.QueryAsync<TableEntity>().ToListAsync());

        var oldCredential = await app.CheckinAsync(
            SamplePayloads.Heartbeat(deviceId).Text(),
            first.GetProperty("authorization").GetString()
        );
        Assert.Equal(401, oldCredential.Status);
        var newCredential = await app.CheckinAsync(
            SamplePayloads.Heartbeat(deviceId).Text(),
            second.Json.GetProperty("authorization").GetString()
        );
        Assert.Equal(200, newCredential.Status);
    }

    [Fact]
    public async Task Machine_found_by_mac_alone_gets_its_own_asset_suspected_of_duplicating_the_mac_holder()
    {
        // Issue 11: a MAC alone never re-enrolls onto an existing asset (it used to, and took the asset over).
        var deviceId = (await Enroll("AAAA1111", macs: ["3C:52:82:AA:BB:CC"])).Json.GetProperty("deviceId").GetString();

        var again = await Enroll("BBBB2222", macs: ["3c-52-82-aa-bb-cc"]);

        Assert.Equal(201, again.Status);
        var newId = again.Json.GetProperty("deviceId").GetString()!;
        Assert.NotEqual(deviceId, newId);
        Assert.Equal(deviceId, (await SummaryAsync(newId)).SuspectedDuplicateOf);
        var serial = (
            await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>("serial|BBBB2222", TableKeys.IdentityRow)
        ).Value;
        Assert.Equal(newId, serial.AssetId);
        var mac = (
            await app.Store.Identities.GetEntityAsync<AssetIdentityEntity>("mac|3C5282AABBCC", TableKeys.IdentityRow)
        ).Value;
        Assert.Equal(deviceId, mac.AssetId);
    }

    [Fact]
    public async Task Concurrent_enrollments_of_the_same_new_machine_create_one_asset()
    {
        var answers = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(_ => Enroll("CONC12345", "6f1c2b7a-0d43-4d8e-9a51-1c2d3e4f5a6b"))
        );

        Assert.All(answers, a => Assert.True(a.Status is 200 or 201, a.Body));
        Assert.Single(answers.Select(a => a.Json.GetProperty("deviceId").GetString()).Distinct());
        Assert.Single(await app.Store.Summaries.QueryAsync<TableEntity>().ToListAsync());
    }

    [Fact]
    public async Task Wrong_enrollment_secret_is_rejected_and_writes_nothing()
    {
        var snapshot = await app.SnapshotAsync();
        var answer = await Enroll("PF3ABC12", secret: "not-the-secret-at-all-000000");

        Assert.Equal(401, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType);
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Placeholder_identity_is_refused_because_it_would_merge_unrelated_machines()
    {
        var snapshot = await app.SnapshotAsync();
        var answer = await app.EnrollAsync(
            SamplePayloads.Enrollment(
                "To Be Filled By O.E.M.",
                "03000200-0400-0500-0006-000700080009",
                ["FF:FF:FF:FF:FF:FF", "02:42:AC:11:00:02"],
                secret: TestApp.EnrollmentSecret
            )
        );

        Assert.Equal(400, answer.Status);
        Assert.Contains("hardware identity", answer.Json.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(snapshot);
    }

    [Fact]
    public async Task Secrets_created_through_the_store_are_valid_together_until_they_expire()
    {
        var store = app.Services.GetRequiredService<EnrollmentSecretStore>();
        var current = await store.CreateAsync(
            "2026-Q4",
            app.Clock.GetUtcNow().AddDays(30),
            "Finance",
            CancellationToken.None
        );
        var next = await store.CreateAsync("2027-Q1", null, null, CancellationToken.None);
        var stored = await app.Store.EnrollmentSecrets.QueryAsync<EnrollmentSecretEntity>().ToListAsync();
        Assert.DoesNotContain(stored, s => s.RowKey == current || s.RowKey == next);

        var withCurrent = await Enroll("SER00001", secret: current);
        var withNext = await Enroll("SER00002", secret: next);
        Assert.Equal(201, withCurrent.Status);
        Assert.Equal(201, withNext.Status);
        Assert.Equal("Finance", (await SummaryAsync(withCurrent.Json.GetProperty("deviceId").GetString()!)).Department);

        app.Clock.Advance(TimeSpan.FromDays(31));
        Assert.Equal(401, (await Enroll("SER00003", secret: current)).Status);
        Assert.Equal(201, (await Enroll("SER00004", secret: next)).Status);
    }

    [Fact]
    public async Task Revoked_device_gets_401_and_changes_nothing()
    {
        var device = await app.EnrollNewDeviceAsync();
        var credentials = app.Services.GetRequiredService<DeviceCredentialService>();
        Assert.True(
            await credentials.RevokeAsync(
                device.DeviceId,
                blockReenrollment: false,
                AuditActor.Person(TestTokens.Admin.ObjectId, "admin@contoso.test"),
                null,
                CancellationToken.None
            )
        );
        var before = await SummaryAsync(device.DeviceId);
        var snapshot = await app.SnapshotAsync();

        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var heartbeat = await app.CheckinAsync(SamplePayloads.Heartbeat(device.DeviceId).Text(), device.Authorization);
        var inventory = await app.CheckinAsync(
            SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac]).Text(),
            device.Authorization
        );

        Assert.Equal(401, heartbeat.Status);
        Assert.Equal(401, inventory.Status);
        Assert.Contains("revoked", heartbeat.Json.GetProperty("detail").GetString());
        RefusedCheckins.AssertOnlyStamped(before, await SummaryAsync(device.DeviceId), app.Clock.GetUtcNow());
        await app.AssertUnchangedSinceAsync(snapshot, RefusedCheckins.SummaryRow(app, device.DeviceId));
    }

    [Fact]
    public async Task Revoked_device_may_enroll_again_unless_blocked()
    {
        var device = await app.EnrollNewDeviceAsync();
        var credentials = app.Services.GetRequiredService<DeviceCredentialService>();

        await credentials.RevokeAsync(
            device.DeviceId,
            blockReenrollment: false,
            AuditActor.System("test"),
            null,
            CancellationToken.None
        );
        Assert.Equal(200, (await Enroll(device.Serial, macs: [device.Mac])).Status);

        await credentials.RevokeAsync(
            device.DeviceId,
            blockReenrollment: true,
            AuditActor.System("test"),
            null,
            CancellationToken.None
        );
        var blocked = await Enroll(device.Serial, macs: [device.Mac]);
        Assert.Equal(403, blocked.Status);
        Assert.StartsWith("application/problem+json", blocked.ContentType);
    }

    [Theory]
    [InlineData("{\"enrollmentSecret\":\"x\",\"serialNumber\":\"ABC12345\",\"type\":42}", "type")]
    [InlineData("{\"serialNumber\":\"ABC12345\"}", "enrollmentSecret")]
    [InlineData(
        "{\"enrollmentSecret\":\"x\",\"serialNumber\":\"ABC12345\",\"macAddresses\":\"not-a-list\"}",
        "macAddresses"
    )]
    public async Task Invalid_enrollment_request_names_the_bad_field_and_writes_nothing(string body, string field)
    {
        var snapshot = await app.SnapshotAsync();
        var answer = await app.EnrollAsync(body);

        Assert.Equal(400, answer.Status);
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.Body);
        await app.AssertUnchangedSinceAsync(snapshot);
    }
}
