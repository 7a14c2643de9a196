extern alias agent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using FunctionsHost.Tests.Infrastructure;

namespace ItInventory.Agent.Tests;

/// <summary>
/// The agent, built, run as a process against the real app under the local host: enrollment, the first heartbeat
/// and full inventory, a heartbeat-only second run, rotation through the admin API and re-enrollment after 401s.
/// </summary>
public sealed class AgentEndToEndTests(AgentHostFixture fixture) : IClassFixture<AgentHostFixture>
{
    private static async Task<int> DpkgPackageCountAsync()
    {
        var start = new ProcessStartInfo("dpkg-query", "-W") { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
    }

    private async Task<List<string>> BlobsOfAsync(string deviceId)
    {
        var container = new BlobContainerClient(fixture.ConnectionString, fixture.CheckinsContainer);
        var names = new List<string>();
        if (!await container.ExistsAsync())
            return names;
        await foreach (var blob in container.GetBlobsAsync())
        {
            if (blob.Name.Contains($"/{deviceId}/", StringComparison.Ordinal))
                names.Add(blob.Name);
        }
        return names;
    }

    private async Task<JsonNode> ReadBlobAsync(string name)
    {
        var blob = new BlobContainerClient(fixture.ConnectionString, fixture.CheckinsContainer).GetBlobClient(name);
        using var stream = (await blob.DownloadStreamingAsync()).Value.Content;
        using var gzip = new GZipStream(stream, CompressionMode.Decompress);
        return (await JsonNode.ParseAsync(gzip))!;
    }

    [Theory]
    [InlineData("built")]
    [InlineData("published")] // the Native AOT binary that ships (agent/ItInventory.Agent.csproj)
    public async Task Agent_once_lands_this_machine_in_the_inventory_with_utilisation_then_sends_only_a_heartbeat(
        string build
    )
    {
        var executable = build == "published" ? await PublishedAgent.PathAsync() : null;
        if (executable is not null)
        {
            // One native executable: no managed assembly beside it, no runtime to start.
            Assert.False(File.Exists(Path.ChangeExtension(executable, ".dll")));
            Assert.Equal(
                new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F' },
                (await File.ReadAllBytesAsync(executable))[..4]
            );
        }
        using var agent = new AgentRunner(fixture, executable: executable);
        // The enrollment secret comes from the config file, and is gone from it after enrolling.
        await File.WriteAllTextAsync(agent.ConfigFile, $$"""{ "enrollmentSecret": "{{fixture.EnrollmentSecret}}" }""");
        var packagesBefore = await DpkgPackageCountAsync();

        var (exit, output) = await agent.OnceAsync();

        Assert.True(exit == 0, output);
        Assert.DoesNotContain(fixture.EnrollmentSecret, await File.ReadAllTextAsync(agent.ConfigFile));
        var credential = agent.Credential!;
        var state = agent.State;
        Assert.NotNull(state.SentInventoryHash);
        Assert.Contains("Full inventory sent", output);

        // The queue-triggered processor applied it: the asset shows this machine.
        var deviceId = credential.DeviceId;
        await Eventually.ReturnsAsync(
            async () => (await fixture.SummaryAsync(deviceId))?.GetString("InventoryHash") == state.ServerInventoryHash,
            "the processed inventory",
            diagnostics: () => fixture.Host.Output
        );
        var asset = await fixture.GetAssetAsync(deviceId);
        var osRelease = await File.ReadAllTextAsync("/etc/os-release");
        Assert.Contains("Debian GNU/Linux", osRelease);
        Assert.StartsWith("Debian GNU/Linux", asset["operatingSystem"]!.GetValue<string>());
        Assert.Equal(Environment.MachineName.ToLowerInvariant(), asset["hostname"]!.GetValue<string>());
        var packagesAfter = await DpkgPackageCountAsync();
        Assert.Contains(asset["softwareCount"]!.GetValue<int>(), new[] { packagesBefore, packagesAfter });

        // The machine's identities travelled in the payload (this VM: machine-id, no DMI serial/UUID).
        var blob = Assert.Single(await BlobsOfAsync(deviceId));
        var payload = await ReadBlobAsync(blob);
        var machineId = (await File.ReadAllTextAsync("/etc/machine-id")).Trim();
        Assert.Equal(
            machineId,
            payload["inventory"]!["hardware"]!["platformIdentities"]!["machineId"]!.GetValue<string>()
        );

        // The heartbeat updated the utilisation aggregate on the summary row.
        var summary = (await fixture.SummaryAsync(deviceId))!;
        Assert.True(summary.GetInt32("UtilisationDaySamples") >= 1);
        Assert.NotNull(summary.GetDateTimeOffset("LastHeartbeatAt"));
        Assert.NotNull(summary.GetDouble("CpuAveragePercent"));
        Assert.Equal("1.0.0", summary.GetString("AgentVersion"));

        // Second run: the hash is unchanged, so only a heartbeat goes out.
        var (again, againOutput) = await agent.OnceAsync();

        Assert.True(again == 0, againOutput);
        Assert.Contains("Heartbeat sent", againOutput);
        Assert.DoesNotContain("Full inventory sent", againOutput);
        Assert.Single(await BlobsOfAsync(deviceId));
        Assert.True((await fixture.SummaryAsync(deviceId))!.GetInt32("UtilisationDaySamples") >= 2);
        Assert.Equal(credential, agent.Credential);
    }

    [Fact]
    public async Task A_rotated_credential_is_taken_only_after_a_check_in_with_it_succeeded()
    {
        using var agent = new AgentRunner(fixture);
        var (exit, output) = await agent.OnceAsync("--enrollment-secret", fixture.EnrollmentSecret);
        Assert.True(exit == 0, output);
        var before = agent.Credential!;

        using var rotate = await fixture.AdminPostAsync($"api/devices/{before.DeviceId}/credential/rotate");
        Assert.Equal(HttpStatusCode.Accepted, rotate.StatusCode);
        var (rotatedExit, rotatedOutput) = await agent.OnceAsync();

        Assert.True(rotatedExit == 0, rotatedOutput);
        Assert.Contains("Switched to the rotated device credential", rotatedOutput);
        var after = agent.Credential!;
        Assert.Equal(before.DeviceId, after.DeviceId);
        Assert.NotEqual(before.DeviceSecret, after.DeviceSecret);
        Assert.Null(after.PendingSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, await fixture.HeartbeatAsync(after.DeviceId, before.Authorization()));
        Assert.Equal(HttpStatusCode.OK, await fixture.HeartbeatAsync(after.DeviceId, after.Authorization()));
    }

    [Fact]
    public async Task Refused_credentials_lead_to_re_enrollment_only_when_configured_and_after_repeated_401s()
    {
        using var agent = new AgentRunner(fixture);
        var (exit, output) = await agent.OnceAsync("--enrollment-secret", fixture.EnrollmentSecret);
        Assert.True(exit == 0, output);
        var broken = agent.Credential! with { DeviceSecret = "not-the-secret" };
        // Written as the agent writes it (owner-only), or the agent refuses to read it.
        var file = Path.Combine(agent.StateDirectory, "credential.json");
        await File.WriteAllBytesAsync(
            file,
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                broken,
                agent::ItInventory.Agent.Running.AgentJsonContext.Default.DeviceCredential
            )
        );
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var secret = new Dictionary<string, string>
        {
            ["ITINVENTORY_AGENT_ENROLLMENT_SECRET"] = fixture.EnrollmentSecret,
        };

        // Not configured: however many 401s, the agent never enrolls again on its own.
        for (var i = 0; i < 3; i++)
        {
            var (refused, refusedOutput) = await agent.OnceAsync([], secret);
            Assert.True(refused == 1, refusedOutput);
        }
        Assert.Equal("not-the-secret", agent.Credential!.DeviceSecret);
        Assert.Equal(3, agent.State.ConsecutiveUnauthorized);

        var (reEnrolled, reEnrolledOutput) = await agent.OnceAsync(["--re-enroll-after-unauthorized", "2"], secret);

        Assert.True(reEnrolled == 0, reEnrolledOutput);
        Assert.Contains("Enrolling again", reEnrolledOutput);
        Assert.NotEqual("not-the-secret", agent.Credential!.DeviceSecret);
        Assert.Equal(0, agent.State.ConsecutiveUnauthorized);
    }
}
