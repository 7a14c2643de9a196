using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ItInventory.Functions.Common;
using ItInventory.Functions.Storage;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>The azd hook scripts: valid POSIX sh, and what can run without Azure does what it says.</summary>
public sealed class HookScriptTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("itinventory-hooks-").FullName;

    public static TheoryData<string> Scripts =>
        new(Directory.GetFiles(Repo.Infra("hooks"), "*.sh").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Script_is_executable_posix_sh_that_parses(string script)
    {
        var path = Repo.Infra("hooks", script);
        Assert.StartsWith("#!/bin/sh\n", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
            Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} is not executable");
        var check = await ProcessRunner.RunAsync("sh", ["-n", path], Repo.Root);
        Assert.True(check.ExitCode == 0, check.ToString());
    }

    [Fact]
    public async Task Postprovision_writes_identity_based_local_settings_from_the_bicep_outputs()
    {
        var root = CopyHooks();
        var result = await ProcessRunner.RunAsync(
            "sh",
            [Path.Combine(root, "infra", "hooks", "postprovision.sh")],
            root,
            new Dictionary<string, string?>
            {
                ["AZURE_STORAGE_BLOB_ENDPOINT"] = "https://stexample.blob.core.windows.net/",
                ["AZURE_STORAGE_QUEUE_ENDPOINT"] = "https://stexample.queue.core.windows.net/",
                ["AZURE_STORAGE_TABLE_ENDPOINT"] = "https://stexample.table.core.windows.net/",
                ["CHECKIN_QUEUE"] = "checkins",
                ["AZURE_SERVICEBUS_FULLY_QUALIFIED_NAMESPACE"] = "sb-example.servicebus.windows.net",
                ["INVENTORY_EVENTS_TOPIC"] = "inventory-events",
                ["AZURE_KEY_VAULT_NAME"] = "kv-example",
                ["API_TENANT_ID"] = "00000000-0000-0000-0000-0000000000bb",
                ["API_CLIENT_ID"] = "22222222-2222-2222-2222-222222222222",
                ["API_AUDIENCE"] = "api://22222222-2222-2222-2222-222222222222",
                ["LOCAL_SETTINGS_SECRETS"] = null,
            }
        );
        Assert.True(result.ExitCode == 0, result.ToString());

        var file = Path.Combine(root, "functions", "local.settings.json");
        var values = JsonNode.Parse(File.ReadAllText(file))!["Values"]!.AsObject();
        Assert.Equal("dotnet-isolated", (string)values["FUNCTIONS_WORKER_RUNTIME"]!);
        var connection = AppSettingNames.StorageConnection;
        Assert.Equal("https://stexample.table.core.windows.net/", (string)values[$"{connection}__tableServiceUri"]!);
        Assert.Equal("https://stexample.queue.core.windows.net/", (string)values[$"{connection}__queueServiceUri"]!);
        Assert.Equal("https://stexample.blob.core.windows.net/", (string)values[$"{connection}__blobServiceUri"]!);
        Assert.Equal("checkins", (string)values[AppSettingNames.CheckinQueue]!);
        Assert.Equal("sb-example.servicebus.windows.net", (string)values["ServiceBus__fullyQualifiedNamespace"]!);
        Assert.Equal("22222222-2222-2222-2222-222222222222", (string)values["AzureAd__ClientId"]!);
        // Locally the developer's own credential signs in: no managed identity client id, no connection string, no
        // secret.
        Assert.Null(values[connection]);
        Assert.Null(values[$"{connection}__clientId"]);
        Assert.Null(values[$"{connection}__credential"]);
        Assert.Null(values["Enrollment__Secret"]);
        Assert.DoesNotContain("AccountKey", File.ReadAllText(file));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
    }

    [Fact]
    public async Task Postprovision_refuses_to_run_without_the_bicep_outputs()
    {
        var root = CopyHooks();
        var result = await ProcessRunner.RunAsync(
            "sh",
            [Path.Combine(root, "infra", "hooks", "postprovision.sh")],
            root,
            new Dictionary<string, string?> { ["AZURE_STORAGE_BLOB_ENDPOINT"] = null }
        );
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AZURE_STORAGE_BLOB_ENDPOINT is not set", result.StandardError);
        Assert.False(File.Exists(Path.Combine(root, "functions", "local.settings.json")));
    }

    [Fact]
    public async Task Preprovision_generates_a_strong_enrollment_secret_once_and_keeps_it()
    {
        var root = CopyHooks();
        var (bin, store) = FakeAzd();
        var environment = new Dictionary<string, string?>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
            ["FAKE_AZD_STORE"] = store,
            ["CREATE_ENTRA_APP"] = null,
            ["ENROLLMENT_SECRET"] = null,
            ["API_CLIENT_ID"] = null,
        };
        var script = Path.Combine(root, "infra", "hooks", "preprovision.sh");

        var first = await ProcessRunner.RunAsync("sh", [script], root, environment);
        Assert.True(first.ExitCode == 0, first.ToString());
        var secret = Assert.Single(File.ReadAllLines(store), l =>
            l.StartsWith("ENROLLMENT_SECRET=", StringComparison.Ordinal)
        )["ENROLLMENT_SECRET=".Length..];
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret); // 32 random bytes, base64url: fits main.bicep's @minLength(16)
        Assert.Contains("Entra ID app registration skipped", first.StandardOutput);

        var second = await ProcessRunner.RunAsync("sh", [script], root, environment);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(
            $"ENROLLMENT_SECRET={secret}",
            Assert.Single(File.ReadAllLines(store), l => l.StartsWith("ENROLLMENT_SECRET=", StringComparison.Ordinal))
        );

        // Under azd the environment's values arrive as variables: an existing secret is kept without asking azd.
        File.WriteAllText(store, "");
        environment["ENROLLMENT_SECRET"] = "an-existing-secret-of-enough-length";
        environment["LICENCE_KEY_HASH_SECRET"] = "an-existing-hash-secret-of-at-least-32-characters";
        var third = await ProcessRunner.RunAsync("sh", [script], root, environment);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Empty(File.ReadAllLines(store));
    }

    [Fact]
    public void Entra_app_script_registers_the_three_api_roles()
    {
        var script = File.ReadAllText(Repo.Infra("hooks", "entra-app.sh"));
        var roles = Regex
            .Matches(script, "\"value\": \"(Inventory\\.[A-Za-z]+)\"")
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.Equal(["Inventory.Admin", "Inventory.Auditor", "Inventory.DepartmentLead"], roles);
        Assert.Contains("azd env set API_CLIENT_ID", script);
        Assert.Contains("azd env set API_AUDIENCE", script);
        Assert.Contains("appRoleAssignmentRequired=true", script);
        // main.parameters.json feeds them into the AzureAd__* app settings.
        var parameters = File.ReadAllText(Repo.Infra("main.parameters.json"));
        Assert.Contains("${API_CLIENT_ID=}", parameters);
        Assert.Contains("${API_AUDIENCE=}", parameters);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException) { }
    }

    /// <summary>A scratch repository root with the hook scripts and an empty functions folder.</summary>
    private string CopyHooks()
    {
        var root = Path.Combine(_work, Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(root, "infra", "hooks"));
        Directory.CreateDirectory(Path.Combine(root, "functions"));
        foreach (var file in Directory.GetFiles(Repo.Infra("hooks")))
            File.Copy(file, Path.Combine(root, "infra", "hooks", Path.GetFileName(file)));
        return root;
    }

    /// <summary>An <c>azd</c> stand-in for <c>env get-value</c> / <c>env set</c>, backed by a KEY=VALUE file.</summary>
    private (string Bin, string Store) FakeAzd()
    {
        var bin = Path.Combine(_work, "bin-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(bin);
        var store = Path.Combine(bin, "env");
        File.WriteAllText(store, "");
        var azd = Path.Combine(bin, "azd");
        File.WriteAllText(
            azd,
            """
            #!/bin/sh
            case "$1 $2" in
              "env get-value")
                value=$(grep "^$3=" "$FAKE_AZD_STORE" | tail -n 1 | cut -d= -f2-)
                if [ -z "$value" ]; then echo "ERROR: key '$3' not found in the environment values" >&2; exit 1; fi
                printf '%s\n' "$value" ;;
              "env set")
                grep -v "^$3=" "$FAKE_AZD_STORE" > "$FAKE_AZD_STORE.tmp" || true
                mv "$FAKE_AZD_STORE.tmp" "$FAKE_AZD_STORE"
                printf '%s=%s\n' "$3" "$4" >> "$FAKE_AZD_STORE" ;;
              *) echo "fake azd: unsupported: $*" >&2; exit 2 ;;
            esac
            """.ReplaceLineEndings("\n")
        );
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(azd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (bin, store);
    }
}
