using System.Text.Json;
using System.Text.Json.Nodes;

namespace ItInventory.Infrastructure.Tests.Infrastructure;

/// <summary>
/// Runs the Bicep CLI once for all tests: <c>bicep build</c> (the compiled ARM JSON), <c>bicep lint</c>, and
/// <c>bicep snapshot</c> for two parameter sets. A snapshot is Bicep's offline expansion of the deployment: every
/// resource the template would create, loops unrolled, modules inlined, and every expression that does not need a
/// live Azure evaluated (what is left is <c>reference(...)</c> to resources that do not exist yet).
/// </summary>
public sealed class InfraFixture : IAsyncLifetime
{
    public const string SubscriptionId = "00000000-0000-0000-0000-0000000000aa";
    public const string TenantId = "00000000-0000-0000-0000-0000000000bb";
    public const string Location = "westeurope";
    public const string UserPrincipalId = "11111111-1111-1111-1111-111111111111";
    public const string ApiClientId = "22222222-2222-2222-2222-222222222222";

    private readonly string _work = Directory.CreateTempSubdirectory("itinventory-infra-").FullName;

    public ProcessResult Build { get; private set; } = null!;
    public ProcessResult Lint { get; private set; } = null!;

    // A failed CLI run fails the tests that need its output (with the CLI's message), not the whole collection.
    private JsonObject? _template;
    private Snapshot? _full,
        _vnet;
    private string _templateError = "",
        _fullError = "",
        _vnetError = "";

    /// <summary>infra/main.bicep compiled to an ARM template (modules are nested deployments).</summary>
    public JsonObject Template => _template ?? throw new InvalidOperationException(_templateError);

    /// <summary>Deploying user given, SMTP configured, API client id set, no VNet.</summary>
    public Snapshot Full => _full ?? throw new InvalidOperationException(_fullError);

    /// <summary>vnetEnabled, no deploying user, no SMTP, no API client id.</summary>
    public Snapshot Vnet => _vnet ?? throw new InvalidOperationException(_vnetError);

    public async Task InitializeAsync()
    {
        EnsureExecutable(Repo.BicepCli);
        var main = Repo.Infra("main.bicep");
        var compiled = Path.Combine(_work, "main.json");
        // Linter findings are the lint test's business; snapshots are wanted even while one is open.
        File.WriteAllText(NoLinterConfig, """{ "analyzers": { "core": { "enabled": false } } }""");

        // build: compiler diagnostics only (a linter finding would otherwise withhold the template from every test);
        // lint: infra/bicepconfig.json, every rule an error.
        var build = Bicep("build", main, "--outfile", compiled, "--config", NoLinterConfig);
        var lint = Bicep("lint", main, "--config", Repo.Infra("bicepconfig.json"));
        var full = SnapshotAsync(
            "full",
            $"""
            param environmentName = 'ci'
            param location = '{Location}'
            param principalId = '{UserPrincipalId}'
            param enrollmentSecret = 'ci-enrollment-secret-0123456789'
            param licenceKeyHashSecret = 'ci-licence-key-hash-secret-0123456789abcdef'
            param smtpHost = 'smtp.example.org'
            param smtpUsername = 'inventory'
            param smtpFrom = 'inventory@example.org'
            param smtpPassword = 'ci-smtp-password'
            param financeMailRecipients = 'finance@example.org, controller@example.org'
            param apiClientId = '{ApiClientId}'
            """
        );
        var vnet = SnapshotAsync(
            "vnet",
            $"""
            param environmentName = 'ci-vnet'
            param location = '{Location}'
            param vnetEnabled = true
            param enrollmentSecret = 'ci-enrollment-secret-0123456789'
            param licenceKeyHashSecret = 'ci-licence-key-hash-secret-0123456789abcdef'
            """
        );

        Build = await build;
        Lint = await lint;
        if (Build.ExitCode == 0 && File.Exists(compiled))
            _template = JsonNode.Parse(await File.ReadAllTextAsync(compiled))!.AsObject();
        else
            _templateError = $"bicep build failed:\n{Build}";
        (_full, _fullError) = await full;
        (_vnet, _vnetError) = await vnet;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException) { }
        return Task.CompletedTask;
    }

    private string NoLinterConfig => Path.Combine(_work, "bicepconfig.nolint.json");

    private Task<ProcessResult> Bicep(params string[] arguments) =>
        ProcessRunner.RunAsync(Repo.BicepCli, arguments, Repo.Root);

    private async Task<(Snapshot?, string)> SnapshotAsync(string name, string parameters)
    {
        // A .bicepparam must name its template with a relative path.
        var relativeMain = Path.GetRelativePath(_work, Repo.Infra("main.bicep")).Replace('\\', '/');
        var paramFile = Path.Combine(_work, $"{name}.bicepparam");
        await File.WriteAllTextAsync(paramFile, $"using '{relativeMain}'\n{parameters}\n");
        var result = await Bicep(
            "snapshot",
            paramFile,
            "--mode",
            "overwrite",
            "--config",
            NoLinterConfig,
            "--subscription-id",
            SubscriptionId,
            "--tenant-id",
            TenantId,
            "--location",
            Location
        );
        var output = Path.Combine(_work, $"{name}.snapshot.json");
        return result.ExitCode == 0 && File.Exists(output)
            ? (new Snapshot(name, JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsObject(), result), "")
            : (null, $"bicep snapshot ({name}) failed:\n{result}");
    }

    private static void EnsureExecutable(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Bicep CLI not found at {path}; restore the test project.", path);
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute))
            File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
    }
}

[CollectionDefinition(Name)]
public sealed class InfraCollection : ICollectionFixture<InfraFixture>
{
    public const string Name = "Bicep";
}

/// <summary>The output of <c>bicep snapshot</c>: predicted resources with evaluated properties, and outputs.</summary>
public sealed class Snapshot(string name, JsonObject document, ProcessResult cli)
{
    public string Name { get; } = name;
    public ProcessResult Cli { get; } = cli;
    public JsonObject Document { get; } = document;

    public IReadOnlyList<JsonObject> Resources { get; } =
        document["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();

    public JsonObject Outputs => Document["outputs"]!.AsObject();

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    public JsonObject Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"{Name}: expected one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The last segment of each resource name of the type (e.g. the table names).</summary>
    public IReadOnlyList<string> ChildNames(string type) =>
        OfType(type).Select(r => ((string)r["name"]!).Split('/')[^1]).ToList();

    public JsonObject FunctionApp => Single("Microsoft.Web/sites");

    /// <summary>The function app's app settings (the sites/config 'appsettings' resource).</summary>
    public IReadOnlyDictionary<string, string> AppSettings =>
        Single("Microsoft.Web/sites/config")["properties"]!
            .AsObject()
            .ToDictionary(
                p => p.Key,
                p => p.Value!.GetValueKind() == JsonValueKind.String ? (string)p.Value! : p.Value!.ToJsonString()
            );

    public JsonObject Identity => Single("Microsoft.ManagedIdentity/userAssignedIdentities");

    /// <summary>How the snapshot refers to the (not yet existing) managed identity's principal id.</summary>
    public string IdentityPrincipalIdReference =>
        $"reference('{(string)Identity["id"]!}', '{(string)Identity["apiVersion"]!}').principalId";

    public string IdentityClientIdReference =>
        $"reference('{(string)Identity["id"]!}', '{(string)Identity["apiVersion"]!}').clientId";
}
