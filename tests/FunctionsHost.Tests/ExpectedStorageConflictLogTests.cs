using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using ItInventory.Functions.Tests.Shared;

namespace FunctionsHost.Tests;

/// <summary>
/// Issue 11: the Azure SDK logs every error response as a warning with its headers, including the 409s and 404s the
/// app expects (an identity another asset holds, a neighbour MAC seen for the first time). The worker turns those
/// expected answers into Debug lines, so none reaches the host's console as a warning.
/// </summary>
public sealed class ExpectedStorageConflictLogTests : IAsyncLifetime
{
    private const string Secret = "e2e-conflict-log-enrollment-secret-0123456789";
    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];
    private HostProcess host = null!;
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private string connectionString = null!;

    public async Task InitializeAsync()
    {
        connectionString = (await Azurite.SharedAsync()).ConnectionString;
        var settings = new Dictionary<string, string>(TimerSchedules.FromLocalSettingsExample())
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsStorage"] = connectionString,
            ["CHECKIN_QUEUE"] = $"checkins-{suffix}",
            ["OUTBOX_QUEUE"] = $"outbox-{suffix}",
            ["Storage__CreateIfNotExists"] = "true",
            ["Enrollment__Secret"] = Secret,
        };
        foreach (
            var table in new[]
            {
                "Assets",
                "AssetSummary",
                "Identities",
                "EnrollmentSecrets",
                "Sightings",
                "People",
                "Tags",
                "Licences",
                "LicenceSeats",
                "Taxonomy",
                "Campaigns",
                "AuditTrail",
                "Findings",
                "ScanRuns",
                "OfflineDue",
            }
        )
        {
            settings[$"Storage__{table}Table"] = $"{table.ToLowerInvariant()}{suffix}";
        }
        settings["Storage__CheckinsContainer"] = $"checkins-{suffix}";
        settings["Storage__CertificatesContainer"] = $"certificates-{suffix}";
        settings["Storage__AuditArchiveContainer"] = $"audit-archive-{suffix}";
        host = await HostProcess.StartAsync(
            BuiltPaths.InventoryApp,
            settings,
            masterKey: "conflict-log-master-key",
            extraArgs: ["--verbose"]
        );
        http.BaseAddress = host.BaseUri;
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await host.DisposeAsync();
    }

    private async Task<JsonElement> PostAsync(string path, string json, string? authorization = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted,
            text
        );
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task Expected_409_and_404_storage_answers_are_debug_lines_not_warnings()
    {
        var holderSerial = "HOLD" + suffix.ToUpperInvariant();
        await PostAsync(
            "api/devices/enroll",
            SamplePayloads.Enrollment(holderSerial, macs: ["3C:52:82:70:00:01"], secret: Secret)
        );
        var reporter = await PostAsync(
            "api/devices/enroll",
            SamplePayloads.Enrollment("REP" + suffix.ToUpperInvariant(), macs: ["3C:52:82:70:00:02"], secret: Secret)
        );
        var deviceId = reporter.GetProperty("deviceId").GetString()!;

        // Reports the holder's serial (its claim answers 409) and a neighbour never seen (its sighting merge, 404).
        await PostAsync(
            "api/checkins",
            SamplePayloads
                .Inventory(
                    deviceId,
                    holderSerial,
                    macs: ["3C:52:82:70:00:02"],
                    softwareCount: 5,
                    neighbours: [("3C:52:82:70:00:99", "192.168.1.99")]
                )
                .Text(),
            reporter.GetProperty("authorization").GetString()
        );
        var summaries = new TableClient(connectionString, $"assetsummary{suffix}");
        await Eventually.ReturnsAsync(
            async () =>
                (
                    await summaries.GetEntityIfExistsAsync<TableEntity>(TableKeys.SummaryPartition(deviceId), deviceId)
                ).Value?.GetString("SuspectedDuplicateOf")
                    is { Length: > 0 },
            "the processed inventory marked as a suspected duplicate",
            diagnostics: () => host.Output
        );

        // The worker itself now logs the expected 409/404 answers at Debug (Telemetry/ExpectedStorageOutcomes.cs), so
        // the SDK's error-response warnings for them never reach the host's console (nor Application Insights).
        var lines = host.Output.Split(Environment.NewLine);
        Assert.DoesNotContain(lines, l =>
            l.Contains("Error response [", StringComparison.Ordinal)
            && l.Contains("Warning", StringComparison.Ordinal)
            && (l.Contains(" 409 ", StringComparison.Ordinal) || l.Contains(" 404 ", StringComparison.Ordinal))
        );
    }
}
