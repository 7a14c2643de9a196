using System.Text.Json;
using ItInventory.Functions.AgentProtocols;
using ItInventory.Functions.Devices;
using ItInventory.Functions.Management.Security;
using ItInventory.Functions.Tags;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using AuditArchiverLogger = Microsoft.Extensions.Logging.ILogger<ItInventory.Functions.Audit.AuditArchiver>;

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
    private const string PeopleCsv =
        "objectId,displayName,email,department,managerObjectId,status\n"
        + FinancePerson
        + ",Fin Person,fin@example.com,Finance,,Active\n";
    private string financeTag = null!;
    private string licenceProduct = null!;
    private const string LicenceCsv =
        "product,reference,type,seats,unitCost,startDate,endDate,renewalDate\nMatrix "
        + "Office,MATRIX-CSV,Perpetual,3,,,,\n";
    private string financeStock = null!;
    private int taxonomyEntries;

    private static readonly string[] Personas =
    [
        "anonymous",
        "device",
        "end-user",
        "lead-same-department",
        "lead-other-department",
        "auditor",
        "admin-without-mfa",
        "admin",
    ];

    /// <summary>Expected status per persona, in the order of <see cref="Personas"/>.</summary>
    private static readonly Dictionary<string, int[]> Matrix = new()
    {
        // Devices authenticate with their credential; people's tokens are refused.
        ["PostCheckin"] = [401, 200, 401, 401, 401, 401, 401, 401],
        // The existing agents' endpoints: the device credential (Basic, OAuth token or the native header) only.
        ["PostGlpiAgentMessage"] = [401, 200, 401, 401, 401, 401, 401, 401],
        ["PostGlpiFrontInventory"] = [401, 200, 401, 401, 401, 401, 401, 401],
        ["PostOcsAgentMessage"] = [401, 200, 401, 401, 401, 401, 401, 401],
        ["IssueGlpiAgentToken"] = [401, 200, 401, 401, 401, 401, 401, 401],
        ["IssueGlpiAgentTokenAtApiRoot"] = [401, 200, 401, 401, 401, 401, 401, 401],
        // Authorised by the enrollment secret in the body, whoever sends it.
        ["EnrollDevice"] = [200, 200, 200, 200, 200, 200, 200, 200],
        ["GetAsset"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["UpdateAsset"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["ListAssetHistory"] = [401, 401, 403, 200, 403, 200, 200, 200],
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
        // Lifecycle: changes by admins and leads of the asset's department (MFA); each change call gets a fresh asset.
        ["ChangeLifecycleState"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["ApproveAsset"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["RejectAsset"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["RecordSanitisation"] = [401, 401, 403, 201, 403, 403, 403, 201],
        ["RunDecommissioningSteps"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["RecordDisposal"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["GetDecommissioning"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["GetSanitisationCertificate"] = [401, 401, 403, 200, 403, 200, 200, 200],
        // Licences: admins change them (MFA); admins, auditors and department leads read them; anyone reads their own
        // seats.
        ["CreateLicenceProduct"] = [401, 401, 403, 403, 403, 403, 403, 201],
        ["ListLicenceProducts"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["GetLicenceProduct"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["UpdateLicenceProduct"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["AddLicenceEntitlement"] = [401, 401, 403, 403, 403, 403, 403, 201],
        ["UpdateLicenceEntitlement"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["DeleteLicenceEntitlement"] = [401, 401, 403, 403, 403, 403, 403, 204],
        ["AssignLicenceSeat"] = [401, 401, 403, 403, 403, 403, 403, 201],
        ["ListLicenceSeats"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["ReleaseLicenceSeat"] = [401, 401, 403, 403, 403, 403, 403, 204],
        ["GetLicenceCompliance"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["GetLicenceComplianceOverview"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["RecomputeLicenceCompliance"] = [401, 401, 403, 403, 403, 403, 403, 200],
        // A dry run (the default) changes nothing: admins and auditors.
        ["ReclaimLicenceSeats"] = [401, 401, 403, 403, 403, 200, 200, 200],
        ["GetMyLicences"] = [401, 401, 200, 200, 200, 200, 200, 200],
        ["ImportLicences"] = [401, 401, 403, 403, 403, 403, 403, 200],
        // Running a scan now: admins with MFA (200 with the run's summary).
        ["RunReconciliation"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["RunIdleScan"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["ExportLicences"] = [401, 401, 403, 403, 403, 200, 200, 200],
        // Catalogue: anyone signed in reads the taxonomy; only admins change it.
        ["ListTaxonomy"] = [401, 401, 200, 200, 200, 200, 200, 200],
        ["PutTaxonomyEntry"] = [401, 401, 403, 403, 403, 403, 403, 201],
        ["DeleteTaxonomyEntry"] = [401, 401, 403, 403, 403, 403, 403, 204],
        // A peripheral in Finance: admins and Finance's lead create it.
        ["CreateAsset"] = [401, 401, 403, 201, 403, 403, 403, 201],
        // Searches and exports naming department=Finance.
        ["SearchAssets"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["ExportAssets"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["ImportAssets"] = [401, 401, 403, 403, 403, 403, 403, 200],
        // Financials: admins and auditors read the rate table; admins import it (MFA).
        ["ListExchangeRates"] = [401, 401, 403, 403, 403, 200, 200, 200],
        ["ImportExchangeRates"] = [401, 401, 403, 403, 403, 403, 403, 200],
        // Reports: admins generate (MFA); admins, auditors and leads list and download (leads: their cut).
        ["GenerateFinanceReport"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["GenerateItSnapshot"] = [401, 401, 403, 403, 403, 403, 403, 200],
        ["ListReports"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["DownloadReport"] = [401, 401, 403, 200, 200, 200, 200, 200],
        // The finance email's resend: admins (MFA) only; sent through the matrix's in-process SMTP server.
        ["ResendFinanceEmail"] = [401, 401, 403, 403, 403, 403, 403, 200],
        // Audit reports on demand: admins and auditors (no MFA: a report changes no inventory data).
        ["RequestAuditReport"] = [401, 401, 403, 403, 403, 202, 202, 202],
        ["GetAuditReport"] = [401, 401, 403, 403, 403, 200, 200, 200],
        ["CheckOutAsset"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["CheckInAsset"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["ListAssetAssignments"] = [401, 401, 403, 200, 403, 200, 200, 200],
        // Findings: a Finance finding (a fresh one per change call); auditors read only; changes need MFA.
        ["ListFindings"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["CountFindings"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["GetFinding"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["AcknowledgeFinding"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["AssignFinding"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["SnoozeFinding"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["ResolveFinding"] = [401, 401, 403, 200, 403, 403, 403, 200],
        ["ListScanRuns"] = [401, 401, 403, 403, 403, 200, 200, 200],
        // Campaigns over Finance: admins create and close them (MFA); admins, auditors and Finance's lead read and
        // record; any lead lists (seeing the campaigns of their departments). Each close gets a fresh campaign.
        ["CreateCampaign"] = [401, 401, 403, 403, 403, 403, 403, 201],
        ["ListCampaigns"] = [401, 401, 403, 200, 200, 200, 200, 200],
        ["GetCampaign"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["ListCampaignAssets"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["RecordCampaignScan"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["CloseCampaign"] = [401, 401, 403, 403, 403, 403, 403, 200],
        // KPIs of Finance (department=Finance): admins, auditors and Finance's lead read; admins backfill (MFA).
        ["GetLatestKpis"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["GetKpiSeries"] = [401, 401, 403, 200, 403, 200, 200, 200],
        ["BackfillKpis"] = [401, 401, 403, 403, 403, 403, 403, 200],
    };

    private const string FinanceCampaignBody =
        "{\"name\":\"Matrix\",\"scope\":\"department\",\"scopeValue\":\"Finance\",\"mode\":\"full\"}";
    private string? financeCampaign;

    /// <summary>A new open campaign over Finance, created by an admin (the Finance stock asset is its asset).</summary>
    private async Task<string> NewFinanceCampaignAsync()
    {
        var admin = new Caller(
            "matrix",
            null,
            new HashSet<string> { ManagementRoles.Admin },
            new HashSet<string>(),
            HasMfa: true
        );
        var body = System.Text.Json.JsonSerializer.Deserialize(
            FinanceCampaignBody,
            Functions.Common.ApiJsonContext.Default.CreateCampaignRequest
        )!;
        return (
            await app
                .Services.GetRequiredService<Functions.Campaigns.CampaignService>()
                .CreateAsync(admin, body, null, CancellationToken.None)
        )
            .Value!
            .Id;
    }

    private readonly Reports.Mail.TestSmtpServer smtp = Reports.Mail.TestSmtpServer.Start();

    public async Task InitializeAsync()
    {
        app = await TestApp.StartAsync(settings =>
        {
            foreach (var (key, value) in smtp.Settings())
                settings[key] = value;
            settings["FinanceMail:Recipients"] = "finance@example.org";
            settings["FinanceMail:Sender"] = "inventory@example.org";
        });
        lifecycle = new Lifecycle.LifecycleClient(app);
        device = await app.EnrollNewDeviceAsync();
        var financeSecret = await app
            .Services.GetRequiredService<EnrollmentSecretStore>()
            .CreateAsync("finance", null, "Finance", CancellationToken.None);
        var enrolled = await app.EnrollAsync(
            SamplePayloads.Enrollment("FINANCE0001", macs: ["3C:52:82:F1:F1:F1"], secret: financeSecret)
        );
        financeAsset = enrolled.Json.GetProperty("deviceId").GetString()!;
        var imported = await app
            .Services.GetRequiredService<Functions.People.PeopleService>()
            .ImportAsync(
                System.Text.Encoding.UTF8.GetBytes(PeopleCsv),
                ItInventory.Functions.Audit.AuditActor.System("matrix"),
                null,
                CancellationToken.None
            );
        Assert.Equal(1, imported.Value!.Created);
        var admin = new Caller(
            "matrix",
            null,
            new HashSet<string> { ManagementRoles.Admin },
            new HashSet<string>(),
            HasMfa: true
        );
        financeTag = (
            await app
                .Services.GetRequiredService<AssetTagService>()
                .AllocateAsync(admin, financeAsset, CancellationToken.None)
        )
            .Value!
            .Tag;
        var licences = app.Services.GetRequiredService<Functions.Licences.LicenceService>();
        licenceProduct = (
            await licences.CreateProductAsync(
                admin,
                new Functions.Licences.CreateLicenceProductRequest
                {
                    Name = "Matrix Office",
                    Metric = "PerUser",
                    Rules = [new Functions.Licences.LicenceRule("Microsoft Office*")],
                },
                null,
                CancellationToken.None
            )
        ).Value!.Product.ProductId;
        await licences.AddEntitlementAsync(
            admin,
            licenceProduct,
            new Functions.Licences.CreateEntitlementRequest
            {
                Reference = "MATRIX",
                Type = "Perpetual",
                Seats = 10,
            },
            null,
            CancellationToken.None
        );
        await Catalogue.CatalogueKit.SeedTaxonomyAsync(app, "location", "matrix");
        financeStock = (
            await app
                .Services.GetRequiredService<Functions.Catalogue.AssetCreateService>()
                .CreateAsync(
                    admin,
                    new Functions.Catalogue.CreateAssetRequest
                    {
                        Name = "Finance dock",
                        Type = "peripheral",
                        Department = "Finance",
                    },
                    null,
                    CancellationToken.None
                )
        ).Value.Asset.Id;
    }

    public async Task DisposeAsync()
    {
        await app.DisposeAsync();
        await smtp.DisposeAsync();
    }

    private Lifecycle.LifecycleClient lifecycle = null!;
    private string? financeSecret;
    private string? certifiedFinanceAsset;

    /// <summary>A new Finance device (Discovered), or approved and moved to <paramref name="state"/> (and sanitised),
    /// by an admin:
    /// state-changing lifecycle calls each get their own asset, so every persona meets the same starting
    /// point.</summary>
    private async Task<string> FreshFinanceAssetAsync(Functions.Assets.LifecycleState? state, bool sanitised = false)
    {
        financeSecret ??= await lifecycle.FinanceSecretAsync();
        var assetId = (await lifecycle.EnrollAsync(financeSecret)).DeviceId;
        if (sanitised)
            await lifecycle.RetireAndSanitiseAsync(assetId);
        else if (state == Functions.Assets.LifecycleState.InStock)
            await lifecycle.ApproveAndMoveAsync(assetId);
        else if (state is { } target)
            await lifecycle.ApproveAndMoveAsync(assetId, target);
        return assetId;
    }

    private async Task<string> CertifiedFinanceAssetAsync() =>
        certifiedFinanceAsset ??= await FreshFinanceAssetAsync(
            Functions.Assets.LifecycleState.Retired,
            sanitised: true
        );

    private string? Authorization(string persona) =>
        persona switch
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
        if (Authorization(persona) is { } value)
            headers["Authorization"] = value;
        HttpRequest Request(string method, string path, string body = "") =>
            app.Request(
                method,
                path,
                System.Text.Encoding.UTF8.GetBytes(body),
                body.Length > 0 ? "application/json" : null,
                headers
            );

        var ct = CancellationToken.None;
        HttpRequest request;
        Task<IActionResult> result;
        switch (function)
        {
            case "PostCheckin":
                request = Request("POST", "/api/checkins", SamplePayloads.Heartbeat(device.DeviceId).Text());
                result = app.Checkins.PostCheckin(request, ct);
                break;
            case "EnrollDevice":
                request = Request(
                    "POST",
                    "/api/devices/enroll",
                    SamplePayloads.Enrollment(device.Serial, macs: [device.Mac], secret: TestApp.EnrollmentSecret)
                );
                result = app.Devices.EnrollDevice(request, ct);
                // Re-enrollment replaced the device's credential: keep the matrix's device persona valid.
                var answered = await result.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, ct);
                if (answered is Functions.Common.JsonBodyResult<EnrollmentResponse> enrolled)
                    device = device with { Authorization = enrolled.Value.Authorization };
                break;
            case "GetAsset":
                request = Request("GET", $"/api/assets/{financeAsset}");
                result = app.Create<Functions.Assets.AssetFunctions>().GetAsset(request, financeAsset, ct);
                break;
            case "ListAssetHistory":
                request = Request("GET", $"/api/assets/{financeAsset}/history");
                result = app.Create<Functions.Assets.AssetFunctions>().ListAssetHistory(request, financeAsset, ct);
                break;
            case "UpdateAsset":
                var read = app.Request(
                    "GET",
                    $"/api/assets/{financeAsset}",
                    [],
                    null,
                    new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
                );
                var current = await TestApp.ExecuteAsync(
                    read,
                    app.Create<Functions.Assets.AssetFunctions>().GetAsset(read, financeAsset, ct)
                );
                headers["If-Match"] = current.Headers.ETag.ToString();
                request = Request("PATCH", $"/api/assets/{financeAsset}", "{\"location\":\"matrix\"}");
                result = app.Create<Functions.Assets.AssetFunctions>().UpdateAsset(request, financeAsset, ct);
                break;
            case "RevokeDevice":
                request = Request("POST", $"/api/devices/{financeAsset}/revoke", "{\"blockReenrollment\":false}");
                result = app.Create<DeviceAdminFunctions>().RevokeDevice(request, financeAsset, ct);
                break;
            case "RequestFullInventory":
                request = Request("POST", $"/api/devices/{financeAsset}/inventory-request");
                result = app.Create<DeviceAdminFunctions>().RequestFullInventory(request, financeAsset, ct);
                break;
            case "RotateDeviceCredential":
                request = Request("POST", $"/api/devices/{financeAsset}/credential/rotate");
                result = app.Create<DeviceAdminFunctions>().RotateDeviceCredential(request, financeAsset, ct);
                break;
            case "PostGlpiAgentMessage" or "PostGlpiFrontInventory":
                request = Request(
                    "POST",
                    function == "PostGlpiAgentMessage" ? "/api/agents/glpi" : "/api/front/inventory.php",
                    "{\"action\":\"contact\",\"deviceid\":\"matrix-agent-2026-01-01-00-00-00\"}"
                );
                result = AsAction(
                    function == "PostGlpiAgentMessage"
                        ? app.Create<AgentProtocolFunctions>().PostGlpiAgentMessage(request, ct)
                        : app.Create<AgentProtocolFunctions>().PostGlpiFrontInventory(request, ct)
                );
                break;
            case "PostOcsAgentMessage":
                request = Request(
                    "POST",
                    "/api/agents/ocs",
                    "<REQUEST><DEVICEID>matrix-agent-2026-01-01-00-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>"
                );
                result = AsAction(app.Create<AgentProtocolFunctions>().PostOcsAgentMessage(request, ct));
                break;
            case "IssueGlpiAgentToken" or "IssueGlpiAgentTokenAtApiRoot":
                request = Request("POST", "/api/api.php/token", "{\"grant_type\":\"client_credentials\"}");
                result = AsAction(
                    function == "IssueGlpiAgentToken"
                        ? app.Create<AgentProtocolFunctions>().IssueGlpiAgentToken(request, ct)
                        : app.Create<AgentProtocolFunctions>().IssueGlpiAgentTokenAtApiRoot(request, ct)
                );
                break;
            case "ReplayPoisonCheckins":
                request = Request("POST", "/api/checkins/poison/replay");
                result = app.Checkins.ReplayPoisonCheckins(request, ct);
                break;
            case "CreateEnrollmentSecret":
                request = Request("POST", "/api/enrollment-secrets", "{\"label\":\"matrix\"}");
                result = app.Create<EnrollmentSecretFunctions>().CreateEnrollmentSecret(request, ct);
                break;
            case "ListEnrollmentSecrets":
                request = Request("GET", "/api/enrollment-secrets");
                result = app.Create<EnrollmentSecretFunctions>().ListEnrollmentSecrets(request, ct);
                break;
            case "RevokeEnrollmentSecret":
                var secretId = ItInventory.Functions.Devices.DeviceSecrets.Hash(
                    await app
                        .Services.GetRequiredService<EnrollmentSecretStore>()
                        .CreateAsync("to revoke", null, null, ct)
                );
                request = Request("DELETE", $"/api/enrollment-secrets/{secretId}");
                result = app.Create<EnrollmentSecretFunctions>().RevokeEnrollmentSecret(request, secretId, ct);
                break;
            case "QueryAuditTrail":
                request = Request("GET", "/api/audit-trail");
                result = app.Create<ItInventory.Functions.Audit.AuditFunctions>().QueryAuditTrail(request, ct);
                break;
            case "VerifyAuditTrail":
                request = Request("GET", "/api/audit-trail/verify");
                result = app.Create<ItInventory.Functions.Audit.AuditFunctions>().VerifyAuditTrail(request, ct);
                break;
            case "VerifyAuditArchive":
                var day = app
                    .Clock.GetUtcNow()
                    .UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                var archiver = new ItInventory.Functions.Audit.AuditArchiver(
                    app.Store,
                    app.Services.GetRequiredService<ItInventory.Functions.Events.Outbox>(),
                    new Microsoft.Extensions.Time.Testing.FakeTimeProvider(app.Clock.GetUtcNow().AddDays(1)),
                    app.Services.GetRequiredService<AuditArchiverLogger>()
                );
                await archiver.RunAsync(ct);
                request = Request("GET", $"/api/audit-trail/archive/{day}/verify");
                result = app.Create<ItInventory.Functions.Audit.AuditArchiveFunctions>()
                    .VerifyAuditArchive(request, day, ct);
                break;
            case "ImportPeople":
                request = app.Request(
                    "POST",
                    "/api/people/import",
                    System.Text.Encoding.UTF8.GetBytes(PeopleCsv),
                    "text/csv",
                    headers
                );
                result = app.Create<Functions.People.PeopleFunctions>().ImportPeople(request, ct);
                break;
            case "ExportPeople":
                request = Request("GET", "/api/people/export");
                result = app.Create<Functions.People.PeopleFunctions>().ExportPeople(request, ct);
                break;
            case "GetPerson":
                request = Request("GET", $"/api/people/{FinancePerson}");
                result = app.Create<Functions.People.PeopleFunctions>().GetPerson(request, FinancePerson, ct);
                break;
            case "ListPeople":
                request = Request("GET", "/api/people");
                request.QueryString = new QueryString("?department=Finance");
                result = app.Create<Functions.People.PeopleFunctions>().ListPeople(request, ct);
                break;
            case "GetMyAssets":
                request = Request("GET", "/api/me/assets");
                result = app.Create<Functions.People.PeopleFunctions>().GetMyAssets(request, ct);
                break;
            case "AllocateAssetTag":
                request = Request("POST", $"/api/assets/{financeAsset}/tag");
                result = app.Create<TagFunctions>().AllocateAssetTag(request, financeAsset, ct);
                break;
            case "GetAssetByTag":
                request = Request("GET", $"/api/tags/{financeTag}");
                result = app.Create<TagFunctions>().GetAssetByTag(request, financeTag, ct);
                break;
            case "GetAssetLabelSvg":
                request = Request("GET", $"/api/assets/{financeAsset}/label.svg");
                result = app.Create<TagFunctions>().GetAssetLabelSvg(request, financeAsset, ct);
                break;
            case "GetAssetLabelPng":
                request = Request("GET", $"/api/assets/{financeAsset}/label.png");
                result = app.Create<TagFunctions>().GetAssetLabelPng(request, financeAsset, ct);
                break;
            case "PrintLabelSheet":
                request = Request("POST", "/api/labels/sheet", $"{{\"assetIds\":[\"{financeAsset}\"]}}");
                result = app.Create<TagFunctions>().PrintLabelSheet(request, ct);
                break;
            case "ChangeLifecycleState":
                var inStock = await FreshFinanceAssetAsync(Functions.Assets.LifecycleState.InStock);
                headers["If-Match"] = await lifecycle.ETagAsync(inStock);
                request = Request("POST", $"/api/assets/{inStock}/state", "{\"to\":\"Deployed\"}");
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>()
                    .ChangeLifecycleState(request, inStock, ct);
                break;
            case "ApproveAsset":
                var toApprove = await FreshFinanceAssetAsync(null);
                headers["If-Match"] = await lifecycle.ETagAsync(toApprove);
                request = Request("POST", $"/api/assets/{toApprove}/approve", "{\"state\":\"InStock\"}");
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>().ApproveAsset(request, toApprove, ct);
                break;
            case "RejectAsset":
                var toReject = await FreshFinanceAssetAsync(null);
                headers["If-Match"] = await lifecycle.ETagAsync(toReject);
                request = Request("POST", $"/api/assets/{toReject}/reject", "{\"reason\":\"matrix\"}");
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>().RejectAsset(request, toReject, ct);
                break;
            case "RecordSanitisation":
                var retired = await FreshFinanceAssetAsync(Functions.Assets.LifecycleState.Retired);
                headers["If-Match"] = await lifecycle.ETagAsync(retired);
                request = Request(
                    "POST",
                    $"/api/assets/{retired}/decommissioning/sanitisation",
                    Lifecycle.LifecycleClient.PassedSanitisation.Replace(
                        "\"verification\"",
                        "\"media\":[\"disk 0\"],\"verification\"",
                        StringComparison.Ordinal
                    )
                );
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>().RecordSanitisation(request, retired, ct);
                break;
            case "RunDecommissioningSteps":
                var certified = await CertifiedFinanceAssetAsync();
                request = Request("POST", $"/api/assets/{certified}/decommissioning/steps");
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>()
                    .RunDecommissioningSteps(request, certified, ct);
                break;
            case "RecordDisposal":
                var toDispose = await FreshFinanceAssetAsync(Functions.Assets.LifecycleState.Retired, sanitised: true);
                headers["If-Match"] = await lifecycle.ETagAsync(toDispose);
                request = Request(
                    "POST",
                    $"/api/assets/{toDispose}/decommissioning/disposal",
                    Lifecycle.LifecycleClient.Disposal
                );
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>().RecordDisposal(request, toDispose, ct);
                break;
            case "GetDecommissioning":
                var decommissioned = await CertifiedFinanceAssetAsync();
                request = Request("GET", $"/api/assets/{decommissioned}/decommissioning");
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>()
                    .GetDecommissioning(request, decommissioned, ct);
                break;
            case "GetSanitisationCertificate":
                var withCertificate = await CertifiedFinanceAssetAsync();
                request = Request("GET", $"/api/assets/{withCertificate}/decommissioning/certificate");
                result = app.Create<Functions.Lifecycle.LifecycleFunctions>()
                    .GetSanitisationCertificate(request, withCertificate, ct);
                break;
            case "CreateLicenceProduct":
                request = Request(
                    "POST",
                    "/api/licences",
                    "{\"name\":\"Matrix "
                        + $"{Guid.NewGuid():N}\",\"metric\":\"PerDevice\",\"rules\":[{{\"name\":\"Visio*\"}}]}}"
                );
                result = app.Create<Functions.Licences.LicenceFunctions>().CreateLicenceProduct(request, ct);
                break;
            case "ListLicenceProducts":
                request = Request("GET", "/api/licences");
                result = app.Create<Functions.Licences.LicenceFunctions>().ListLicenceProducts(request, ct);
                break;
            case "GetLicenceProduct":
                request = Request("GET", $"/api/licences/{licenceProduct}");
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .GetLicenceProduct(request, licenceProduct, ct);
                break;
            case "UpdateLicenceProduct":
                var product = await app
                    .Services.GetRequiredService<Functions.Licences.LicenceService>()
                    .LoadAsync(licenceProduct, ct);
                headers["If-Match"] = product!.Product.ETag.ToString();
                request = Request(
                    "PATCH",
                    $"/api/licences/{licenceProduct}",
                    $"{{\"vendor\":\"matrix {Guid.NewGuid():N}\"}}"
                );
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .UpdateLicenceProduct(request, licenceProduct, ct);
                break;
            case "AddLicenceEntitlement":
                request = Request(
                    "POST",
                    $"/api/licences/{licenceProduct}/entitlements",
                    $"{{\"reference\":\"PO-{Guid.NewGuid():N}\",\"type\":\"Perpetual\",\"seats\":1}}"
                );
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .AddLicenceEntitlement(request, licenceProduct, ct);
                break;
            case "UpdateLicenceEntitlement":
            case "DeleteLicenceEntitlement":
                var licenceService = app.Services.GetRequiredService<Functions.Licences.LicenceService>();
                var matrixAdmin2 = new Caller(
                    "matrix",
                    null,
                    new HashSet<string> { ManagementRoles.Admin },
                    new HashSet<string>(),
                    HasMfa: true
                );
                var entitlement = (
                    await licenceService.AddEntitlementAsync(
                        matrixAdmin2,
                        licenceProduct,
                        new Functions.Licences.CreateEntitlementRequest
                        {
                            Reference = $"E-{Guid.NewGuid():N}",
                            Type = "Perpetual",
                            Seats = 1,
                        },
                        null,
                        ct
                    )
                ).Value!;
                headers["If-Match"] = entitlement.ETag;
                var entitlementPath = $"/api/licences/{licenceProduct}/entitlements/{entitlement.EntitlementId}";
                var functions = app.Create<Functions.Licences.LicenceFunctions>();
                if (function == "UpdateLicenceEntitlement")
                {
                    request = Request("PATCH", entitlementPath, "{\"seats\":2}");
                    result = functions.UpdateLicenceEntitlement(request, licenceProduct, entitlement.EntitlementId, ct);
                }
                else
                {
                    request = Request("DELETE", entitlementPath);
                    result = functions.DeleteLicenceEntitlement(request, licenceProduct, entitlement.EntitlementId, ct);
                }
                break;
            case "AssignLicenceSeat":
                await app
                    .Services.GetRequiredService<Functions.Licences.LicenceService>()
                    .ReleaseSeatAsync(
                        licenceProduct,
                        $"person-{FinancePerson}",
                        ItInventory.Functions.Audit.AuditActor.System("matrix"),
                        "matrix",
                        null,
                        ct
                    );
                request = Request(
                    "POST",
                    $"/api/licences/{licenceProduct}/seats",
                    $"{{\"person\":\"{FinancePerson}\"}}"
                );
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .AssignLicenceSeat(request, licenceProduct, ct);
                break;
            case "ListLicenceSeats":
                request = Request("GET", $"/api/licences/{licenceProduct}/seats");
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .ListLicenceSeats(request, licenceProduct, ct);
                break;
            case "ReleaseLicenceSeat":
                var matrixAdmin = new Caller(
                    "matrix",
                    null,
                    new HashSet<string> { ManagementRoles.Admin },
                    new HashSet<string>(),
                    HasMfa: true
                );
                await app
                    .Services.GetRequiredService<Functions.Licences.LicenceService>()
                    .AssignSeatAsync(
                        matrixAdmin,
                        licenceProduct,
                        new Functions.Licences.AssignSeatRequest { Person = FinancePerson },
                        null,
                        ct
                    );
                request = Request("DELETE", $"/api/licences/{licenceProduct}/seats/person-{FinancePerson}");
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .ReleaseLicenceSeat(request, licenceProduct, $"person-{FinancePerson}", ct);
                break;
            case "GetLicenceCompliance":
                request = Request("GET", $"/api/licences/{licenceProduct}/compliance");
                result = app.Create<Functions.Licences.LicenceFunctions>()
                    .GetLicenceCompliance(request, licenceProduct, ct);
                break;
            case "GetLicenceComplianceOverview":
                request = Request("GET", "/api/licences/compliance");
                result = app.Create<Functions.Licences.LicenceFunctions>().GetLicenceComplianceOverview(request, ct);
                break;
            case "RecomputeLicenceCompliance":
                request = Request("POST", "/api/licences/compliance/recompute");
                result = app.Create<Functions.Licences.LicenceFunctions>().RecomputeLicenceCompliance(request, ct);
                break;
            case "RunReconciliation":
                request = Request("POST", "/api/audits/reconciliation/run");
                result = app.Create<Functions.Audits.ReconciliationFunctions>().RunReconciliation(request, ct);
                break;
            case "RunIdleScan":
                request = Request("POST", "/api/audits/idle/run");
                result = app.Create<Functions.Audits.ReconciliationFunctions>().RunIdleScan(request, ct);
                break;
            case "ReclaimLicenceSeats":
                request = Request("POST", "/api/licences/reclaim");
                result = app.Create<Functions.Licences.LicenceFunctions>().ReclaimLicenceSeats(request, ct);
                break;
            case "GetMyLicences":
                request = Request("GET", "/api/me/licences");
                result = app.Create<Functions.Licences.LicenceFunctions>().GetMyLicences(request, ct);
                break;
            case "ImportLicences":
                request = app.Request(
                    "POST",
                    "/api/licences/import",
                    System.Text.Encoding.UTF8.GetBytes(LicenceCsv),
                    "text/csv",
                    headers
                );
                result = app.Create<Functions.Licences.LicenceFunctions>().ImportLicences(request, ct);
                break;
            case "ExportLicences":
                request = Request("GET", "/api/licences/export");
                result = app.Create<Functions.Licences.LicenceFunctions>().ExportLicences(request, ct);
                break;
            case "ListTaxonomy":
                request = Request("GET", "/api/taxonomy/location");
                result = app.Create<Functions.Catalogue.TaxonomyFunctions>().ListTaxonomy(request, "location", ct);
                break;
            case "PutTaxonomyEntry":
                request = Request("PUT", "/api/taxonomy/category/matrix", "{\"displayName\":\"Matrix\"}");
                result = app.Create<Functions.Catalogue.TaxonomyFunctions>()
                    .PutTaxonomyEntry(request, "category", "matrix", ct);
                break;
            case "DeleteTaxonomyEntry":
                var doomed = $"doomed-{++taxonomyEntries}";
                await Catalogue.CatalogueKit.SeedTaxonomyAsync(app, "category", doomed);
                request = Request("DELETE", $"/api/taxonomy/category/{doomed}");
                result = app.Create<Functions.Catalogue.TaxonomyFunctions>()
                    .DeleteTaxonomyEntry(request, "category", doomed, ct);
                break;
            case "CreateAsset":
                request = Request(
                    "POST",
                    "/api/assets",
                    "{\"name\":\"Matrix dock\",\"type\":\"peripheral\",\"department\":\"Finance\"}"
                );
                result = app.Create<Functions.Catalogue.CatalogueFunctions>().CreateAsset(request, ct);
                break;
            case "SearchAssets":
                request = Request("GET", "/api/assets");
                request.QueryString = new QueryString("?department=Finance");
                result = app.Create<Functions.Catalogue.CatalogueFunctions>().SearchAssets(request, ct);
                break;
            case "ExportAssets":
                request = Request("GET", "/api/assets/export");
                request.QueryString = new QueryString("?department=Finance");
                result = app.Create<Functions.Catalogue.CatalogueFunctions>().ExportAssets(request, ct);
                break;
            case "ImportAssets":
                request = app.Request(
                    "POST",
                    "/api/assets/import",
                    System.Text.Encoding.UTF8.GetBytes(
                        "name,type,serialNumber,department\nMatrix sensor,iot-sensor,MATRIX0001,Finance\n"
                    ),
                    "text/csv",
                    headers
                );
                result = app.Create<Functions.Catalogue.CatalogueFunctions>().ImportAssets(request, ct);
                break;
            case "ListExchangeRates":
                request = Request("GET", "/api/financials/rates");
                result = app.Create<Functions.Financials.FinancialsFunctions>().ListExchangeRates(request, ct);
                break;
            case "ImportExchangeRates":
                request = app.Request(
                    "POST",
                    "/api/financials/rates",
                    System.Text.Encoding.UTF8.GetBytes("currency,from,rate\nUSD,2026-01-01,0.9\n"),
                    "text/csv",
                    headers
                );
                result = app.Create<Functions.Financials.FinancialsFunctions>().ImportExchangeRates(request, ct);
                break;
            case "GenerateFinanceReport":
                request = Request("POST", "/api/reports/finance", "{\"period\":\"2026-10\"}");
                result = app.Create<Functions.Reports.ReportFunctions>().GenerateFinanceReport(request, ct);
                break;
            case "GenerateItSnapshot":
                request = Request("POST", "/api/reports/it-snapshot", "{\"period\":\"2026-W40\"}");
                result = app.Create<Functions.Reports.ReportFunctions>().GenerateItSnapshot(request, ct);
                break;
            case "ListReports":
                request = Request("GET", "/api/reports");
                result = app.Create<Functions.Reports.ReportFunctions>().ListReports(request, ct);
                break;
            case "DownloadReport":
                if (
                    await app.Store.ReportIndex.GetEntityIfExistsAsync<Functions.Reports.ReportIndexEntity>(
                        "finance",
                        "2026-10",
                        cancellationToken: ct
                    )
                    is not { HasValue: true }
                )
                {
                    await app
                        .Services.GetRequiredService<Functions.Reports.FinanceReportService>()
                        .GenerateAsync("2026-10", ct);
                }
                request = Request("GET", "/api/reports/finance/2026-10/holdings.csv");
                result = app.Create<Functions.Reports.ReportFunctions>()
                    .DownloadReport(request, "finance", "2026-10", "holdings.csv", ct);
                break;
            case "ResendFinanceEmail":
                // The stored report of October (generated again: same state, same report).
                await app
                    .Services.GetRequiredService<Functions.Reports.FinanceReportService>()
                    .GenerateAsync("2026-10", ct);
                request = Request("POST", "/api/reports/finance/2026-10/email/resend", "{\"reason\":\"matrix\"}");
                result = app.Create<Functions.Reports.Mail.FinanceMailFunctions>()
                    .ResendFinanceEmail(request, "2026-10", ct);
                break;
            case "RequestAuditReport":
                request = Request("POST", "/api/reports/audit", "{\"period\":\"2026-10\"}");
                result = app.Create<Functions.Reports.Audit.AuditReportFunctions>().RequestAuditReport(request, ct);
                break;
            case "GetAuditReport":
            {
                // The admin's request (the same request id each time: one report).
                var seed = app.Request(
                    "POST",
                    "/api/reports/audit",
                    System.Text.Encoding.UTF8.GetBytes("{\"period\":\"2026-10\",\"requestId\":\"matrix\"}"),
                    "application/json",
                    new Dictionary<string, string> { ["Authorization"] = TestTokens.Bearer(TestTokens.Admin) }
                );
                var seeded = await TestApp.ExecuteAsync(
                    seed,
                    app.Create<Functions.Reports.Audit.AuditReportFunctions>().RequestAuditReport(seed, ct)
                );
                var reportId = seeded.Json.GetProperty("id").GetString()!;
                request = Request("GET", $"/api/reports/audit/{reportId}");
                result = app.Create<Functions.Reports.Audit.AuditReportFunctions>()
                    .GetAuditReport(request, reportId, ct);
                break;
            }
            case "CheckOutAsset":
                await EnsureCheckedOutAsync(false);
                headers["If-Match"] = await Catalogue.CatalogueKit.ETagAsync(app, financeStock);
                request = Request(
                    "POST",
                    $"/api/assets/{financeStock}/checkout",
                    $"{{\"person\":\"{FinancePerson}\"}}"
                );
                result = app.Create<Functions.Catalogue.CatalogueFunctions>().CheckOutAsset(request, financeStock, ct);
                break;
            case "CheckInAsset":
                await EnsureCheckedOutAsync(true);
                headers["If-Match"] = await Catalogue.CatalogueKit.ETagAsync(app, financeStock);
                request = Request("POST", $"/api/assets/{financeStock}/checkin", "{\"note\":\"matrix\"}");
                result = app.Create<Functions.Catalogue.CatalogueFunctions>().CheckInAsset(request, financeStock, ct);
                break;
            case "ListAssetAssignments":
                request = Request("GET", $"/api/assets/{financeStock}/assignments");
                result = app.Create<Functions.Catalogue.CatalogueFunctions>()
                    .ListAssetAssignments(request, financeStock, ct);
                break;
            case "ListFindings":
            case "CountFindings":
            case "GetFinding":
                var (readId, _) = await FreshFinanceFindingAsync();
                var findingFunctions = app.Create<Functions.Findings.FindingFunctions>();
                request = Request("GET", function == "GetFinding" ? $"/api/findings/{readId}" : "/api/findings");
                if (function != "GetFinding")
                    request.QueryString = new QueryString("?department=Finance");
                result = function switch
                {
                    "ListFindings" => findingFunctions.ListFindings(request, ct),
                    "CountFindings" => findingFunctions.CountFindings(request, ct),
                    _ => findingFunctions.GetFinding(request, readId, ct),
                };
                break;
            case "AcknowledgeFinding":
            case "AssignFinding":
            case "SnoozeFinding":
            case "ResolveFinding":
                var (findingId, findingETag) = await FreshFinanceFindingAsync();
                headers["If-Match"] = findingETag;
                var acting = app.Create<Functions.Findings.FindingFunctions>();
                var until = app
                    .Clock.GetUtcNow()
                    .AddDays(7)
                    .ToString("O", System.Globalization.CultureInfo.InvariantCulture);
                (request, result) = function switch
                {
                    "AcknowledgeFinding" => Invoke(Request("POST", $"/api/findings/{findingId}/acknowledge"), r =>
                        acting.AcknowledgeFinding(r, findingId, ct)
                    ),
                    "AssignFinding" => Invoke(
                        Request("POST", $"/api/findings/{findingId}/assign", $"{{\"assignee\":\"{FinancePerson}\"}}"),
                        r => acting.AssignFinding(r, findingId, ct)
                    ),
                    "SnoozeFinding" => Invoke(
                        Request("POST", $"/api/findings/{findingId}/snooze", $"{{\"until\":\"{until}\"}}"),
                        r => acting.SnoozeFinding(r, findingId, ct)
                    ),
                    _ => Invoke(Request("POST", $"/api/findings/{findingId}/resolve", "{\"reason\":\"matrix\"}"), r =>
                        acting.ResolveFinding(r, findingId, ct)
                    ),
                };
                break;
            case "ListScanRuns":
                request = Request("GET", "/api/scans/runs");
                result = app.Create<Functions.Findings.FindingFunctions>().ListScanRuns(request, ct);
                break;
            case "CreateCampaign":
                request = Request("POST", "/api/campaigns", FinanceCampaignBody);
                result = app.Create<Functions.Campaigns.CampaignFunctions>().CreateCampaign(request, ct);
                break;
            case "ListCampaigns":
                request = Request("GET", "/api/campaigns");
                result = app.Create<Functions.Campaigns.CampaignFunctions>().ListCampaigns(request, ct);
                break;
            case "GetCampaign":
                financeCampaign ??= await NewFinanceCampaignAsync();
                request = Request("GET", $"/api/campaigns/{financeCampaign}");
                result = app.Create<Functions.Campaigns.CampaignFunctions>().GetCampaign(request, financeCampaign, ct);
                break;
            case "ListCampaignAssets":
                financeCampaign ??= await NewFinanceCampaignAsync();
                request = Request("GET", $"/api/campaigns/{financeCampaign}/assets");
                result = app.Create<Functions.Campaigns.CampaignFunctions>()
                    .ListCampaignAssets(request, financeCampaign, ct);
                break;
            case "RecordCampaignScan":
                financeCampaign ??= await NewFinanceCampaignAsync();
                request = Request(
                    "POST",
                    $"/api/campaigns/{financeCampaign}/records",
                    $"{{\"assetId\":\"{financeStock}\",\"result\":\"found\"}}"
                );
                result = app.Create<Functions.Campaigns.CampaignFunctions>()
                    .RecordCampaignScan(request, financeCampaign, ct);
                break;
            case "CloseCampaign":
                var toClose = await NewFinanceCampaignAsync();
                request = Request("POST", $"/api/campaigns/{toClose}/close");
                result = app.Create<Functions.Campaigns.CampaignFunctions>().CloseCampaign(request, toClose, ct);
                break;
            case "GetLatestKpis":
            case "GetKpiSeries":
                var kpiService = app.Services.GetRequiredService<Functions.Kpis.KpiSnapshotService>();
                await kpiService.SnapshotAsync(kpiService.Yesterday, "run", CancellationToken.None);
                var kpiFunctions = app.Create<Functions.Kpis.KpiFunctions>();
                request = Request("GET", function == "GetLatestKpis" ? "/api/kpis/latest" : "/api/kpis/series");
                request.QueryString = new QueryString(
                    function == "GetLatestKpis" ? "?department=Finance" : "?kpi=utilisationRate&department=Finance"
                );
                result =
                    function == "GetLatestKpis"
                        ? kpiFunctions.GetLatestKpis(request, ct)
                        : kpiFunctions.GetKpiSeries(request, ct);
                break;
            case "BackfillKpis":
                var lastDay = app.Clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd");
                request = Request("POST", "/api/kpis/backfill", $"{{\"from\":\"{lastDay}\",\"to\":\"{lastDay}\"}}");
                result = app.Create<Functions.Kpis.KpiFunctions>().BackfillKpis(request, ct);
                break;
            default:
                throw new InvalidOperationException($"No invoker for {function}");
        }
        return (await TestApp.ExecuteAsync(request, result)).Status;
    }

    private static async Task<IActionResult> AsAction(Task<AgentReply> reply) => await reply;

    private static (HttpRequest, Task<IActionResult>) Invoke(
        HttpRequest request,
        Func<HttpRequest, Task<IActionResult>> call
    ) => (request, call(request));

    /// <summary>A new open Finance finding (its id and ETag): each change call gets its own.</summary>
    private async Task<(string Id, string ETag)> FreshFinanceFindingAsync()
    {
        var findings = app.Services.GetRequiredService<Functions.Findings.FindingService>();
        var condition = new Functions.Findings.FindingCondition(
            Functions.Findings.FindingKinds.OwnershipGap,
            Functions.Findings.FindingSubjects.Asset,
            Guid.NewGuid().ToString("N"),
            Functions.Findings.FindingSeverity.Medium,
            "Finance",
            "No owner"
        );
        await findings.RaiseAsync(condition, "matrix", CancellationToken.None);
        var finding = await findings.FindAsync(Functions.Findings.FindingKeys.Id(condition), CancellationToken.None);
        return (finding!.Id, finding.ETag.ToString("H"));
    }

    /// <summary>Puts the Finance stock asset into the state the next check-out (false) or check-in (true) call
    /// needs.</summary>
    private async Task EnsureCheckedOutAsync(bool checkedOut)
    {
        var admin = new Caller(
            "matrix",
            null,
            new HashSet<string> { ManagementRoles.Admin },
            new HashSet<string>(),
            HasMfa: true
        );
        var assignments = app.Services.GetRequiredService<Functions.Catalogue.AssetAssignmentService>();
        var page = await assignments.ListAsync(admin, financeStock, 1, null, CancellationToken.None);
        var isOut = page.Value!.Items is [{ CheckedInAt: null }, ..];
        if (isOut == checkedOut)
            return;
        var etag = await Catalogue.CatalogueKit.ETagAsync(app, financeStock);
        if (checkedOut)
            Assert.False(
                (
                    await assignments.CheckOutAsync(
                        admin,
                        financeStock,
                        etag,
                        new() { Person = FinancePerson },
                        null,
                        CancellationToken.None
                    )
                ).Failed
            );
        else
            Assert.False(
                (await assignments.CheckInAsync(admin, financeStock, etag, new(), null, CancellationToken.None)).Failed
            );
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
        Assert.All(BuiltFunctions.HttpFunctions(), f =>
            Assert.Equal("anonymous", f.AuthLevel, StringComparer.OrdinalIgnoreCase)
        );
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
                if (status != expected[i])
                    failures.Add($"{function} as {Personas[i]}: expected {expected[i]}, got {status}");
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
            var configuration = AppContext.BaseDirectory.Contains(
                $"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}"
            )
                ? "Release"
                : "Debug";
            return RepositoryRoot.Combine("functions", "bin", configuration, "net10.0", "functions.metadata");
        }
    }

    public static IReadOnlyList<HttpFunction> HttpFunctions()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(MetadataPath));
        return metadata
            .RootElement.EnumerateArray()
            .Select(f =>
                (
                    Name: f.GetProperty("name").GetString()!,
                    Trigger: f.GetProperty("bindings")
                        .EnumerateArray()
                        .First(b => b.GetProperty("direction").GetString() == "In")
                )
            )
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => new HttpFunction(
                f.Name,
                f.Trigger.GetProperty("route").GetString()!,
                f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!).ToArray(),
                f.Trigger.GetProperty("authLevel").GetString()!
            ))
            .ToList();
    }
}
