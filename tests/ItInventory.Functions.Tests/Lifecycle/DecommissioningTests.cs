using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ItInventory.Functions.Tests.Lifecycle;

/// <summary>A test-only decommissioning step standing in for the app's licence reclamation (which
/// LicenceDecommissioningTests cover with real seats): counts its runs per asset and fails while <see cref="Failing"/>
/// is set.</summary>
public sealed class TestLicenceStep : IDecommissioningStep
{
    public string Name => "licence-reclamation";

    public volatile bool Failing;

    public ConcurrentDictionary<string, int> Runs { get; } = new();

    public ConcurrentDictionary<string, int> Released { get; } = new();

    public Task<DecommissioningStepResult> RunAsync(
        string assetId,
        AuditActor actor,
        string? correlationId,
        CancellationToken cancellationToken
    )
    {
        Runs.AddOrUpdate(assetId, 1, (_, n) => n + 1);
        if (Failing)
            throw new InvalidOperationException("Licence service unavailable");
        // Idempotent: seats are released once per asset.
        var released = Released.TryAdd(assetId, 2) ? 2 : 0;
        return Task.FromResult(new DecommissioningStepResult(Name, $"Released {released} licence seat(s)", released));
    }
}

/// <summary>Sanitisation, steps, certificate and disposal, against Azurite.</summary>
public sealed class DecommissioningTests : IAsyncLifetime
{
    private TestApp app = null!;
    private LifecycleClient client = null!;
    private readonly TestLicenceStep step = new();

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync(services: s =>
            s.RemoveAll<IDecommissioningStep>().AddSingleton<IDecommissioningStep>(step)
        );
        client = new LifecycleClient(app);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private async Task<List<AuditRecordView>> AuditAsync(string assetId) =>
        (
            await app
                .Services.GetRequiredService<AuditTrail>()
                .QueryAsync("asset", assetId, null, null, null, 100, CancellationToken.None)
        ).ToList();

    private async Task<int> CountCertificatesAsync()
    {
        var count = 0;
        await foreach (var _ in app.Store.Certificates.GetBlobsAsync())
            count++;
        return count;
    }

