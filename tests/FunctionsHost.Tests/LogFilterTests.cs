using FunctionsHost.Rpc;

namespace FunctionsHost.Tests;

public sealed class LogFilterTests
{
    private const string Headers = "\r\nServer: Azurite-Table/3.37.0\r\nx-ms-request-id: 1\r\n";

    [Theory]
    [InlineData("Error response [7f1c] 409 Conflict (00.0s)" + Headers)]
    [InlineData("Error response [7f1c] 404 Not Found (00.0s)" + Headers)]
    [InlineData("Error response [] 412 Precondition Failed (00.1s)" + Headers)]
    public void Expected_storage_conflicts_and_misses_are_debug_and_not_shown_by_default(string message)
    {
        var level = LogFilter.EffectiveLevel("Azure.Core", RpcLog.Types.Level.Warning, message);

        Assert.Equal(RpcLog.Types.Level.Debug, level);
        Assert.False(LogFilter.Default.Shows("Azure.Core", level));
    }

    [Theory]
    [InlineData("Azure.Core", "Error response [7f1c] 500 Internal Server Error (00.0s)" + Headers)]
    [InlineData("Azure.Core", "Error response [7f1c] 403 Forbidden (00.0s)" + Headers)]
    [InlineData("Azure.Core", "Error response [7f1c] 503 Server Busy (00.0s)" + Headers)]
    [InlineData("ItInventory.Functions.Devices.EnrollmentService", "Error response [7f1c] 409 Conflict (00.0s)")]
    public void Other_error_responses_and_app_warnings_stay_warnings(string category, string message)
    {
        var level = LogFilter.EffectiveLevel(category, RpcLog.Types.Level.Warning, message);

        Assert.Equal(RpcLog.Types.Level.Warning, level);
        Assert.True(LogFilter.Default.Shows(category, level));
    }

    [Fact]
    public void A_host_json_rule_at_debug_shows_the_expected_conflicts_again()
    {
        using var json = System.Text.Json.JsonDocument.Parse("""{"logging":{"logLevel":{"Azure.Core":"Debug"}}}""");
        var filter = LogFilter.FromHostJson(json.RootElement);

        var level = LogFilter.EffectiveLevel(
            "Azure.Core",
            RpcLog.Types.Level.Warning,
            "Error response [1] 409 Conflict"
        );

        Assert.True(filter.Shows("Azure.Core", level));
    }
}
