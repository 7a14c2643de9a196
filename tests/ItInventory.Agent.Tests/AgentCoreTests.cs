extern alias agent;
using agent::ItInventory.Agent.Collectors;
using agent::ItInventory.Agent.Configuration;
using agent::ItInventory.Agent.Credentials;
using agent::ItInventory.Agent.Net;
using agent::ItInventory.Agent.Running;
using Contract = agent::ItInventory.Functions.CheckIns;

namespace ItInventory.Agent.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Back_off_grows_exponentially_with_full_jitter_up_to_the_cap()
    {
        var random = new Random(7);
        for (var failures = 1; failures <= 12; failures++)
        {
            var ceiling = Math.Min(3600, 30 * Math.Pow(2, failures - 1));
            var waits = Enumerable
                .Range(0, 200)
                .Select(_ => Backoff.Delay(failures, null, random).TotalSeconds)
                .ToList();
            Assert.All(waits, w => Assert.InRange(w, 0, ceiling));
            // Spread over the window (no herd): the waits are not all alike.
            Assert.True(waits.Max() - waits.Min() > ceiling / 2, $"failures {failures}: {waits.Min()}..{waits.Max()}");
        }
    }

    [Fact]
    public void Retry_after_is_a_floor()
    {
        var random = new Random(1);
        Assert.All(Enumerable.Range(0, 100), _ =>
            Assert.True(Backoff.Delay(1, TimeSpan.FromSeconds(120), random) >= TimeSpan.FromSeconds(120))
        );
    }

    [Fact]
    public void Regular_interval_has_ten_percent_jitter()
    {
        var random = new Random(3);
        var waits = Enumerable.Range(0, 500).Select(_ => Backoff.Interval(14400, random).TotalSeconds).ToList();
        Assert.InRange(waits.Min(), 12960, 13400);
        Assert.InRange(waits.Max(), 15400, 15840);
    }
}

public sealed class ConfigurationTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("agent-config-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Command_line_beats_environment_beats_config_file()
    {
        var file = Path.Combine(directory, "agent.json");
        File.WriteAllText(
            file,
            """
            { "serverUrl": "https://file.example/", "enrollmentSecret": "from-file", "reEnrollAfterUnauthorized": 3 }
            """
        );
        var env = new Dictionary<string, string?>
        {
            ["ITINVENTORY_AGENT_CONFIG"] = file,
            ["ITINVENTORY_AGENT_SERVER_URL"] = "https://env.example",
        };

        var options = AgentConfiguration.Load(["--enrollment-secret", "from-cli", "--once"], env);

        Assert.Equal(new Uri("https://env.example/"), options.ServerUrl);
        Assert.Equal("from-cli", options.EnrollmentSecret);
        Assert.Equal(3, options.ReEnrollAfterUnauthorized);
        Assert.True(options.Once);
    }

    [Fact]
    public void Forgetting_the_enrollment_secret_rewrites_the_file_without_it_and_keeps_the_rest()
    {
        var file = Path.Combine(directory, "agent.json");
        File.WriteAllText(
            file,
            """{ "serverUrl": "https://a.example/", "EnrollmentSecret": "s3cret", "logFile": "" }"""
        );

        Assert.True(AgentConfiguration.ForgetEnrollmentSecret(file));

        var text = File.ReadAllText(file);
        Assert.DoesNotContain("s3cret", text);
        Assert.Contains("https://a.example/", text);
        Assert.False(AgentConfiguration.ForgetEnrollmentSecret(file));
        Assert.Null(
            AgentConfiguration.Load([], new Dictionary<string, string?> { ["ITINVENTORY_AGENT_CONFIG"] = file }).LogFile
        );
    }

    [Theory]
    [InlineData("--bogus", "x")]
    [InlineData("--server-url", "ftp://nope")]
    public void Bad_arguments_are_refused(string name, string value) =>
        Assert.ThrowsAny<ArgumentException>(() =>
            AgentConfiguration.Load([name, value], new Dictionary<string, string?>())
        );
}

public sealed class CredentialStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "agent-cred-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Credential_file_is_owner_only_in_an_owner_only_directory_and_round_trips()
    {
        var store = CredentialStores.ForThisPlatform(directory);
        var credential = new DeviceCredential
        {
            DeviceId = new string('a', 32),
            DeviceSecret = "secret-1",
            ServerUrl = "http://x/",
        };

        store.Save(credential);
        store.Save(credential with { PendingSecret = "secret-2" });

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Location));
        Assert.Equal(SecureFile.OwnerOnlyDirectory, File.GetUnixFileMode(directory));
        Assert.Equal("secret-2", store.Load()!.PendingSecret);
        // Atomic replace leaves no temporary files behind.
        Assert.Equal(["credential.json"], Directory.GetFiles(directory).Select(Path.GetFileName));
    }

    [Fact]
    public void A_credential_file_others_can_read_is_refused()
    {
        var store = CredentialStores.ForThisPlatform(directory);
        store.Save(new DeviceCredential { DeviceId = new string('b', 32), DeviceSecret = "s" });
        File.SetUnixFileMode(store.Location, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        Assert.Throws<UnauthorizedAccessException>(() => store.Load());
    }
}

public sealed class ComposerTests
{
    private sealed class Fixed(string name, Func<Contribution> collect) : IInventoryCollector
    {
        public string Name => name;

        public Contribution Collect(CancellationToken cancellationToken) => collect();
    }

    [Fact]
    public void A_failing_collector_leaves_its_section_out_and_says_why()
    {
        var collectors = new List<IInventoryCollector>();
        collectors.Add(new Fixed("system", () => new()
                {
                    Hostname = "pc1",
                    Hardware = new() { Manufacturer = "A" },
                }));
        collectors.Add(new Fixed("packages", () => throw new FileNotFoundException("gone", "/var/lib/dpkg/status")));
        var disks = new Contribution { Hardware = new() { Disks = [new() { Name = "sda" }] } };
        collectors.Add(new Fixed("disks", () => disks));

        var inventory = InventoryComposer.Compose(collectors, DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Null(inventory.Software);
        var diagnostic = Assert.Single(inventory.Diagnostics!);
        Assert.Equal("software", diagnostic.Section);
        Assert.Contains("/var/lib/dpkg/status", diagnostic.Error);
        Assert.Equal("A", inventory.Hardware!.Manufacturer);
        Assert.Equal("sda", Assert.Single(inventory.Hardware.Disks!).Name);
    }

    [Fact]
    public void The_local_hash_ignores_collection_time_and_diagnostics_but_not_content()
    {
        var a = new Contract.InventoryData { Hostname = "pc1", CollectedAt = DateTimeOffset.UnixEpoch };
        var b = a with
        {
            CollectedAt = DateTimeOffset.UtcNow,
            Diagnostics = [new() { Section = "software", Error = "y" }],
        };

        Assert.Equal(CheckinCycle.LocalHash(a), CheckinCycle.LocalHash(b));
        Assert.NotEqual(CheckinCycle.LocalHash(a), CheckinCycle.LocalHash(a with { Hostname = "pc2" }));
    }
}