    /// <summary>An enrolled, approved device whose full inventory (with one disk) has been processed, then
    /// retired.</summary>
    private async Task<EnrolledDevice> RetiredDeviceWithInventoryAsync()
    {
        var device = await client.EnrollAsync();
        var inventory = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: 10);
        Assert.Equal(202, (await app.CheckinAsync(inventory.Text(), device.Authorization)).Status);
        Assert.True(await app.ProcessNextCheckinAsync());
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Deployed, LifecycleState.Retired);
        return device;
    }

    [Fact]
    public async Task Full_decommissioning_sanitisation_steps_certificate_disposal()
    {
        var device = await RetiredDeviceWithInventoryAsync();
        var id = device.DeviceId;

        var sanitised = await client.SanitisationAsync(
            id,
            LifecycleClient.PassedSanitisation,
            await client.ETagAsync(id)
        );

        Assert.Equal(201, sanitised.Status);
        var record = sanitised.Json;
        var sanitisation = record.GetProperty("sanitisation");
        Assert.Equal("Purge", sanitisation.GetProperty("method").GetString());
        // Media prefilled from the disks of the last inventory.
        Assert.Equal(
            "nvme0n1 SAMSUNG MZVL2512HCJQ S/N S64KNX0T123456 (512 GB)",
            Assert.Single(sanitisation.GetProperty("media").EnumerateArray()).GetString()
        );
        var stepView = Assert.Single(record.GetProperty("steps").EnumerateArray());
        Assert.Equal(
            ("licence-reclamation", "Succeeded", 2),
            (
                stepView.GetProperty("step").GetString(),
                stepView.GetProperty("status").GetString(),
                stepView.GetProperty("released").GetInt32()
            )
        );
        Assert.False(record.GetProperty("stepsPending").GetBoolean());
        var certificate = record.GetProperty("certificate");
        var sha = certificate.GetProperty("sha256").GetString()!;
        Assert.Equal(sanitised.Headers.ETag.ToString(), await client.ETagAsync(id));

        // The certificate: stored once in the certificates container, served as HTML, hash checkable.
        var blobName = TableKeys.SanitisationCertificateBlob(id, certificate.GetProperty("certificateId").GetString()!);
        var blob = (await app.Store.Certificates.GetBlobClient(blobName).DownloadContentAsync()).Value;
        Assert.StartsWith("text/html", blob.Details.ContentType);
        var served = await client.GetCertificateAsync(id);
        Assert.Equal(200, served.Status);
        Assert.StartsWith("text/html", served.ContentType);
        Assert.Equal(blob.Content.ToString(), served.Body);
        Assert.Contains(sha, served.Body);
        Assert.Contains(device.Serial, served.Body);
        Assert.Contains("Released 2 licence seat(s)", served.Body);
        var embedded = System.Net.WebUtility.HtmlDecode(
            served.Body.Split("<pre id=\"canonical-record\">")[1].Split("</pre>")[0]
        );
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(embedded))));

        // GET shows the same record; retrying the steps does nothing twice.
        var get = await client.GetDecommissioningAsync(id, TestTokens.Auditor);
        Assert.Equal(200, get.Status);
        Assert.Equal(sha, get.Json.GetProperty("certificate").GetProperty("sha256").GetString());
        Assert.Equal(200, (await client.RunStepsAsync(id)).Status);
        Assert.Equal(1, step.Runs[id]);
        Assert.Equal(1, await CountCertificatesAsync());

        // Disposal: state Disposed everywhere, credential revoked, re-enrollment blocked.
        var disposed = await client.DisposalAsync(id, LifecycleClient.Disposal, await client.ETagAsync(id));
        Assert.Equal(200, disposed.Status);
        Assert.Equal("Disposed", disposed.Json.GetProperty("state").GetString());
        Assert.Equal("WEEE/AB1234CD", disposed.Json.GetProperty("disposal").GetProperty("weeeReference").GetString());
        Assert.Equal("R2v3", disposed.Json.GetProperty("disposal").GetProperty("recyclerCertification").GetString());
        var summary = (
            await app.Store.Summaries.GetEntityAsync<AssetSummaryEntity>(TableKeys.SummaryPartition(id), id)
        ).Value;
        Assert.Equal(("Disposed", true, true), (summary.State, summary.CredentialRevoked, summary.EnrollmentBlocked));
        Assert.Equal(
            "Disposed",
            (await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(id, TableKeys.AssetDetailRow)).Value.State
        );
        Assert.Equal(401, (await app.CheckinAsync(SamplePayloads.Heartbeat(id).Text(), device.Authorization)).Status);

        var actions = (await AuditAsync(id)).Select(r => r.Action).ToList();
        Assert.Equal(
            ["record-sanitisation", "decommissioning-steps", "issue-certificate", "dispose"],
            actions.Where(a =>
                a is "record-sanitisation" or "decommissioning-steps" or "issue-certificate" or "dispose"
            )
        );
        var history = await app
            .Store.Assets.QueryAsync<AssetHistoryEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge 'h|' and RowKey lt 'h}}'")
            )
            .ToListAsync();
        Assert.Contains(history, h => h.Summary.StartsWith("Data sanitisation recorded", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Summary.StartsWith("Sanitisation certificate", StringComparison.Ordinal));
        Assert.Contains(history, h => h.Summary.StartsWith("Disposed by", StringComparison.Ordinal));

        // Nothing moves a disposed asset any more.
        Assert.Equal(
            409,
            (await client.TransitionAsync(id, """{"to":"InStock"}""", await client.ETagAsync(id))).Status
        );
        Assert.Equal(
            409,
            (await client.DisposalAsync(id, LifecycleClient.Disposal, await client.ETagAsync(id))).Status
        );
    }

    [Fact]
    public async Task Sanitisation_of_an_asset_that_is_not_retired_is_409_and_writes_nothing()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Deployed);
        var snapshot = await app.SnapshotAsync();

        var answer = await client.SanitisationAsync(
            device.DeviceId,
            LifecycleClient.PassedSanitisation,
            await client.ETagAsync(device.DeviceId)
        );

        Assert.Equal(409, answer.Status);
        Assert.Contains("Retired", answer.Json.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(0, await CountCertificatesAsync());
        Assert.False(step.Runs.ContainsKey(device.DeviceId));
    }

    [Fact]
    public async Task Invalid_sanitisation_and_missing_if_match_write_nothing()
    {
        var device = await RetiredDeviceWithInventoryAsync();
        var snapshot = await app.SnapshotAsync();

        var invalid = await client.SanitisationAsync(
            device.DeviceId,
            """{"method":"Shred","tool":"x","operator":"y","performedAt":"2026-11-01T10:00:00Z"}""",
            await client.ETagAsync(device.DeviceId)
        );
        Assert.Equal(400, invalid.Status);
        Assert.True(invalid.Json.GetProperty("errors").TryGetProperty("method", out _));
        Assert.True(invalid.Json.GetProperty("errors").TryGetProperty("verification", out _));
        Assert.Equal(
            400,
            (
                await client.SanitisationAsync(
                    device.DeviceId,
                    """{"method":"Purge","performedAt":"yesterday"}""",
                    await client.ETagAsync(device.DeviceId)
                )
            ).Status
        );
        Assert.Equal(
            428,
            (await client.SanitisationAsync(device.DeviceId, LifecycleClient.PassedSanitisation, null)).Status
        );

        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(0, await CountCertificatesAsync());
    }

    [Fact]
    public async Task Once_sanitised_a_retired_asset_cannot_return_to_stock_before_it_can()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(
            device.DeviceId,
            LifecycleState.Retired,
            LifecycleState.InStock,
            LifecycleState.Retired
        );

        Assert.Equal(
            201,
            (
                await client.SanitisationAsync(
                    device.DeviceId,
                    LifecycleClient.FailedSanitisation,
                    await client.ETagAsync(device.DeviceId)
                )
            ).Status
        );
        var refused = await client.TransitionAsync(
            device.DeviceId,
            """{"to":"InStock"}""",
            await client.ETagAsync(device.DeviceId)
        );

        Assert.Equal(409, refused.Status);
        Assert.Contains("sanitised", refused.Json.GetProperty("detail").GetString());
        Assert.Equal("Retired", (await client.GetAssetAsync(device.DeviceId)).Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_failed_verification_blocks_disposal_until_a_new_sanitisation_passes()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Retired);
        var id = device.DeviceId;

        var failed = await client.SanitisationAsync(id, LifecycleClient.FailedSanitisation, await client.ETagAsync(id));
        Assert.Equal(201, failed.Status);
        Assert.False(failed.Json.TryGetProperty("certificate", out _));
        Assert.False(step.Runs.ContainsKey(id));
        var snapshot = await app.SnapshotAsync();
        var refused = await client.DisposalAsync(id, LifecycleClient.Disposal, await client.ETagAsync(id));
        Assert.Equal(409, refused.Status);
        Assert.Contains("failed verification", refused.Json.GetProperty("detail").GetString());
        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal(404, (await client.GetCertificateAsync(id)).Status);

        var passed = await client.SanitisationAsync(
            id,
            LifecycleClient.PassedSanitisation.Replace(
                "\"verification\"",
                "\"media\":[\"disk 1\"],\"verification\"",
                StringComparison.Ordinal
            ),
            await client.ETagAsync(id)
        );
        Assert.Equal(201, passed.Status);
        Assert.Equal(2, passed.Json.GetProperty("sanitisation").GetProperty("attempt").GetInt32());
        Assert.Equal(
            409,
            (await client.SanitisationAsync(id, LifecycleClient.PassedSanitisation, await client.ETagAsync(id))).Status
        );
        Assert.Equal(
            200,
            (await client.DisposalAsync(id, LifecycleClient.Disposal, await client.ETagAsync(id))).Status
        );
        var audit = (await AuditAsync(id)).Where(r => r.Action == "record-sanitisation").ToList();
        Assert.Equal(2, audit.Count);
        Assert.Contains(audit[1].Changes, c =>
            c.Field == "Sanitisation.Verification"
            && c.From!.StartsWith("Failed", StringComparison.Ordinal)
            && c.To!.StartsWith("Passed", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task A_failing_step_is_recorded_blocks_disposal_and_succeeds_on_retry_then_the_certificate_is_issued()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Retired);
        var id = device.DeviceId;
        step.Failing = true;

        var answer = await client.SanitisationAsync(
            id,
            LifecycleClient.PassedSanitisation.Replace(
                "\"verification\"",
                "\"media\":[\"disk 0\"],\"verification\"",
                StringComparison.Ordinal
            ),
            await client.ETagAsync(id)
        );

        Assert.Equal(201, answer.Status);
        Assert.True(answer.Json.GetProperty("stepsPending").GetBoolean());
        var failed = Assert.Single(answer.Json.GetProperty("steps").EnumerateArray());
        Assert.Equal("Failed", failed.GetProperty("status").GetString());
        Assert.Contains("Licence service unavailable", failed.GetProperty("error").GetString());
        Assert.False(answer.Json.TryGetProperty("certificate", out _));
        Assert.Equal(0, await CountCertificatesAsync());
        var refused = await client.DisposalAsync(id, LifecycleClient.Disposal, await client.ETagAsync(id));
        Assert.Equal(409, refused.Status);
        Assert.Contains("licence-reclamation", refused.Json.GetProperty("detail").GetString());
        Assert.Contains(await AuditAsync(id), r =>
            r.Action == "decommissioning-steps"
            && r.Changes.Any(c => c.To!.StartsWith("Failed", StringComparison.Ordinal))
        );

        step.Failing = false;
        var retried = await client.RunStepsAsync(id);

        Assert.Equal(200, retried.Status);
        var succeeded = Assert.Single(retried.Json.GetProperty("steps").EnumerateArray());
        Assert.Equal(
            ("Succeeded", 2),
            (succeeded.GetProperty("status").GetString(), succeeded.GetProperty("attempts").GetInt32())
        );
        Assert.True(retried.Json.TryGetProperty("certificate", out _));
        Assert.Equal(1, await CountCertificatesAsync());
        Assert.Equal(
            200,
            (await client.DisposalAsync(id, LifecycleClient.Disposal, await client.ETagAsync(id))).Status
        );
    }

    [Fact]
    public async Task The_stored_certificate_escapes_html_in_recorded_values()
    {
        var device = await client.EnrollAsync();
        await client.ApproveAndMoveAsync(device.DeviceId, LifecycleState.Retired);
        var body = LifecycleClient
            .PassedSanitisation.Replace("Jo Tech", "<script>alert('x')</script>", StringComparison.Ordinal)
            .Replace(
                "\"verification\"",
                "\"media\":[\"<img src=x onerror=alert(1)>\"],\"verification\"",
                StringComparison.Ordinal
            );

        Assert.Equal(
            201,
            (await client.SanitisationAsync(device.DeviceId, body, await client.ETagAsync(device.DeviceId))).Status
        );

        var html = (await client.GetCertificateAsync(device.DeviceId)).Body;
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public async Task Disposal_input_is_validated_and_needs_if_match()
    {
        var device = await client.EnrollAsync();
        await client.RetireAndSanitiseAsync(device.DeviceId);
        var snapshot = await app.SnapshotAsync();

        var invalid = await client.DisposalAsync(
            device.DeviceId,
            """{"recycler":"GreenCycle","collectedAt":"2026-11-02T08:00:00Z"}""",
            await client.ETagAsync(device.DeviceId)
        );
        Assert.Equal(400, invalid.Status);
        Assert.True(invalid.Json.GetProperty("errors").TryGetProperty("weeeReference", out _));
        Assert.Equal(428, (await client.DisposalAsync(device.DeviceId, LifecycleClient.Disposal, null)).Status);
        var early = LifecycleClient.Disposal.Replace(
            "2026-11-02T08:00:00Z",
            "2026-10-01T08:00:00Z",
            StringComparison.Ordinal
        );
        Assert.Equal(
            400,
            (await client.DisposalAsync(device.DeviceId, early, await client.ETagAsync(device.DeviceId))).Status
        );

        await app.AssertUnchangedSinceAsync(snapshot);
        Assert.Equal("Retired", (await client.GetAssetAsync(device.DeviceId)).Json.GetProperty("state").GetString());
    }
}
