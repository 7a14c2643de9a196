using System.Net.Sockets;
using System.Text.Json;
using Azure;
using ItInventory.Functions.CheckIns;
using ItInventory.Functions.Common;
using ItInventory.Functions.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ItInventory.Functions.Tests.Common;

/// <summary>The one exception→answer mapping the HTTP error middleware applies (HttpErrors), without I/O.</summary>
public sealed class HttpErrorsTests
{
    private static Problem Map(Exception exception) =>
        HttpErrors.ToProblem(exception, "0af7651916cd43dd8448eb211c80319c", NullLogger.Instance);

    [Fact]
    public void A_problem_exception_is_answered_with_its_problem()
    {
        var problem = Problem.NotFound("There is no asset 'x'.");
        Assert.Same(problem, Map(new ProblemException(problem)));
    }

    public static TheoryData<Exception> Outages() =>
        new()
        {
            new RequestFailedException(0, "Connection refused (127.0.0.1:1)"),
            new RequestFailedException(503, "Server busy", "ServerBusy", null),
            new RequestFailedException(500, "Internal", "InternalError", null),
            new AggregateException(
                "Retry failed after 3 tries.",
                new RequestFailedException(0, "refused"),
                new RequestFailedException(0, "refused")
            ),
            new HttpRequestException("No connection could be made", new SocketException(111)),
            new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout."),
            new DependencyUnavailableException("The identity provider's metadata cannot be fetched."),
        };

    [Theory]
    [MemberData(nameof(Outages))]
    public void An_unreachable_dependency_is_a_503_with_retry_after_and_the_trace_id(Exception outage)
    {
        var problem = Map(outage);
        Assert.Equal(503, problem.Status);
        Assert.Equal(HttpErrors.RetryAfter, problem.RetryAfter);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", problem.TraceId);
        Assert.DoesNotContain("refused", problem.Detail, StringComparison.OrdinalIgnoreCase);
    }

    public static TheoryData<Exception> Faults() =>
        new()
        {
            new InvalidOperationException("Sequence contains no elements in ItInventory.Functions.Secret"),
            new NullReferenceException(),
            new RequestFailedException(404, "The table specified does not exist.", "TableNotFound", null),
            new RequestFailedException(403, "This request is not authorized", "AuthorizationPermissionMismatch", null),
        };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Anything_else_is_a_500_that_names_the_trace_id_and_nothing_of_the_exception(Exception fault)
    {
        var problem = Map(fault);
        Assert.Equal(500, problem.Status);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", problem.TraceId);
        Assert.Null(problem.RetryAfter);
        Assert.DoesNotContain("ItInventory", problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(fault.Message, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_503_is_written_as_problem_json_with_retry_after_and_trace_id()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var answer = await TestApp.ExecuteAsync(
            context.Request,
            new ProblemResult(Map(new RequestFailedException(0, "refused")))
        );

        Assert.Equal(503, answer.Status);
        Assert.Equal("application/problem+json; charset=utf-8", answer.ContentType);
        Assert.Equal("10", answer.Headers.RetryAfter.ToString());
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", answer.Json.GetProperty("traceId").GetString());
        Assert.Equal("https://itinventory.dev/problems/unavailable", answer.Json.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("device", "Device realm=\"itinventory\"")]
    [InlineData("bearer", "Bearer realm=\"itinventory\"")]
    public async Task A_401_challenges_with_the_scheme_of_its_endpoint(string endpoint, string challenge)
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var problem =
            endpoint == "device"
                ? Problem.DeviceUnauthorized("The device credential is not valid.")
                : Problem.BearerUnauthorized("The access token is not valid.");
        var answer = await TestApp.ExecuteAsync(context.Request, new ProblemResult(problem));

        Assert.Equal(401, answer.Status);
        Assert.Equal(challenge, answer.Headers.WWWAuthenticate.ToString());
    }

    [Theory]
    [InlineData("""{"schemaVersion":"1.0","kind":"full","inventory":{"software":[5]}}""", "$.inventory.software[0]")]
    [InlineData("""[1,2]""", "$")]
    [InlineData("""{"schemaVersion":1}""", "$.schemaVersion")]
    [InlineData(
        """{"schemaVersion":"1.0","kind":"heartbeat","heartbeat":{"cpuAveragePercent":"12"}}""",
        "$.heartbeat.cpuAveragePercent"
    )]
    public void A_json_type_error_names_the_path_never_a_dotnet_type(string json, string path)
    {
        var outcome = JsonBody.Deserialize(
            System.Text.Encoding.UTF8.GetBytes(json),
            ApiJsonContext.Default.CheckinRequest
        );

        Assert.True(outcome.Failed);
        Assert.Equal(400, outcome.Problem.Status);
        Assert.Contains($"at '{path}'", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("wrong type", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.Contains("JSON", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("ItInventory", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", outcome.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_syntax_error_keeps_its_reason_and_position()
    {
        var outcome = JsonBody.Deserialize("""{"kind" "heartbeat"}"""u8, ApiJsonContext.Default.CheckinRequest);

        Assert.True(outcome.Failed);
        Assert.Contains("line 1", outcome.Problem.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("ItInventory", outcome.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Outcome_or_throw_answers_the_value_or_throws_the_problem()
    {
        Outcome<int> ok = 7;
        Outcome<int> failed = Problem.Conflict("No.");

        Assert.Equal(7, ok.OrThrow());
        Assert.Equal(409, Assert.Throws<ProblemException>(() => failed.OrThrow()).Problem.Status);
        Assert.Throws<ProblemException>(() => ((Problem?)Problem.Forbidden("No.")).ThrowIfAny());
        ((Problem?)null).ThrowIfAny();
    }

    [Fact]
    public void Problem_json_has_no_header_only_members()
    {
        var json = JsonSerializer.Serialize(
            Problem.Unavailable("Down.", TimeSpan.FromSeconds(3)),
            ApiJsonContext.Default.Problem
        );
        Assert.DoesNotContain("retryAfter", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("challenge", json, StringComparison.OrdinalIgnoreCase);
    }
}
