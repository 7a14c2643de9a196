using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using FunctionsHost.Tests.Infrastructure;
using ItInventory.Functions.Storage;
using ItInventory.Functions.Tests.Infrastructure;

namespace FunctionsHost.Tests;

/// <summary>
/// The Windows PowerShell scripts, run as they are in the repository under PowerShell 7 on Linux (the <c>pwsh</c>
/// local dotnet tool) against the real local host. WindowsScripts/capture-windows.ps1 defines functions named like
/// the Windows-only cmdlets and tools they call (registry, CIM, services, Set-Acl, icacls/sc; New-Object for the
/// registry ACL types, which throw off Windows): functions win over cmdlets in PowerShell's command lookup, so every
/// Windows side effect is recorded in a JSON file instead of happening, while HTTP, JSON and files are real.
/// </summary>
public sealed class WindowsScriptTests(InventoryHostFixture fixture) : IClassFixture<InventoryHostFixture>
{
    private const string GlpiKey = @"HKLM:\SOFTWARE\GLPI-Agent";
    private const string FusionKey = @"HKLM:\SOFTWARE\FusionInventory-Agent";

    private static readonly SemaphoreSlim ToolRestore = new(1, 1);
    private static bool restored;

    private string Api => new Uri(fixture.Host.BaseUri, "api").ToString().TrimEnd('/');

    public static TheoryData<string, string?, bool, string, string, string> Agents =>
        new()
        {
            // Installed GLPI Agent found by its key; Basic credential.
            { GlpiKey, null, false, GlpiKey, "/agents/glpi/", "glpi-agent" },
            // GLPI Agent >= 1.10 with the OAuth client credentials.
            { GlpiKey, null, true, GlpiKey, "/agents/glpi/", "glpi-agent" },
            // FusionInventory found by its key.
            { FusionKey, null, false, FusionKey, "/agents/ocs", "FusionInventory-Agent" },
            // FusionInventory named explicitly, key not there yet: the script creates it.
            { "", "fusioninventory", false, FusionKey, "/agents/ocs", "FusionInventory-Agent" },
        };

    [Theory]
    [MemberData(nameof(Agents))]
    public async Task Connect_agent_ps1_enrolls_the_machine_and_writes_the_device_credential_into_the_agent_key(
        string existingKey,
        string? agent,
        bool oauth,
        string key,
        string serverPath,
        string service
    )
    {
        var machineGuid = Guid.NewGuid().ToString();
        var arguments = new JsonObject
        {
            ["Api"] = Api + "/",
            ["EnrollmentSecret"] = InventoryHostFixture.EnrollmentSecret,
        };
        if (agent is not null)
            arguments["Agent"] = agent;
        if (oauth)
            arguments["OAuth"] = true;

        var (exit, output, calls) = await RunCapturedAsync(
            Path.Combine(RepositoryRoot.Path, "tools", "connect-agents", "connect-agent.ps1"),
            arguments,
            machineGuid,
            existingKeys: existingKey.Length > 0 ? [existingKey] : [],
            existingServices: [service]
        );
        Assert.True(exit == 0, output);

        var values = calls
            .Where(c => Command(c) == "Set-ItemProperty")
            .ToDictionary(c => (string)c!["name"]!, c => (string)c!["value"]!);
        Assert.All(calls.Where(c => Command(c) == "Set-ItemProperty"), c => Assert.Equal(key, (string)c!["path"]!));
        Assert.Equal(Api + serverPath, values["server"]);
        var (idName, secretName) = oauth ? ("oauth-client-id", "oauth-client-secret") : ("user", "password");
        Assert.Equal(3, values.Count);
        var deviceId = values[idName];
        Assert.False(string.IsNullOrEmpty(values[secretName]));
        Assert.Equal(existingKey.Length == 0, calls.Any(c => Command(c) == "New-Item" && (string)c!["path"]! == key));

        // The key is locked to SYSTEM and Administrators before the secret is written into it.
        var acl = calls.Single(c => Command(c) == "Set-Acl");
        Assert.Equal(key, (string)acl!["path"]!);
        Assert.True((bool)acl["protected"]!);
        Assert.Equal(["S-1-5-18", "S-1-5-32-544"], acl["rules"]!.AsArray().Select(r => (string)r!["sid"]!).Order());
        Assert.All(acl["rules"]!.AsArray(), r => Assert.Equal("FullControl", (string)r!["rights"]!));
        Assert.True(calls.IndexOf(acl) < calls.FindIndex(c => Command(c) == "Set-ItemProperty"));

        Assert.Equal(service, (string)calls.Single(c => Command(c) == "Restart-Service")!["name"]!);
        AssertNoEnrollmentSecret(calls);

        // The machine is enrolled on the host, identified by the MachineGuid the script read from the registry.
        var assets = new TableClient(fixture.ConnectionString, fixture.AssetsTable);
        var detail = await assets.GetEntityIfExistsAsync<TableEntity>(deviceId, TableKeys.AssetDetailRow);
        Assert.True(detail.HasValue, $"No asset {deviceId}.\n{output}");
        Assert.Equal(machineGuid, detail.Value!.GetString("MachineGuid"), ignoreCase: true);
        Assert.Equal(
            WindowsMac(machineGuid).Replace("-", "", StringComparison.Ordinal),
            detail.Value.GetString("MacAddresses"),
            ignoreCase: true
        );

        // The written server and credential are what the agent will use: its first message is accepted with them.
        Assert.Equal(HttpStatusCode.Unauthorized, await PrologAsync(values["server"], authorization: null));
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{deviceId}:{values[secretName]}"));
        Assert.Equal(HttpStatusCode.OK, await PrologAsync(values["server"], "Basic " + basic));
    }

