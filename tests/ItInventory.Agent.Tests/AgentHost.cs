extern alias agent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;
using AgentCredential = agent::ItInventory.Agent.Credentials.DeviceCredential;
using AgentJson = agent::ItInventory.Agent.Running.AgentJsonContext;
using AgentStateRecord = agent::ItInventory.Agent.Running.AgentState;

namespace ItInventory.Agent.Tests;

/// <summary>
/// The real app under the local host (one per test class), with tables of its own in the shared Azurite and Entra
/// metadata served locally so that the tests call the management API as an administrator, as a person would.
/// </summary>
public sealed class AgentHostFixture : IAsyncLifetime
{
    private readonly string suffix = Guid.NewGuid().ToString("N")[..10];

    public HostProcess Host { get; private set; } = null!;

    public LocalEntra Entra { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public string ConnectionString { get; private set; } = null!;

    public string SummaryTable => $"assetsummary{suffix}";

    public string CheckinsContainer => $"checkins-{suffix}";

    /// <summary>An enrollment secret created through the admin API.</summary>
    public string EnrollmentSecret { get; private set; } = null!;

    /// <summary>
    /// Null when the app enrolls this machine on its own identities. This VM has no DMI serial or UUID and only locally
    /// administered MACs; an app that does not yet accept platform identities (machine-id) refuses it, and the agent
    /// is then pointed at a DMI folder with a test serial (the agent's <c>dmiPath</c> option).
    /// </summary>
    public string? DmiFallbackPath { get; private set; }

    public async Task InitializeAsync()
    {
        ConnectionString = (await Azurite.SharedAsync()).ConnectionString;
        Entra = await LocalEntra.StartAsync();
        var settings = new Dictionary<string, string>(TimerSchedules.FromLocalSettingsExample())
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated",
            ["AzureWebJobsStorage"] = ConnectionString,
            ["CHECKIN_QUEUE"] = $"checkins-{suffix}",
            ["OUTBOX_QUEUE"] = $"outbox-{suffix}",
            ["Storage__AssetsTable"] = $"assets{suffix}",
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
            ["Storage__CheckinsContainer"] = CheckinsContainer,
            ["Storage__CertificatesContainer"] = $"certificates-{suffix}",
            ["Storage__AuditArchiveContainer"] = $"audit-archive-{suffix}",
            ["Storage__CreateIfNotExists"] = "true",
        };
        foreach (var (name, value) in Entra.Settings())
            settings[name] = value;
        Host = await HostProcess.StartAsync(BuiltPaths.InventoryApp, settings, masterKey: "agent-master-key");
        Http.BaseAddress = Host.BaseUri;

        using var create = new HttpRequestMessage(HttpMethod.Post, "api/enrollment-secrets")
        {
            Content = new StringContent("""{"label":"agent tests"}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.TryAddWithoutValidation("Authorization", Entra.Bearer(TestTokens.Admin));
        using var created = await Http.SendAsync(create);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        EnrollmentSecret = JsonNode.Parse(body)!["secret"]!.GetValue<string>();

        if (!await AcceptsPlatformIdentitiesAsync())
        {
            DmiFallbackPath = Directory.CreateTempSubdirectory("agent-dmi-").FullName;
            await File.WriteAllTextAsync(
                Path.Combine(DmiFallbackPath, "product_serial"),
                "AGENTE2E" + suffix.ToUpperInvariant()
            );
        }
    }

    private async Task<bool> AcceptsPlatformIdentitiesAsync()
    {
        var probe = new JsonObject
        {
            ["enrollmentSecret"] = EnrollmentSecret,
            ["hostname"] = "identity-probe",
            ["platformIdentities"] = new JsonObject { ["machineId"] = Guid.NewGuid().ToString("N") },
            ["agent"] = new JsonObject { ["name"] = "probe", ["version"] = "0" },
        };
        using var answer = await Http.PostAsync(
            "api/devices/enroll",
            new StringContent(probe.ToJsonString(), Encoding.UTF8, "application/json")
        );
        return answer.IsSuccessStatusCode;
    }

    public async Task<HttpResponseMessage> AdminPostAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("") };
        request.Headers.TryAddWithoutValidation("Authorization", Entra.Bearer(TestTokens.Admin));
        return await Http.SendAsync(request);
    }

    public async Task<JsonNode> GetAssetAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/assets/{id}");
        request.Headers.TryAddWithoutValidation("Authorization", Entra.Bearer(TestTokens.Auditor));
        using var answer = await Http.SendAsync(request);
        var text = await answer.Content.ReadAsStringAsync();
        Assert.True(answer.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    public async Task<TableEntity?> SummaryAsync(string deviceId)
    {
        var table = new TableClient(ConnectionString, SummaryTable);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(TableKeys.SummaryPartition(deviceId), deviceId);
        return row.HasValue ? row.Value : null;
    }

    /// <summary>A heartbeat with the given Authorization header, as a device would send it.</summary>
    public async Task<HttpStatusCode> HeartbeatAsync(string deviceId, string authorization)
    {
        var body = new JsonObject
        {
            ["schemaVersion"] = "1.0",
            ["kind"] = "heartbeat",
            ["deviceId"] = deviceId,
            ["sentAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["heartbeat"] = new JsonObject { ["cpuAveragePercent"] = 1.0 },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/checkins")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var answer = await Http.SendAsync(request);
        return answer.StatusCode;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
        await Entra.DisposeAsync();
        if (DmiFallbackPath is not null)
            Directory.Delete(DmiFallbackPath, recursive: true);
    }
}

/// <summary>The built agent (or a published binary: <see cref="PublishedAgent"/>) run as a process with a state
/// directory of its own.</summary>
public sealed class AgentRunner : IDisposable
{
    public static string AgentPath =>
        Path.GetFullPath(
            typeof(AgentRunner)
                .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "AgentPath")
                .Value!
        );

    private readonly AgentHostFixture fixture;
    private readonly string? executable;

    /// <param name="executable">A published agent binary to run instead of the built one.</param>
    public AgentRunner(AgentHostFixture fixture, Uri? serverUrl = null, string? executable = null)
    {
        this.fixture = fixture;
        this.executable = executable;
        ServerUrl = serverUrl ?? fixture.Host.BaseUri;
        Directory = System.IO.Directory.CreateTempSubdirectory("agent-run-").FullName;
    }

    public Uri ServerUrl { get; }

    public string Directory { get; }

    public string StateDirectory => Path.Combine(Directory, "state");

    public string ConfigFile => Path.Combine(Directory, "agent.json");

    public string LogFile => Path.Combine(Directory, "agent.log");

    public AgentCredential? Credential =>
        File.Exists(Path.Combine(StateDirectory, "credential.json"))
            ? JsonSerializer.Deserialize(
                File.ReadAllBytes(Path.Combine(StateDirectory, "credential.json")),
                AgentJson.Default.DeviceCredential
            )
            : null;

    public AgentStateRecord State =>
        JsonSerializer.Deserialize(
            File.ReadAllBytes(Path.Combine(StateDirectory, "state.json")),
            AgentJson.Default.AgentState
        )!;

    public ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(executable ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (executable is null)
            start.ArgumentList.Add(AgentPath);
        foreach (
            var arg in new[]
            {
                "--config",
                ConfigFile,
                "--state-directory",
                StateDirectory,
                "--log-file",
                LogFile,
            }.Concat(args)
        )
            start.ArgumentList.Add(arg);
        foreach (
            var name in start
                .Environment.Keys.Where(k => k.StartsWith("ITINVENTORY_AGENT_", StringComparison.Ordinal))
                .ToList()
        )
            start.Environment.Remove(name);
        start.Environment["ITINVENTORY_AGENT_SERVER_URL"] = ServerUrl.ToString();
        if (fixture.DmiFallbackPath is not null)
            start.Environment["ITINVENTORY_AGENT_DMI_PATH"] = fixture.DmiFallbackPath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return start;
    }

    /// <summary>Runs <c>--once</c> and returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> OnceAsync(params string[] args) => await OnceAsync(args, null);

    public async Task<(int ExitCode, string Output)> OnceAsync(string[] args, IDictionary<string, string>? environment)
    {
        using var process = Process.Start(StartInfo(["--once", .. args], environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>
/// The agent as it ships for this machine: <c>dotnet publish -c Release -r linux-x64</c> (Native AOT: one native
/// binary, linked with clang, installed when missing), published once per test run into a directory of its own.
/// </summary>
public static class PublishedAgent
{
    private static readonly Lazy<Task<string>> Binary = new(PublishAsync);

    /// <summary>The binary's path, or throws with the publish output.</summary>
    public static Task<string> PathAsync() => Binary.Value;

    private static async Task<string> PublishAsync()
    {
        if (await ItInventory.Functions.Tests.Shared.DebianPackages.EnsureAsync("clang") is { } reason)
            throw new InvalidOperationException("Native AOT needs clang: " + reason);
        var output = Directory.CreateTempSubdirectory("agent-publish-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (
            var arg in new[]
            {
                "publish",
                RepositoryRoot.Combine("agent", "ItInventory.Agent"),
                "-c",
                "Release",
                "-r",
                "linux-x64",
                "-o",
                output,
            }
        )
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        await process.WaitForExitAsync(timeout.Token);
        var binary = Path.Combine(output, "itinventory-agent");
        if (process.ExitCode != 0 || !File.Exists(binary))
            throw new InvalidOperationException($"dotnet publish failed: {await stdout}{await stderr}");
        return binary;
    }
}
