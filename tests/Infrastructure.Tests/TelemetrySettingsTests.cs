using System.Text.Json;
using ItInventory.Infrastructure.Tests.Infrastructure;

namespace ItInventory.Infrastructure.Tests;

/// <summary>
/// The worker's and the host's telemetry: one sampling share for both, the same default as host.json. (Sending with
/// Entra ID: AppSettingsTests and the Monitoring Metrics Publisher role in RoleAssignmentTests.)
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class TelemetrySettingsTests(InfraFixture infra)
{
    private const string HostSampling = "AzureFunctionsJobHost__logging__applicationInsights__samplingSettings__";

    [Fact]
    public void Worker_and_host_sample_the_same_fixed_share()
    {
        foreach (var snapshot in new[] { infra.Full, infra.Vnet })
        {
            var settings = snapshot.AppSettings;
            var share = settings["Telemetry__SamplingPercentage"];
            Assert.Equal("10", share);
            // min = max = initial: the host's adaptive sampling cannot drift away from the worker's fixed share.
            foreach (var bound in new[] { "initial", "min", "max" })
            {
                Assert.Equal(share, settings[$"{HostSampling}{bound}SamplingPercentage"]);
            }
        }
    }

    [Fact]
    public void Host_json_defaults_match_the_template_and_sample_requests_too()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repo.Path("host.json")));
        var sampling = host
            .RootElement.GetProperty("logging")
            .GetProperty("applicationInsights")
            .GetProperty("samplingSettings");
        Assert.True(sampling.GetProperty("isEnabled").GetBoolean());
        foreach (var bound in new[] { "initial", "min", "max" })
        {
            Assert.Equal(10, sampling.GetProperty($"{bound}SamplingPercentage").GetDouble());
        }
        // Requests are sampled (counts are extrapolated; Host.Aggregator counts them exactly); exceptions never.
        Assert.Equal("Exception", sampling.GetProperty("excludedTypes").GetString());
    }

    [Fact]
    public void The_check_in_function_logs_no_host_trace_per_invocation_at_information()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Repo.Path("host.json")));
        var levels = host.RootElement.GetProperty("logging").GetProperty("logLevel");
        Assert.Equal("Warning", levels.GetProperty("Function.PostCheckin").GetString());
        Assert.Equal("Information", levels.GetProperty("Host.Results").GetString());
    }
}
