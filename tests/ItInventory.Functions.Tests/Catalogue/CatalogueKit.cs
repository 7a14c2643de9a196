using System.Text;
using Azure.Data.Tables;
using ItInventory.Functions.Audit;
using ItInventory.Functions.Catalogue;
using ItInventory.Functions.People;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Catalogue;

/// <summary>Calls of the catalogue endpoints through the real function classes, and seed data.</summary>
public static class CatalogueKit
{
    public const string Alice = "20000000-0000-4000-8000-000000000001";
    public const string Bob = "20000000-0000-4000-8000-000000000002";
    public const string Gone = "20000000-0000-4000-8000-000000000003";

    public static Dictionary<string, string> Auth(Persona persona, string? ifMatch = null)
    {
        var headers = new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(persona) };
        if (ifMatch is not null)
            headers["If-Match"] = ifMatch;
        return headers;
    }

    /// <summary>Categories laptops, monitors, sensors (retired inactive); locations hq → hq-3f, warehouse (old-site
    /// inactive);
    /// people Alice (Finance), Bob (HR) active, Gone departed.</summary>
    public static async Task SeedAsync(TestApp app)
    {
        await SeedTaxonomyAsync(app, "category", "laptops", "monitors", "sensors");
        await SeedTaxonomyAsync(app, "location", "hq", "warehouse");
        await app.Store.Taxonomy.AddEntityAsync(
            new TaxonomyEntity
            {
                PartitionKey = "location",
                RowKey = "hq-3f",
                DisplayName = "HQ 3rd floor",
                Parent = "hq",
                Active = true,
            }
        );
        await app.Store.Taxonomy.AddEntityAsync(
            new TaxonomyEntity
            {
                PartitionKey = "category",
                RowKey = "retired-cat",
                DisplayName = "Old",
                Active = false,
            }
        );
        await app.Store.Taxonomy.AddEntityAsync(
            new TaxonomyEntity
            {
                PartitionKey = "location",
                RowKey = "old-site",
                DisplayName = "Old site",
                Active = false,
            }
        );
        var csv =
            "objectId,displayName,email,department,managerObjectId,status\n"
            + $"{Alice},Alice,alice@example.com,Finance,,Active\n{Bob},Bob,bob@example.com,HR,,Active\n{Gone},Gone,"
            + "gone@example.com,Finance,,Departed\n";
        var imported = await app
            .Services.GetRequiredService<PeopleService>()
            .ImportAsync(
                Encoding.UTF8.GetBytes(csv),
                ItInventory.Functions.Audit.AuditActor.System("test-setup"),
                null,
                CancellationToken.None
            );
        Assert.Equal(3, imported.Value!.Created);
    }

    public static async Task SeedTaxonomyAsync(TestApp app, string kind, params string[] codes)
    {
        foreach (var code in codes)
        {
            await app.Store.Taxonomy.UpsertEntityAsync(
                new TaxonomyEntity
                {
                    PartitionKey = kind,
                    RowKey = code,
                    DisplayName = code,
                    Active = true,
                }
            );
        }
    }

    public static async Task<HttpAnswer> CreateAsync(TestApp app, string json, Persona? persona = null)
    {
        var request = app.Request(
            "POST",
            "/api/assets",
            Encoding.UTF8.GetBytes(json),
            "application/json",
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().CreateAsset(request, CancellationToken.None)
        );
    }

    /// <summary>Creates a peripheral in stock in Finance and answers its id and ETag.</summary>
    public static async Task<(string Id, string ETag)> CreatePeripheralAsync(
        TestApp app,
        string? serial = null,
        string department = "Finance",
        string extra = ""
    )
    {
        var serialJson = serial is null ? "" : $",\"serialNumber\":\"{serial}\"";
        var answer = await CreateAsync(
            app,
            $"{{\"name\":\"Dock\",\"type\":\"peripheral\",\"department\":\"{department}\"{serialJson}{extra}}}"
        );
        Assert.True(answer.Status == 201, answer.Body);
        return (answer.Json.GetProperty("id").GetString()!, answer.Headers.ETag.ToString());
    }

    public static async Task<HttpAnswer> SearchAsync(TestApp app, string query, Persona? persona = null)
    {
        var request = app.Request("GET", "/api/assets", [], null, Auth(persona ?? TestTokens.Admin));
        request.QueryString = new QueryString(query);
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().SearchAssets(request, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> ExportAsync(TestApp app, string query = "", Persona? persona = null)
    {
        var request = app.Request("GET", "/api/assets/export", [], null, Auth(persona ?? TestTokens.Admin));
        request.QueryString = new QueryString(query);
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().ExportAssets(request, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> ImportAsync(
        TestApp app,
        string csv,
        Persona? persona = null,
        string contentType = "text/csv"
    )
    {
        var request = app.Request(
            "POST",
            "/api/assets/import",
            Encoding.UTF8.GetBytes(csv),
            contentType,
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().ImportAssets(request, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> CheckOutAsync(
        TestApp app,
        string assetId,
        string json,
        string? ifMatch,
        Persona? persona = null
    )
    {
        var headers = Auth(persona ?? TestTokens.Admin, ifMatch);
        var request = app.Request(
            "POST",
            $"/api/assets/{assetId}/checkout",
            Encoding.UTF8.GetBytes(json),
            "application/json",
            headers
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().CheckOutAsset(request, assetId, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> CheckInAsync(
        TestApp app,
        string assetId,
        string? json,
        string? ifMatch,
        Persona? persona = null
    )
    {
        var headers = Auth(persona ?? TestTokens.Admin, ifMatch);
        var request = app.Request(
            "POST",
            $"/api/assets/{assetId}/checkin",
            json is null ? [] : Encoding.UTF8.GetBytes(json),
            json is null ? null : "application/json",
            headers
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().CheckInAsset(request, assetId, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> AssignmentsAsync(
        TestApp app,
        string assetId,
        string query = "",
        Persona? persona = null
    )
    {
        var request = app.Request(
            "GET",
            $"/api/assets/{assetId}/assignments",
            [],
            null,
            Auth(persona ?? TestTokens.Admin)
        );
        request.QueryString = new QueryString(query);
        return await TestApp.ExecuteAsync(
            request,
            app.Create<CatalogueFunctions>().ListAssetAssignments(request, assetId, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> PutTaxonomyAsync(
        TestApp app,
        string kind,
        string code,
        string json,
        Persona? persona = null
    )
    {
        var request = app.Request(
            "PUT",
            $"/api/taxonomy/{kind}/{code}",
            Encoding.UTF8.GetBytes(json),
            "application/json",
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<TaxonomyFunctions>().PutTaxonomyEntry(request, kind, code, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> DeleteTaxonomyAsync(
        TestApp app,
        string kind,
        string code,
        Persona? persona = null
    )
    {
        var request = app.Request(
            "DELETE",
            $"/api/taxonomy/{kind}/{code}",
            [],
            null,
            Auth(persona ?? TestTokens.Admin)
        );
        return await TestApp.ExecuteAsync(
            request,
            app.Create<TaxonomyFunctions>().DeleteTaxonomyEntry(request, kind, code, CancellationToken.None)
        );
    }

    public static async Task<HttpAnswer> ListTaxonomyAsync(TestApp app, string kind, Persona? persona = null)
    {
        var request = app.Request("GET", $"/api/taxonomy/{kind}", [], null, Auth(persona ?? TestTokens.Admin));
        return await TestApp.ExecuteAsync(
            request,
            app.Create<TaxonomyFunctions>().ListTaxonomy(request, kind, CancellationToken.None)
        );
    }

    /// <summary>The audit records of one entity, in order.</summary>
    public static async Task<List<AuditRecordEntity>> AuditAsync(TestApp app, string entity, string entityId) =>
        await app
            .Store.AuditTrail.QueryAsync<AuditRecordEntity>(
                TableClient.CreateQueryFilter($"Entity eq {entity} and EntityId eq {entityId}")
            )
            .ToListAsync()
            .ContinueWith(t => t.Result.OrderBy(r => r.Sequence).ToList());

    public static async Task<string> ETagAsync(TestApp app, string assetId) =>
        (await app.Store.Assets.GetEntityAsync<TableEntity>(assetId, TableKeys.AssetDetailRow)).Value.ETag.ToString();
}
