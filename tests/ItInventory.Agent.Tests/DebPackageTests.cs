using System.Diagnostics;
using ItInventory.Functions.Tests.Infrastructure;

namespace ItInventory.Agent.Tests;

/// <summary>agent/packaging/build-deb.sh builds a .deb that dpkg-deb can read, with the binary, the systemd unit
/// and the maintainer scripts (packaging the built apphost here: the single-file publish is the release's, not the
/// test's).</summary>
public sealed class DebPackageTests : IDisposable
{
    private readonly string output = Directory.CreateTempSubdirectory("agent-deb-").FullName;

    public void Dispose() => Directory.Delete(output, recursive: true);

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {await stderr}");
        return await stdout;
    }

    [Fact]
    public async Task The_deb_holds_the_agent_its_systemd_unit_and_maintainer_scripts()
    {
        var binary = Path.Combine(Path.GetDirectoryName(AgentRunner.AgentPath)!, "itinventory-agent");
        var deb = (
            await RunAsync(
                "bash",
                RepositoryRoot.Combine("agent", "packaging", "build-deb.sh"),
                "--binary",
                binary,
                "--out",
                output,
                "--version",
                "1.0.0"
            )
        ).Trim();

        var contents = await RunAsync("dpkg-deb", "-c", deb);
        Assert.Contains("./usr/lib/itinventory-agent/itinventory-agent", contents);
        Assert.Contains("./lib/systemd/system/itinventory-agent.service", contents);
        Assert.Contains("./usr/bin/itinventory-agent -> ../lib/itinventory-agent/itinventory-agent", contents);
        Assert.Matches(@"-rwxr-xr-x root/root\s+\d+ \S+ \S+ \./usr/lib/itinventory-agent/itinventory-agent", contents);
        var info = await RunAsync("dpkg-deb", "-I", deb);
        Assert.Contains("Package: itinventory-agent", info);
        Assert.Contains("Architecture: amd64", info);
        Assert.Contains("postinst", info);
        Assert.Contains("postrm", info);
        var unit = await RunAsync("dpkg-deb", "--ctrl-tarfile", deb);
        Assert.NotEmpty(unit);
    }
}
