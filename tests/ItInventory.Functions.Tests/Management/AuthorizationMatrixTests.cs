using System.Text.Json;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace ItInventory.Functions.Tests.Management;

/// <summary>
/// Every HTTP function of the built app × every persona → the expected status. The functions are read from the
/// build's functions.metadata: a new endpoint that is not in this matrix fails the test.
/// </summary>
public sealed class AuthorizationMatrixTests : IAsyncLifetime
{
    private TestApp app = null!;
    private EnrolledDevice device = null!;
    private string financeAsset = null!;
    private const string FinancePerson = "60000000-0000-4000-8000-000000000001";
    private const string PeopleCsv = "objectId,displayName,email,department,managerObjectId,status\n" + FinancePerson + ",Fin Person,fin@example.com,Finance,,Active\n";
    private string financeTag = null!;

    private static readonly string[] Personas =
        ["anonymous", "device", "end-user", "lead-same-department", "lead-other-department", "auditor", "admin-without-mfa", "admin"];

    /// <summary>Expected status per persona, in the order of <see cref="Personas"/>.</summary>
    private static readonly Dictionary<string, int[]> Matrix = new()
    {
        // Devices authenticate with their credential; people's tokens are refused.
        ["PostCheckin"] = [401, 200, 401, 401, 401, 401, 401, 401],
        // Authorised by the enrollment secret in the body, whoever sends it.
        ["EnrollDevice"] = [200, 200, 200, 200, 200, 200, 200, 200],
        ["GetAsset"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["UpdateAsset"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["RevokeDevice"] = [401, 401, 403, 403, 403, 403, 403, 204],
        ["RequestFullInventory"] = [401, 401, 403, 403, 403, 403, 403, 202],
        ["RotateDeviceCredential"] = [401, 401, 403, 403, 403, 403, 403, 202],
        ["ReplayPoisonCheckins"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["CreateEnrollmentSecret"] = [401, 401, 403, 403, 403, 403, 403, 201],
        ["ListEnrollmentSecrets"] = [401, 401, 403, 403, 403, 200, 200, 200],
        ["RevokeEnrollmentSecret"] = [401, 401, 403, 403, 403, 403, 403, 204],
        ["QueryAuditTrail"] = [401, 401, 403, 403, 403, 200, 200, 200],
        ["VerifyAuditTrail"] = [401, 401, 403, 403, 403, 200, 200, 200],
        // An archived day (the matrix archives the setup's records once, with a clock a day ahead).
        ["VerifyAuditArchive"] = [401, 401, 403, 403, 403, 200, 200, 200],
        ["ImportPeople"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["ExportPeople"] = [401, 401, 403, 403, 403, 200, 200, 200],
        // A Finance person; a department lead reads the people of their departments.
        ["GetPerson"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["ListPeople"] = [401, 401, 403, 200, 403, 200, 200, 200],
        // Any signed-in person reads their own assets.
        ["GetMyAssets"] = [401, 401, 200, 200, 200, 200, 200, 200],
        ["AllocateAssetTag"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["GetAssetByTag"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["GetAssetLabelSvg"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["GetAssetLabelPng"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["PrintLabelSheet"] = [401, 401, 403, 200, 403, 200, 200, 200],
    };

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync();
        device = await app.EnrollNewDeviceAsync();
        var financeSecret = await app.Services.GetRequiredService<EnrollmentSecretStore>().CreateAsync("finance", null, "Finance", CancellationToken.None);
        var enrolled = await app.EnrollAsync(SamplePayloads.Enrollment("FINANCE0001", macs: ["3C:52:82:F1:F1:F1"], secret: financeSecret));
        financeAsset = enrolled.Json.GetProperty("deviceId").GetString()!;
        var imported = await app.Services.GetRequiredService<Functions.People.PeopleService>().ImportAsync(System.Text.Encoding.UTF8.GetBytes(PeopleCsv), ItInventory.Functions.Audit.AuditActor.System("matrix"), null, CancellationToken.None);
        Assert.Equal(1, imported.Value!.Created);
        var admin = new Caller("matrix", null, new HashSet<string> { ManagementRoles.Admin }, new HashSet<string>(), HasMfa: true);
        financeTag = (await app.Services.GetRequiredService<AssetTagService>().AllocateAsync(admin, financeAsset, CancellationToken.None)).Value!.Tag;
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    private string? Authorization(string persona) => persona switch
    {
        "anonymous" => null,
        "device" => device.Authorization,
        "end-user" => TestTokens.Bearer(TestTokens.EndUser),
        "lead-same-department" => TestTokens.Bearer(TestTokens.FinanceLead),
        "lead-other-department" => TestTokens.Bearer(TestTokens.HrLead),
        "auditor" => TestTokens.Bearer(TestTokens.Auditor),
        "admin-without-mfa" => TestTokens.Bearer(TestTokens.AdminWithoutMfa),
        "admin" => TestTokens.Bearer(TestTokens.Admin),
        _ => throw new ArgumentOutOfRangeException(nameof(persona)),
    };

    private async Task<int> InvokeAsync(string function, string persona)
    {
        var headers = new Dictionary<string, string>();
        if (Authorization(persona) is { } value) headers["Authorization"] = value;
        HttpRequest Request(string method, string path, string body = "") =>
            app.Request(method, path, System.Text.Encoding.UTF8.GetBytes(body), body.Length > 0 ? "application/json" : null, headers);

        var ct = CancellationToken.None;
        HttpRequest request;
        IActionResult result;
        switch (function)
        {
            case "PostCheckin":
                request = Request("POST", "/api/checkins", SamplePayloads.Heartbeat(device.DeviceId).Text());
                result = await app.Checkins.PostCheckin(request, ct);
                break;
            case "EnrollDevice":
                request = Request("POST", "/api/devices/enroll", SamplePayloads.Enrollment(device.Serial, macs: [device.Mac], secret: TestApp.EnrollmentSecret));
                result = await app.Devices.EnrollDevice(request, ct);
                // Re-enrollment replaced the device's credential: keep the matrix's device persona valid.
                if (result is Common.JsonBodyResult<EnrollmentResponse> enrolled) device = device with { Authorization = enrolled.Value.Authorization };
                break;
            case "GetAsset":
                request = Request("GET", $"/api/assets/{financeAsset}");
                result = await app.Create<Assets.AssetFunctions>().GetAsset(request, financeAsset, ct);
                break;
            case "UpdateAsset":
                var read = app.Request("GET", $"/api/assets/{financeAsset}", [], null, new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) });
                var current = await TestApp.ExecuteAsync(read, await app.Create<Assets.AssetFunctions>().GetAsset(read, financeAsset, ct));
                headers["If-Match"] = current.Headers.ETag.ToString();
                request = Request("PATCH", $"/api/assets/{financeAsset}", "{\"location\":\"matrix\"}");
                result = await app.Create<Assets.AssetFunctions>().UpdateAsset(request, financeAsset, ct);
                break;
            case "RevokeDevice":
                request = Request("POST", $"/api/devices/{financeAsset}/revoke", "{\"blockReenrollment\":false}");
                result = await app.Create<DeviceAdminFunctions>().RevokeDevice(request, financeAsset, ct);
                break;
            case "RequestFullInventory":
                request = Request("POST", $"/api/devices/{financeAsset}/inventory-request");
                result = await app.Create<DeviceAdminFunctions>().RequestFullInventory(request, financeAsset, ct);
                break;
            case "RotateDeviceCredential":
                request = Request("POST", $"/api/devices/{financeAsset}/credential/rotate");
                result = await app.Create<DeviceAdminFunctions>().RotateDeviceCredential(request, financeAsset, ct);
                break;
            case "ReplayPoisonCheckins":
                request = Request("POST", "/api/checkins/poison/replay");
                result = await app.Checkins.ReplayPoisonCheckins(request, ct);
                break;
            case "CreateEnrollmentSecret":
                request = Request("POST", "/api/enrollment-secrets", "{\"label\":\"matrix\"}");
                result = await app.Create<EnrollmentSecretFunctions>().CreateEnrollmentSecret(request, ct);
                break;
            case "ListEnrollmentSecrets":
                request = Request("GET", "/api/enrollment-secrets");
                result = await app.Create<EnrollmentSecretFunctions>().ListEnrollmentSecrets(request, ct);
                break;
            case "RevokeEnrollmentSecret":
                var secretId = ItInventory.Functions.Devices.DeviceSecrets.Hash(await app.Services.GetRequiredService<EnrollmentSecretStore>().CreateAsync("to revoke", null, null, ct));
                request = Request("DELETE", $"/api/enrollment-secrets/{secretId}");
                result = await app.Create<EnrollmentSecretFunctions>().RevokeEnrollmentSecret(request, secretId, ct);
                break;
            case "QueryAuditTrail":
                request = Request("GET", "/api/audit-trail");
                result = await app.Create<ItInventory.Functions.Audit.AuditFunctions>().QueryAuditTrail(request, ct);
                break;
            case "VerifyAuditTrail":
                request = Request("GET", "/api/audit-trail/verify");
                result = await app.Create<ItInventory.Functions.Audit.AuditFunctions>().VerifyAuditTrail(request, ct);
                break;
            case "VerifyAuditArchive":
                var day = app.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var archiver = new ItInventory.Functions.Audit.AuditArchiver(app.Store, app.Services.GetRequiredService<ItInventory.Functions.Audit.AuditTrail>(),
                    new Microsoft.Extensions.Time.Testing.FakeTimeProvider(app.Clock.GetUtcNow().AddDays(1)),
                    app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<ItInventory.Functions.Audit.AuditArchiver>>());
                await archiver.RunAsync(ct);
                request = Request("GET", $"/api/audit-trail/archive/{day}/verify");
                result = await app.Create<ItInventory.Functions.Audit.AuditArchiveFunctions>().VerifyAuditArchive(request, day, ct);
                break;
            case "ImportPeople":
                request = app.Request("POST", "/api/people/import", System.Text.Encoding.UTF8.GetBytes(PeopleCsv), "text/csv", headers);
                result = await app.Create<Functions.People.PeopleFunctions>().ImportPeople(request, ct);
                break;
            case "ExportPeople":
                request = Request("GET", "/api/people/export");
                result = await app.Create<Functions.People.PeopleFunctions>().ExportPeople(request, ct);
                break;
            case "GetPerson":
                request = Request("GET", $"/api/people/{FinancePerson}");
                result = await app.Create<Functions.People.PeopleFunctions>().GetPerson(request, FinancePerson, ct);
                break;
            case "ListPeople":
                request = Request("GET", "/api/people");
                request.QueryString = new QueryString("?department=Finance");
                result = await app.Create<Functions.People.PeopleFunctions>().ListPeople(request, ct);
                break;
            case "GetMyAssets":
                request = Request("GET", "/api/me/assets");
                result = await app.Create<Functions.People.PeopleFunctions>().GetMyAssets(request, ct);
                break;
            case "AllocateAssetTag":
                request = Request("POST", $"/api/assets/{financeAsset}/tag");
                result = await app.Create<TagFunctions>().AllocateAssetTag(request, financeAsset, ct);
                break;
            case "GetAssetByTag":
                request = Request("GET", $"/api/tags/{financeTag}");
                result = await app.Create<TagFunctions>().GetAssetByTag(request, financeTag, ct);
                break;
            case "GetAssetLabelSvg":
                request = Request("GET", $"/api/assets/{financeAsset}/label.svg");
                result = await app.Create<TagFunctions>().GetAssetLabelSvg(request, financeAsset, ct);
                break;
            case "GetAssetLabelPng":
                request = Request("GET", $"/api/assets/{financeAsset}/label.png");
                result = await app.Create<TagFunctions>().GetAssetLabelPng(request, financeAsset, ct);
                break;
            case "PrintLabelSheet":
                request = Request("POST", "/api/labels/sheet", $"{{\"assetIds\":[\"{financeAsset}\"]}}");
                result = await app.Create<TagFunctions>().PrintLabelSheet(request, ct);
                break;
            default:
                throw new InvalidOperationException($"No invoker for {function}");
        }
        return (await TestApp.ExecuteAsync(request, result)).Status;
    }

    [Fact]
    public void Every_http_function_of_the_build_is_in_the_matrix()
    {
        var httpFunctions = BuiltFunctions.HttpFunctions().Select(f => f.Name).ToHashSet();

        Assert.Empty(httpFunctions.Except(Matrix.Keys));
        Assert.Empty(Matrix.Keys.Except(httpFunctions));
    }

    [Fact]
    public void Every_http_function_is_anonymous_at_the_host_and_authorises_itself()
    {
        // Function keys are shared secrets: the app authenticates devices and people itself.
        Assert.All(BuiltFunctions.HttpFunctions(), f => Assert.Equal("anonymous", f.AuthLevel, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Each_persona_gets_the_expected_status_from_each_http_function()
    {
        var failures = new List<string>();
        foreach (var (function, expected) in Matrix)
        {
            for (var i = 0; i < Personas.Length; i++)
            {
                var status = await InvokeAsync(function, Personas[i]);
                if (status != expected[i]) failures.Add($"{function} as {Personas[i]}: expected {expected[i]}, got {status}");
            }
        }
        Assert.Empty(failures);
    }
}

/// <summary>The functions of the built app, read from its functions.metadata.</summary>
public static class BuiltFunctions
{
    public sealed record HttpFunction(string Name, string Route, string[] Methods, string AuthLevel);

    public static string MetadataPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
            return RepositoryRoot.Combine("functions", "bin", configuration, "net10.0", "functions.metadata");
        }
    }

    public static IReadOnlyList<HttpFunction> HttpFunctions()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath));
        return metadata.RootElement.EnumerateArray()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First(b => b.GetProperty("direction").GetString() == "In")))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => new HttpFunction(
                f.Name,
                f.Trigger.GetProperty("route").GetString()!,
                f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray(),
                f.Trigger.GetProperty("authLevel").GetString()!))
            .ToList();
    }
}
