using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ItInventory.Functions.Assets;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Licences;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Licences;

/// <summary>Calls the licence functions as a client would, and sets up the fleet through the real check-in
/// path.</summary>
public sealed class LicenceTestKit(TestApp app)
{
    public static readonly Caller AdminCaller = new(
        TestTokens.Admin.ObjectId,
        "admin@contoso.test",
        new HashSet<string> { ManagementRoles.Admin },
        new HashSet<string>(),
        HasMfa: true
    );

    public LicenceFunctions Functions => app.Create<LicenceFunctions>();

    public async Task<HttpAnswer> CallAsync(
        string method,
        string path,
        Func<LicenceFunctions, HttpRequest, Task<IActionResult>> invoke,
        string? body = null,
        Persona? persona = null,
        string? query = null,
        string contentType = "application/json",
        IDictionary<string, string>? headers = null
    )
    {
        var all = new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona ?? TestTokens.Admin) };
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
            all[k] = v;
        var request = app.Request(
            method,
            path,
            Encoding.UTF8.GetBytes(body ?? ""),
            body is null ? null : contentType,
            all
        );
        if (query is not null)
            request.QueryString = new QueryString(query);
        return await TestApp.ExecuteAsync(request, invoke(Functions, request));
    }

    public async Task<string> CreateProductAsync(string name, string metric, string rulesJson, string? extra = null)
    {
        var answer = await CallAsync(
            "POST",
            "/api/licences",
            (f, r) => f.CreateLicenceProduct(r, CancellationToken.None),
            $"{{\"name\":\"{name}\",\"metric\":\"{metric}\",\"rules\":{rulesJson}{extra}}}"
        );
        Assert.True(answer.Status == 201, answer.Body);
        return answer.Json.GetProperty("productId").GetString()!;
    }

    public async Task<HttpAnswer> AddEntitlementAsync(string productId, string json) =>
        await CallAsync(
            "POST",
            $"/api/licences/{productId}/entitlements",
            (f, r) => f.AddLicenceEntitlement(r, productId, CancellationToken.None),
            json
        );

    public async Task<HttpAnswer> AssignAsync(string productId, string json, Persona? persona = null) =>
        await CallAsync(
            "POST",
            $"/api/licences/{productId}/seats",
            (f, r) => f.AssignLicenceSeat(r, productId, CancellationToken.None),
            json,
            persona
        );

    public async Task<HttpAnswer> ComplianceAsync(string productId) =>
        await CallAsync("GET", $"/api/licences/{productId}/compliance", (f, r) =>
            f.GetLicenceCompliance(r, productId, CancellationToken.None)
        );

    public async Task<HttpAnswer> RecomputeAsync() =>
        await CallAsync("POST", "/api/licences/compliance/recompute", (f, r) =>
            f.RecomputeLicenceCompliance(r, CancellationToken.None)
        );

    public async Task<HttpAnswer> ReclaimAsync(bool dryRun) =>
        await CallAsync(
            "POST",
            "/api/licences/reclaim",
            (f, r) => f.ReclaimLicenceSeats(r, CancellationToken.None),
            query: $"?dryRun={(dryRun ? "true" : "false")}"
        );

    /// <summary>A device that sent a full inventory with exactly these products, processed by the real queue
    /// processor.</summary>
    public async Task<EnrolledDevice> DeviceWithSoftwareAsync(
        params (string Name, string Publisher, string Version)[] software
    )
    {
        var device = await app.EnrollNewDeviceAsync();
        await SendSoftwareAsync(device, software);
        return device;
    }

    public async Task SendSoftwareAsync(
        EnrolledDevice device,
        params (string Name, string Publisher, string Version)[] software
    )
    {
        var body = SamplePayloads.Inventory(device.DeviceId, device.Serial, macs: [device.Mac], softwareCount: 3);
        var list = body["inventory"]!["software"]!.AsArray();
        foreach (var (name, publisher, version) in software)
        {
            list.Add(
                new JsonObject
                {
                    ["name"] = name,
                    ["version"] = version,
                    ["publisher"] = publisher,
                    ["architecture"] = "x64",
                    ["installedOn"] = "2026-01-15",
                }
            );
        }
        var answer = await app.CheckinAsync(body.Text(), device.Authorization);
        Assert.True(answer.Status == 202, answer.Body);
        Assert.True(await app.ProcessNextCheckinAsync());
    }

    /// <summary>Makes a person the owner of an asset through the real asset update (If-Match on the detail
    /// row).</summary>
    public async Task SetOwnerAsync(string assetId, string ownerObjectId)
    {
        var detail = (
            await app.Store.Assets.GetEntityAsync<AssetDetailEntity>(assetId, TableKeys.AssetDetailRow)
        ).Value;
        var updated = await app
            .Services.GetRequiredService<AssetUpdateService>()
            .UpdateAsync(
                AdminCaller,
                assetId,
                detail.ETag.ToString(),
                new AssetPatch { Owner = ownerObjectId },
                "test",
                CancellationToken.None
            );
        Assert.False(updated.Failed, updated.Problem?.Detail);
    }

    public async Task SetAssetStateAsync(string assetId, string state)
    {
        var merge = new TableEntity(TableKeys.SummaryPartition(assetId), assetId)
        {
            [nameof(AssetSummaryEntity.State)] = state,
        };
        await app.Store.Summaries.UpdateEntityAsync(merge, Azure.ETag.All, TableUpdateMode.Merge);
    }

    public Task ImportPeopleAsync(params (string ObjectId, string Status)[] people) => app.ImportPeopleAsync(people);

    public async Task<List<AuditRecordView>> AuditAsync(string productId) =>
        (
            await app
                .Services.GetRequiredService<AuditTrail>()
                .QueryAsync(LicenceService.AuditEntity, productId, null, null, null, 1000, CancellationToken.None)
        ).ToList();

    public async Task<List<TableEntity>> RowsAsync(TableClient table)
    {
        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
            rows.Add(row);
        return rows;
    }
}
