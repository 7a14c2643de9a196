using System.Diagnostics;
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
/// Stock agents, really run as root against the local host: Debian's FusionInventory agent (connected with
/// tools/connect-agents/connect-agent.sh) and the OCS Unix agent. This VM has no DMI (no serial, no SMBIOS UUID),
/// so the machine is enrolled with a serial of the test's own; what the agents report — hostname, every MAC,
/// every installed package — must land on that asset.
/// </summary>
public sealed class RealAgentTests(InventoryHostFixture fixture) : IClassFixture<InventoryHostFixture>
{
    /// <summary>xunit 2 reports a test whose exception message starts with this as skipped.</summary>
    private const string DynamicSkip = "$XunitDynamicSkip$";

    private string Api => new Uri(fixture.Host.BaseUri, "api").ToString().TrimEnd('/');

    private static async Task SkipUnlessInstalledAsync(string package)
    {
        if (await DebianPackages.EnsureAsync(package) is { } reason)
            throw new InvalidOperationException(DynamicSkip + reason);
    }

    [Fact]
    public async Task Fusioninventory_agent_connected_by_the_script_lands_this_machine_in_the_inventory()
    {
        await SkipUnlessInstalledAsync("fusioninventory-agent");
        var confDir = Directory.CreateTempSubdirectory("fi-conf-").FullName;
        var serial = "FI" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

        var script = await RunAsync(
            "bash",
            [
                Path.Combine(RepositoryRoot.Path, "tools", "connect-agents", "connect-agent.sh"),
                "--api",
                Api,
                "--enrollment-secret",
                InventoryHostFixture.EnrollmentSecret,
                "--agent",
                "fusioninventory",
                "--conf-dir",
                confDir,
                "--serial",
                serial,
            ]
        );
        Assert.True(script.Exit == 0, script.Output);
        var config = Path.Combine(confDir, "itinventory.cfg");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        var settings = File.ReadAllLines(config)
            .Where(l => l.Contains('=') && !l.StartsWith('#'))
            .ToDictionary(l => l[..l.IndexOf('=')].Trim(), l => l[(l.IndexOf('=') + 1)..].Trim());
        Assert.DoesNotContain(InventoryHostFixture.EnrollmentSecret, File.ReadAllText(config));
        Assert.Equal($"{Api}/agents/ocs", settings["server"]);
        var deviceId = settings["user"];

        var run = await RunAsync(
            "fusioninventory-agent",
            [
                "--server",
                settings["server"],
                "--user",
                deviceId,
                "--password",
                settings["password"],
                "--force",
                "--no-task",
                "deploy,esx,collect,wakeonlan,netdiscovery,netinventory",
            ]
        );
        Assert.True(run.Exit == 0, run.Output);

        await AssertThisMachineAsync(deviceId, "fusioninventory", run.Output);
    }

    [Fact]
    public async Task Ocs_unix_agent_lands_this_machine_in_the_inventory()
    {
        await SkipUnlessInstalledAsync("ocsinventory-agent");
        var serial = "OC" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();
        var (deviceId, secret) = await EnrollAsync(serial);

        var run = await RunAsync(
            "ocsinventory-agent",
            [
                "--server",
                $"{Api}/agents/ocs",
                // The OCS Unix agent 2.x takes user and password base64-encoded (Ocsinventory::Agent::Encrypt).
                "--user",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(deviceId)),
                "--password",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(secret)),
                "--realm",
                "itinventory",
                "--nolocal",
                "--force",
            ],
            environment: new() { ["HOME"] = Path.GetTempPath() }
        );
        Assert.True(run.Exit == 0, run.Output);

        await AssertThisMachineAsync(deviceId, "ocs", run.Output);
    }

    private async Task<(string DeviceId, string Secret)> EnrollAsync(string serial)
    {
        using var content = new StringContent(
            SamplePayloads.Enrollment(serial, secret: InventoryHostFixture.EnrollmentSecret),
            Encoding.UTF8,
            "application/json"
        );
        using var response = await fixture.Http.PostAsync("api/devices/enroll", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("deviceId").GetString()!, json.GetProperty("deviceSecret").GetString()!);
    }

    /// <summary>Waits (with a deadline) for the host's queue processor, then compares the asset with this machine.
    /// </summary>
    private async Task AssertThisMachineAsync(string deviceId, string agent, string agentOutput)
    {
        var assets = new TableClient(fixture.ConnectionString, fixture.AssetsTable);
        TableEntity? detail = null;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            var row = await assets.GetEntityIfExistsAsync<TableEntity>(deviceId, TableKeys.AssetDetailRow);
            if (row.HasValue && row.Value!.GetDateTimeOffset("LastInventoryAt") is not null)
            {
                detail = row.Value;
                break;
            }
            await Task.Delay(250);
        }
        Assert.True(detail is not null, $"No {agent} inventory was applied to {deviceId}.\n{agentOutput}");

        Assert.Equal(Environment.MachineName.ToLowerInvariant(), detail.GetString("Hostname"));
        var interfaces = detail.GetString("NetworkInterfacesJson") ?? "";
        foreach (var nic in Directory.GetDirectories("/sys/class/net").Where(n => Path.GetFileName(n) != "lo"))
        {
            var mac = File.ReadAllText(Path.Combine(nic, "address")).Trim();
            if (mac != "00:00:00:00:00:00")
                Assert.Contains(mac, interfaces, StringComparison.OrdinalIgnoreCase);
        }
        // Every package the agent reported is stored: the claim-checked document (what the agent sent, mapped) and
        // the asset agree, and both agree with dpkg (within what parallel apt-gets on this shared machine change).
        var sent = await SentSoftwareCountAsync(deviceId);
        Assert.Equal(sent, detail.GetInt32("SoftwareCount"));
        var installed = (await RunAsync("dpkg-query", ["-W", "-f=${Status}\\n"]))
            .Output.Split('\n')
            .Count(l => l.Contains("install ok installed", StringComparison.Ordinal));
        Assert.InRange(sent, installed * 0.95, installed * 1.05);
        Assert.False(string.IsNullOrEmpty(detail.GetString("OsName")));
    }

    /// <summary>The number of software entries in the device's last claim-checked inventory document.</summary>
    private async Task<int> SentSoftwareCountAsync(string deviceId)
    {
        var container = new Azure.Storage.Blobs.BlobContainerClient(fixture.ConnectionString, fixture.CheckinQueue);
        string? latest = null;
        await foreach (var blob in container.GetBlobsAsync())
        {
            if (blob.Name.Contains(deviceId, StringComparison.Ordinal))
                latest = blob.Name;
        }
        Assert.NotNull(latest);
        var content = await container.GetBlobClient(latest).DownloadContentAsync();
        using var gzip = new System.IO.Compression.GZipStream(
            content.Value.Content.ToStream(),
            System.IO.Compression.CompressionMode.Decompress
        );
        using var document = await JsonDocument.ParseAsync(gzip);
        return document.RootElement.GetProperty("inventory").GetProperty("software").GetArrayLength();
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
