using System.Text;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Lifecycle;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Lifecycle;

/// <summary>Calls the lifecycle endpoints as a client would (real requests through the function classes).</summary>
public sealed class LifecycleClient(TestApp app)
{
    private static int counter;

    public const string PassedSanitisation = """
        {"method":"Purge","tool":"Blancco Drive Eraser","toolVersion":"7.9","operator":"Jo Tech",
         "performedAt":"2026-11-01T10:00:00Z",
         "verification":{"method":"Full read-back of every sector","result":"Passed","verifiedBy":"Sam Verifier",
                         "verifiedAt":"2026-11-01T11:00:00Z"}}
        """;

    public const string FailedSanitisation = """
        {"method":"Clear","tool":"nwipe","operator":"Jo Tech","performedAt":"2026-11-01T10:00:00Z","media":["disk 1"],
         "verification":{"method":"10% sample read-back","result":"Failed","verifiedBy":"Sam Verifier",
                         "verifiedAt":"2026-11-01T11:00:00Z"}}
        """;

    public const string Disposal = """
        {"recycler":"GreenCycle Ltd","recyclerCertification":"R2v3","weeeReference":"WEEE/AB1234CD",
         "collectedAt":"2026-11-02T08:00:00Z","notes":"Pallet 7"}
        """;

    private LifecycleFunctions Functions => app.Create<LifecycleFunctions>();

    public static Dictionary<string, string> Headers(Persona? persona, string? ifMatch = null)
    {
        var headers = new Dictionary<string, string>();
        if (persona is not null)
            headers["Authorization"] = TestTokens.Bearer(persona);
        if (ifMatch is not null)
            headers["If-Match"] = ifMatch;
        return headers;
    }

    public async Task<HttpAnswer> GetAssetAsync(string assetId, Persona? persona = null)
    {
        var request = app.Request("GET", $"/api/assets/{assetId}", [], null, Headers(persona ?? TestTokens.Admin));
        return await TestApp.ExecuteAsync(
            request,
            app.Create<AssetFunctions>().GetAsset(request, assetId, CancellationToken.None)
        );
    }

    public async Task<string> ETagAsync(string assetId) => (await GetAssetAsync(assetId)).Headers.ETag.ToString();

    public Task<HttpAnswer> TransitionAsync(string assetId, string body, string? ifMatch, Persona? persona = null) =>
        PostAsync($"/api/assets/{assetId}/state", body, ifMatch, persona, (f, r) =>
            f.ChangeLifecycleState(r, assetId, CancellationToken.None)
        );

    public Task<HttpAnswer> ApproveAsync(string assetId, string body, string? ifMatch, Persona? persona = null) =>
        PostAsync($"/api/assets/{assetId}/approve", body, ifMatch, persona, (f, r) =>
            f.ApproveAsset(r, assetId, CancellationToken.None)
        );

    public Task<HttpAnswer> RejectAsync(string assetId, string body, string? ifMatch, Persona? persona = null) =>
        PostAsync($"/api/assets/{assetId}/reject", body, ifMatch, persona, (f, r) =>
            f.RejectAsset(r, assetId, CancellationToken.None)
        );

    public Task<HttpAnswer> SanitisationAsync(string assetId, string body, string? ifMatch, Persona? persona = null) =>
        PostAsync($"/api/assets/{assetId}/decommissioning/sanitisation", body, ifMatch, persona, (f, r) =>
            f.RecordSanitisation(r, assetId, CancellationToken.None)
        );

    public Task<HttpAnswer> RunStepsAsync(string assetId, Persona? persona = null) =>
        PostAsync($"/api/assets/{assetId}/decommissioning/steps", "", null, persona, (f, r) =>
            f.RunDecommissioningSteps(r, assetId, CancellationToken.None)
        );

    public Task<HttpAnswer> DisposalAsync(string assetId, string body, string? ifMatch, Persona? persona = null) =>
        PostAsync($"/api/assets/{assetId}/decommissioning/disposal", body, ifMatch, persona, (f, r) =>
            f.RecordDisposal(r, assetId, CancellationToken.None)
        );

    public async Task<HttpAnswer> GetDecommissioningAsync(string assetId, Persona? persona = null)
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{assetId}/decommissioning",
            [],
            null,
            Headers(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            Functions.GetDecommissioning(request, assetId, CancellationToken.None)
        );
    }

    public async Task<HttpAnswer> GetCertificateAsync(string assetId, Persona? persona = null)
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{assetId}/decommissioning/certificate",
            [],
            null,
            Headers(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            Functions.GetSanitisationCertificate(request, assetId, CancellationToken.None)
        );
    }

    private async Task<HttpAnswer> PostAsync(
        string path,
        string body,
        string? ifMatch,
        Persona? persona,
        Func<
            LifecycleFunctions,
            Microsoft.AspNetCore.Http.HttpRequest,
            Task<Microsoft.AspNetCore.Mvc.IActionResult>
        > invoke
    )
    {
        var request = app.Request(
            "POST",
            path,
            Encoding.UTF8.GetBytes(body),
            body.Length > 0 ? "application/json" : null,
            Headers(persona ?? TestTokens.Admin, ifMatch)
        );
        return await TestApp.ExecuteAsync(request, invoke(Functions, request));
    }

    /// <summary>Enrolls a new machine (Discovered, awaiting review), optionally with an enrollment secret that gives it
    /// a department.</summary>
    public async Task<EnrolledDevice> EnrollAsync(string? secret = null)
    {
        var n = Interlocked.Increment(ref counter);
        var serial = $"LC{Guid.NewGuid():N}"[..12].ToUpperInvariant();
        var mac = $"3C:52:83:{n >> 16 & 0xff:X2}:{n >> 8 & 0xff:X2}:{n & 0xff:X2}";
        var answer = await app.EnrollAsync(
            SamplePayloads.Enrollment(serial, macs: [mac], secret: secret ?? TestApp.EnrollmentSecret)
        );
        Assert.True(answer.Status == 201, answer.Body);
        var json = answer.Json;
        return new EnrolledDevice(
            json.GetProperty("deviceId").GetString()!,
            json.GetProperty("deviceSecret").GetString()!,
            json.GetProperty("authorization").GetString()!,
            serial,
            mac
        );
    }

    public async Task<string> FinanceSecretAsync() =>
        await app
            .Services.GetRequiredService<EnrollmentSecretStore>()
            .CreateAsync("finance", null, "Finance", CancellationToken.None);

    /// <summary>Moves an asset along with admin calls: approve (InStock), then the given manual transitions.</summary>
    public async Task ApproveAndMoveAsync(string assetId, params LifecycleState[] path)
    {
        Assert.Equal(200, (await ApproveAsync(assetId, "{}", await ETagAsync(assetId))).Status);
        foreach (var state in path)
        {
            var answer = await TransitionAsync(
                assetId,
                $$"""{"to":"{{state}}","reason":"test"}""",
                await ETagAsync(assetId)
            );
            Assert.True(answer.Status == 200, answer.Body);
        }
    }

    /// <summary>A retired asset with a passed sanitisation (and, with no failing step, its certificate).</summary>
    public async Task RetireAndSanitiseAsync(string assetId)
    {
        await ApproveAndMoveAsync(assetId, LifecycleState.Retired);
        var answer = await SanitisationAsync(
            assetId,
            PassedSanitisation.Replace(
                "\"verification\"",
                "\"media\":[\"disk 0\"],\"verification\"",
                StringComparison.Ordinal
            ),
            await ETagAsync(assetId)
        );
        Assert.True(answer.Status == 201, answer.Body);
    }
}