    /// <summary>An agent's XML PROLOG, zlib-compressed, to the configured server URL.</summary>
    private async Task<HttpStatusCode> PrologAsync(string server, string? authorization)
    {
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<REQUEST><DEVICEID>win-2026-12-07-09-00-00</DEVICEID>"
            + "<QUERY>PROLOG</QUERY><TOKEN>12345678</TOKEN></REQUEST>\n";
        using var body = new MemoryStream();
        using (var zlib = new ZLibStream(body, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(Encoding.UTF8.GetBytes(xml));
        using var request = new HttpRequestMessage(HttpMethod.Post, server)
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        request.Content.Headers.ContentType = new(
            server.Contains("/glpi", StringComparison.Ordinal)
                ? "application/x-compress-zlib"
                : "application/x-compress"
        );
        request.Headers.TryAddWithoutValidation("GLPI-Agent-ID", "0d9c6f2e-7b1a-4c3d-9e8f-1a2b3c4d5e6f");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        using var response = await fixture.Http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Connect_agent_ps1_with_a_wrong_enrollment_secret_fails_with_the_host_answer_and_writes_nothing()
    {
        var (exit, output, calls) = await RunCapturedAsync(
            Path.Combine(RepositoryRoot.Path, "tools", "connect-agents", "connect-agent.ps1"),
            new JsonObject { ["Api"] = Api, ["EnrollmentSecret"] = "not-the-enrollment-secret" },
            Guid.NewGuid().ToString(),
            existingKeys: [GlpiKey],
            existingServices: ["glpi-agent"]
        );

        Assert.Equal(1, exit);
        Assert.Contains("FAILED:", output);
        Assert.Contains("The enrollment secret is not valid", output);
        Assert.DoesNotContain(calls, c =>
            Command(c) is "Set-ItemProperty" or "New-Item" or "Set-Acl" or "Restart-Service"
        );
    }

    [Fact]
    public async Task Install_ps1_registers_the_service_and_the_agent_forgets_the_enrollment_secret_on_its_first_run()
    {
        var root = Directory.CreateTempSubdirectory("install-ps1-").FullName;
        var programFiles = Directory.CreateDirectory(Path.Combine(root, "Program Files")).FullName;
        var programData = Directory.CreateDirectory(Path.Combine(root, "ProgramData")).FullName;
        var binary = Path.Combine(root, "itinventory-agent.exe");
        await File.WriteAllTextAsync(binary, "the agent binary");

        var (exit, output, calls) = await RunCapturedAsync(
            Path.Combine(RepositoryRoot.Path, "agent", "packaging", "windows", "install.ps1"),
            new JsonObject
            {
                ["ServerUrl"] = fixture.Host.BaseUri.ToString(),
                ["EnrollmentSecret"] = InventoryHostFixture.EnrollmentSecret,
                ["Binary"] = binary,
            },
            Guid.NewGuid().ToString(),
            existingKeys: [],
            existingServices: [],
            environment: new() { ["ProgramFiles"] = programFiles, ["ProgramData"] = programData }
        );
        Assert.True(exit == 0, output);

        // PowerShell turns the script's "ItInventory\Agent" into the platform's separators.
        var installDir = Path.Combine(programFiles, "ItInventory", "Agent");
        var dataDir = Path.Combine(programData, "ItInventory", "Agent");
        var installed = Path.Combine(installDir, "itinventory-agent.exe");
        Assert.Equal("the agent binary", await File.ReadAllTextAsync(installed));
        Assert.Equal(
            [dataDir, "/inheritance:r", "/grant:r", "SYSTEM:(OI)(CI)F", "Administrators:(OI)(CI)F"],
            Strings(calls.Single(c => Command(c) == "icacls.exe")!["arguments"]!)
        );
        var service = calls.Single(c => Command(c) == "New-Service")!;
        Assert.Equal("ItInventoryAgent", (string)service["name"]!);
        Assert.Equal("Automatic", (string)service["startupType"]!);
        Assert.Equal('"' + installed + '"', (string)service["binaryPathName"]!);
        Assert.Equal("ItInventoryAgent", Strings(calls.Single(c => Command(c) == "sc.exe")!["arguments"]!)[1]);
        Assert.Equal("ItInventoryAgent", (string)calls.Single(c => Command(c) == "Start-Service")!["name"]!);
        Assert.DoesNotContain(calls, c => Command(c) == "Stop-Service");
        // icacls restricts the folder before the configuration holding the secret is written into it.
        Assert.True(
            calls.FindIndex(c => Command(c) == "icacls.exe") < calls.FindIndex(c => Command(c) == "Set-Content")
        );
        AssertNoEnrollmentSecret(calls);

        // agent.json is where the Windows agent looks by default (%ProgramData%\ItInventory\Agent\agent.json). It
        // holds the secret until the first check-in; the built agent run on it enrolls and removes it.
        var config = Path.Combine(dataDir, "agent.json");
        var written = JsonNode.Parse(await File.ReadAllTextAsync(config))!;
        Assert.Equal(fixture.Host.BaseUri.ToString(), (string)written["serverUrl"]!);
        Assert.Equal(InventoryHostFixture.EnrollmentSecret, (string)written["enrollmentSecret"]!);

        var run = await RunAsync(
            "dotnet",
            [
                AgentPath,
                "--once",
                "--config",
                config,
                "--state-directory",
                Path.Combine(dataDir, "state"),
                "--log-file",
                Path.Combine(dataDir, "agent.log"),
            ]
        );
        Assert.True(run.Exit == 0, run.Output);
        var after = await File.ReadAllTextAsync(config);
        Assert.DoesNotContain(InventoryHostFixture.EnrollmentSecret, after);
        Assert.Equal(fixture.Host.BaseUri.ToString(), (string)JsonNode.Parse(after)!["serverUrl"]!);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            Assert.DoesNotContain(InventoryHostFixture.EnrollmentSecret, await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Install_ps1_over_an_installed_agent_stops_the_service_replaces_the_binary_and_starts_it_again()
    {
        var root = Directory.CreateTempSubdirectory("install-ps1-").FullName;
        var programFiles = Directory.CreateDirectory(Path.Combine(root, "Program Files")).FullName;
        var programData = Directory.CreateDirectory(Path.Combine(root, "ProgramData")).FullName;
        var binary = Path.Combine(root, "itinventory-agent.exe");
        await File.WriteAllTextAsync(binary, "the new agent binary");

        var (exit, output, calls) = await RunCapturedAsync(
            Path.Combine(RepositoryRoot.Path, "agent", "packaging", "windows", "install.ps1"),
            new JsonObject
            {
                ["ServerUrl"] = fixture.Host.BaseUri.ToString(),
                ["EnrollmentSecret"] = InventoryHostFixture.EnrollmentSecret,
                ["Binary"] = binary,
            },
            Guid.NewGuid().ToString(),
            existingKeys: [],
            existingServices: ["ItInventoryAgent"],
            environment: new() { ["ProgramFiles"] = programFiles, ["ProgramData"] = programData }
        );
        Assert.True(exit == 0, output);

        var installed = Path.Combine(programFiles, "ItInventory", "Agent", "itinventory-agent.exe");
        Assert.Equal("the new agent binary", await File.ReadAllTextAsync(installed));
        Assert.Equal(
            ["Get-Service", "Stop-Service", "Start-Service"],
            calls.Select(Command).Where(c => c!.EndsWith("-Service", StringComparison.Ordinal))
        );
        Assert.DoesNotContain(calls, c => Command(c) == "sc.exe");
        AssertNoEnrollmentSecret(calls);
    }

    private static string AgentPath =>
        Path.GetFullPath(
            typeof(WindowsScriptTests)
                .Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "AgentPath")
                .Value!
        );

    private static string WindowsMac(string machineGuid) =>
        "3C-52-82-" + string.Join('-', machineGuid[..6].ToUpperInvariant().Chunk(2).Select(c => new string(c)));

    private static string? Command(JsonNode? call) => (string?)call?["command"];

    private static string[] Strings(JsonNode node) => [.. node.AsArray().Select(n => (string)n!)];

    /// <summary>Not in any value a wrapped command was given: registry, ACL, services, tools.</summary>
    private static void AssertNoEnrollmentSecret(List<JsonNode?> calls)
    {
        var recorded = new JsonArray([.. calls.Select(c => c?.DeepClone())]).ToJsonString();
        Assert.DoesNotContain(InventoryHostFixture.EnrollmentSecret, recorded);
    }

    /// <summary>Runs <paramref name="script"/> under pwsh through the capture wrapper; returns its exit code, its
    /// output and the recorded Windows calls in order.</summary>
    private static async Task<(int Exit, string Output, List<JsonNode?> Calls)> RunCapturedAsync(
        string script,
        JsonObject arguments,
        string machineGuid,
        string[] existingKeys,
        string[] existingServices,
        Dictionary<string, string>? environment = null
    )
    {
        await RestoreToolsAsync();
        var work = Directory.CreateTempSubdirectory("pwsh-capture-").FullName;
        var record = Path.Combine(work, "calls.json");
        var settings = new JsonObject
        {
            ["script"] = script,
            ["record"] = record,
            ["machineGuid"] = machineGuid,
            ["existingKeys"] = new JsonArray([.. existingKeys.Select(k => JsonValue.Create(k))]),
            ["existingServices"] = new JsonArray([.. existingServices.Select(s => JsonValue.Create(s))]),
            ["machine"] = new JsonObject
            {
                // Placeholder serial and UUID as many white boxes report them: the MachineGuid identifies it.
                ["serialNumber"] = "To be filled by O.E.M.",
                ["smbiosUuid"] = "03000200-0400-0500-0006-000700080009",
                ["manufacturer"] = "Contoso",
                ["model"] = "Desk 1",
                // Get-NetAdapter's format (dashes, upper case), a MAC of this machine's own.
                ["macAddresses"] = new JsonArray(WindowsMac(machineGuid)),
            },
            ["arguments"] = arguments,
        };
        var settingsFile = Path.Combine(work, "settings.json");
        await File.WriteAllTextAsync(settingsFile, settings.ToJsonString());

        var run = await RunAsync(
            "dotnet",
            [
                "pwsh",
                "-NoProfile",
                "-NonInteractive",
                "-File",
                Path.Combine(AppContext.BaseDirectory, "WindowsScripts", "capture-windows.ps1"),
                "-SettingsFile",
                settingsFile,
            ],
            new(environment ?? []) { ["COMPUTERNAME"] = "WIN-" + machineGuid[..8].ToUpperInvariant() }
        );
        var calls = File.Exists(record)
            ? JsonNode.Parse(await File.ReadAllTextAsync(record))!.AsArray().ToList()
            : throw new InvalidOperationException("The wrapper recorded nothing.\n" + run.Output);
        return (run.Exit, run.Output, calls);
    }

    /// <summary>pwsh is a local dotnet tool (.config/dotnet-tools.json); the test command does not restore tools.
    /// </summary>
    private static async Task RestoreToolsAsync()
    {
        await ToolRestore.WaitAsync();
        try
        {
            if (restored)
                return;
            var restore = await RunAsync("dotnet", ["tool", "restore"]);
            Assert.True(restore.Exit == 0, restore.Output);
            restored = true;
        }
        finally
        {
            ToolRestore.Release();
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(
        string file,
        IReadOnlyList<string> arguments,
        Dictionary<string, string>? environment = null
    )
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? [])
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
