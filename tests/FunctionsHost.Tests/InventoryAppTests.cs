using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;

namespace FunctionsHost.Tests;

/// <summary>The real ItInventory function app under the local host, with tables and queues of its own in the shared
/// Azurite.</summary>
public sealed class InventoryHostFixture : IAsyncLifetime
{
    public const string EnrollmentSecret = "e2e-bootstrap-enrollment-secret-0123456789";

    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];

    public HostProcess Host { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string ConnectionString { get; private set; } = null!;

    public string CheckinQueue => $"checkins-{suffix}";

    public string AssetsTable => $"assets{suffix}";

    public string SummaryTable => $"assetsummary{suffix}";

    public async Task InitializeAsync()
    {
        ConnectionString = (await Azurite.SharedAsync()).ConnectionString;
        Host = await HostProcess.StartAsync(
            BuiltPaths.InventoryApp,
            new Dictionary<string, string>(TimerSchedules.FromLocalSettingsExample())
            {
                ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
                ["AzureWebJobsStorage"] = ConnectionString,
                ["CHECKIN_QUEUE"] = CheckinQueue,
                ["OUTBOX_QUEUE"] = $"outbox-{Guid.NewGuid():N}"[..20],
                ["Storage__AssetsTable"] = AssetsTable,
                ["Storage__AssetSummaryTable"] = SummaryTable,
                ["Storage__IdentitiesTable"] = $"assetidentities{suffix}",
                ["Storage__EnrollmentSecretsTable"] = $"enrollmentsecrets{suffix}",
                ["Storage__SightingsTable"] = $"sightings{suffix}",
                ["Storage__PeopleTable"] = $"people{suffix}",
                ["Storage__TagsTable"] = $"assettags{suffix}",
                ["Storage__LicencesTable"] = $"licences{suffix}",
                ["Storage__LicenceSeatsTable"] = $"licenceseats{suffix}",
                ["Storage__TaxonomyTable"] = $"taxonomy{suffix}",
                ["Storage__CampaignsTable"] = $"campaigns{suffix}",
                ["Storage__CheckinsContainer"] = $"checkins-{suffix}",
                ["Storage__CertificatesContainer"] = $"certificates-{suffix}",
                ["Storage__AuditArchiveContainer"] = $"audit-archive-{suffix}",
                ["Storage__CreateIfNotExists"] = "true",
                ["Enrollment__Secret"] = EnrollmentSecret,
            },
            masterKey: "inventory-master-key"
        );
        Http.BaseAddress = Host.BaseUri;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

public sealed class InventoryAppTests(InventoryHostFixture fixture) : IClassFixture<InventoryHostFixture>
{
    private HttpClient Http => fixture.Http;

    private async Task<(HttpStatusCode Status, JsonElement Json)> PostJsonAsync(
        string path,
        string json,
        string? authorization = null,
        bool gzip = false
    )
    {
        var body = Encoding.UTF8.GetBytes(json);
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (
                var zip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest)
            )
            {
                zip.Write(body);
            }
            body = buffer.ToArray();
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (gzip)
            request.Content.Headers.ContentEncoding.Add("gzip");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Device_enrolls_checks_in_and_the_queue_triggered_processor_applies_its_inventory()
    {
        var serial = "E2E" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var (enrollStatus, enrolled) = await PostJsonAsync(
            "api/devices/enroll",
            SamplePayloads.Enrollment(
                serial,
                macs: ["3C:52:82:AA:BB:01"],
                secret: InventoryHostFixture.EnrollmentSecret
            )
        );
        Assert.Equal(HttpStatusCode.Created, enrollStatus);
        var deviceId = enrolled.GetProperty("deviceId").GetString()!;
        var authorization = enrolled.GetProperty("authorization").GetString()!;

        var (heartbeatStatus, heartbeat) = await PostJsonAsync(
            "api/checkins",
            SamplePayloads.Heartbeat(deviceId).Text(),
            authorization
        );
        Assert.Equal(HttpStatusCode.OK, heartbeatStatus);
        Assert.True(heartbeat.GetProperty("fullInventoryRequested").GetBoolean());

        var (inventoryStatus, accepted) = await PostJsonAsync(
            "api/checkins",
            SamplePayloads.Inventory(deviceId, serial, macs: ["3C:52:82:AA:BB:01"]).Text(),
            authorization,
            gzip: true
        );
        Assert.Equal(HttpStatusCode.Accepted, inventoryStatus);
        var hash = accepted.GetProperty("inventoryHash").GetString();

        // The host's queue listener hands the message to ProcessCheckin (QueueMessage binding); wait for its result.
        var summaries = new TableClient(fixture.ConnectionString, fixture.SummaryTable);
        var summary = await Eventually.ReturnsAsync(
            async () =>
            {
                var row = await summaries.GetEntityIfExistsAsync<TableEntity>(
                    TableKeys.SummaryPartition(deviceId),
                    deviceId
                );
                return row.HasValue && row.Value!.GetString("InventoryHash") == hash ? row.Value : null;
            },
            "the processed inventory on the summary row",
            diagnostics: () => fixture.Host.Output
        );
        Assert.Equal(800, summary.GetInt32("SoftwareCount"));

        var assets = new TableClient(fixture.ConnectionString, fixture.AssetsTable);
        var software = 0;
        var (from, to) = (TableKeys.SoftwareRowPrefix, TableKeys.AssetRangeEnd);
        await foreach (
            var _ in assets.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {deviceId} and RowKey ge {from} and RowKey lt {to}"),
                select: ["RowKey"]
            )
        )
        {
            software++;
        }
        Assert.Equal(800, software);

        // Settled: nothing left in the queue, nothing poisoned.
        var queue = new QueueClient(fixture.ConnectionString, fixture.CheckinQueue);
        await Eventually.ReturnsAsync(
            async () => (await queue.PeekMessagesAsync(1)).Value.Length == 0,
            "the check-in queue to be empty"
        );
        var poison = new QueueClient(fixture.ConnectionString, fixture.CheckinQueue + "-poison");
        Assert.True(!await poison.ExistsAsync() || (await poison.PeekMessagesAsync(1)).Value.Length == 0);

        var (againStatus, again) = await PostJsonAsync(
            "api/checkins",
            SamplePayloads.Heartbeat(deviceId, hash).Text(),
            authorization
        );
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.False(again.GetProperty("fullInventoryRequested").GetBoolean());
        Assert.Contains("Executed 'Functions.ProcessCheckin' (Succeeded", fixture.Host.Output);
    }

    [Fact]
    public async Task Enrollment_with_a_wrong_secret_is_refused_by_the_app_through_the_host()
    {
        var (status, problem) = await PostJsonAsync(
            "api/devices/enroll",
            SamplePayloads.Enrollment("E2EWRONG1", secret: "not-the-enrollment-secret-0000")
        );
        Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"status {status}");
        Assert.Equal(JsonValueKind.Object, problem.ValueKind);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_are_not_found_and_the_admin_api_needs_the_master_key()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("api/nothing-here")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("api/checkins")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("admin/host/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Http.GetAsync("admin/host/status")).StatusCode);
        using var status = new HttpRequestMessage(HttpMethod.Get, "admin/host/status");
        status.Headers.Add("x-functions-key", "inventory-master-key");
        using var answer = await Http.SendAsync(status);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var json = JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Running", json.GetProperty("state").GetString());
        Assert.Contains("ProcessCheckin", json.GetProperty("functions").EnumerateArray().Select(f => f.GetString()));
    }
}
